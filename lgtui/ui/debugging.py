"""Code breakpoints in the app: ``b`` sets one (``graph.py:42 [condition]``) in the engine
host's debugger; a stop (there, or at ``breakpoint()`` in the graph's code) opens the
DebugScreen, whose words go back to the stopped graph on the host's debug socket
(lgtui/host/debugger.py).  The app stays live while the graph is stopped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual import work

from lgtui.errors import LgtuiError
from lgtui.ui.base import BaseApp

if TYPE_CHECKING:
    from lgtui.runs import RunController
    from lgtui.sources.base import Source

_WHERE = re.compile(r"^\s*(?P<file>.+?):(?P<line>\d+)(?:\s+(?P<condition>.+?))?\s*$")


def read_where(text: str) -> tuple[str, int, str | None]:
    """``graph.py:42 x > 3`` -> ("graph.py", 42, "x > 3"); `ValueError` says what is wrong."""
    match = _WHERE.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r}: expected FILE:LINE, then a condition if you like")
    return match["file"], int(match["line"]), match["condition"] or None


class CodeDebugging(BaseApp):
    """The app's half of code breakpoints (`LgtuiApp` is one)."""

    debug_stop: dict[str, Any] | None = None  # where the graph's code is stopped now
    code_breaks: set[tuple[str, int]]  # (file, line) set with b (made in attach_debugger)

    if TYPE_CHECKING:  # (what `LgtuiApp` has)
        controller: RunController

        @property
        def source(self) -> Source: ...

    def attach_debugger(self) -> None:
        """The source's stops come here (an in-process source with a screen to stop on)."""
        self.code_breaks = set()
        if getattr(self.source, "debug", False):
            self.source.on_debug = lambda m: self.call_from_thread_safe(self._debug_said, m)  # type: ignore[attr-defined]

    def _debug_said(self, message: dict[str, Any]) -> None:
        from lgtui.ui.screens.debug import DebugScreen

        screen = self.screen if isinstance(self.screen, DebugScreen) else None
        if "stopped" in message:
            self.debug_stop = message["stopped"]
            if screen is not None:
                screen.show(message["stopped"])
            else:
                self.show_debug()
        elif "evaluated" in message and screen is not None:
            screen.evaluated(message["evaluated"])
        elif message.get("resumed") == "continue":
            self.debug_stop = None

    def run_ended(self) -> None:
        """A run's end: nothing is stopped in it any more."""
        from lgtui.ui.screens.debug import DebugScreen

        self.debug_stop = None
        if isinstance(self.screen, DebugScreen):
            self.screen.dismiss(None)

    def show_debug(self) -> None:
        from lgtui.ui.screens.debug import DebugScreen

        if self.debug_stop is None or isinstance(self.screen, DebugScreen):
            return
        self.push_screen(DebugScreen(self.debug_stop, self._debug_answer), self._debug_hidden)

    def _debug_hidden(self, _: None) -> None:
        if self.debug_stop is not None:
            self.notify("The graph stays stopped: i shows where.", markup=False, timeout=4)

    def _debug_answer(self, command: dict[str, Any]) -> None:
        if command.get("op") == "continue":
            self.debug_stop = None
        sent = getattr(self.source, "debug_send", None)
        if sent is None or not sent(command):
            self.notify("The graph's process is gone: nothing is stopped.", markup=False)

    @work(exclusive=True, group="code-break")
    async def action_code_break(self) -> None:
        """Ask where, then set the breakpoint in the host (said, or why it cannot be)."""
        from lgtui.ui.screens.dialogs import PromptScreen

        if not hasattr(self.source, "code_break"):
            self.notify(
                "Code breakpoints stop the graph in its own process: lgtui open runs it so.",
                markup=False,
            )
            return
        typed = await self.push_screen_wait(
            PromptScreen(
                "Break at (FILE:LINE, then a condition if you like; a line set again: no more)",
                "graph.py:42 x > 3",
            )
        )
        if not typed or not typed.strip():
            return
        try:
            file, line, condition = read_where(typed)
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        source: Any = self.source
        known = next((b for b in self.code_breaks if b[1] == line and b[0].endswith(file)), None)
        try:
            if known is not None and condition is None:  # (typed again: taken away)
                await self.controller.call(source.code_unbreak(known[0], line))
                self.code_breaks.discard(known)
                self.notify(f"No breakpoint at {known[0]}:{line} now.", markup=False)
                return
            where = await self.controller.call(source.code_break(file, line, condition))
        except LgtuiError as exc:
            self.notify(exc.message, title="No breakpoint", severity="error", markup=False)
            return
        self.code_breaks.add((str(where["file"]), int(where["line"])))
        said = f"Breaks at {where['file']}:{where['line']}"
        self.notify(said + (f" when {condition}" if condition else "") + ".", markup=False)
