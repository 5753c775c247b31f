"""The Tools tab: every tool call of the run, as a table (lgtui/toolcalls.py).

A row per call in the order they were asked for: its state, the tool, the agent that
called it, when it started and how long it took, its arguments and what it answered
(output streamed so far while it runs).
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from lgtui.preview import preview, safe_text
from lgtui.session import Session
from lgtui.toolcalls import ERROR, RUNNING, ToolRun
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.rows_view import RowsView, secs

_GLYPH = {RUNNING: ("…", "yellow"), ERROR: ("✖", "bold red")}


@keymap("tools")
class ToolsView(RowsView):
    HELP = """\
## Tools

Every tool call of the run: ✓ answered, ✖ failed, … running (its output streams in).
The tool, the agent that called it, its start (seconds into the run), how long it took,
its arguments and its answer. Found in the **tools** stream mode or channel where the run
streamed it, else in the chat messages and the state (a call asked for, an answer given).
Moving onto a call shows its event on the right; in a replay, **enter** goes there.
"""

    BINDINGS = keyed(
        "tools",
        [
            Binding("up,k", "move(-1)", "Up", show=False, id="tools.up"),
            Binding("down,j", "move(1)", "Down", show=False, id="tools.down"),
            Binding("pageup", "page(-1)", "Page up", show=False, id="tools.page_up"),
            Binding("pagedown", "page(1)", "Page down", show=False, id="tools.page_down"),
            Binding("home,g", "edge(0)", "First call", show=False, id="tools.first"),
            Binding("end,G", "edge(1)", "Last call", show=False, id="tools.last"),
            Binding("enter", "open", "Go to the call's event", show=False, id="tools.open"),
        ],
    )

    def data_key(self, session: Session) -> Any:
        return session.tools.version

    def items(self, session: Session) -> list[ToolRun]:
        calls = session.tools.snapshot(self.as_of)
        if self.ns_filter is not None:
            calls = [c for c in calls if c.ns == self.ns_filter]
        return calls

    def head(self, session: Session) -> list[Text]:
        if not self._items:
            why = (
                "No tool call here (s: another namespace)."
                if self.ns_filter is not None
                else "No tool calls yet: they show from the tools mode or channel, chat "
                "messages or the state's messages."
            )
            return [Text(why, style="italic")]
        done = sum(1 for c in self._items if c.status != RUNNING)
        failed = sum(1 for c in self._items if c.status == ERROR)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(
            f"{len(self._items)} tool call{'s' if len(self._items) != 1 else ''}", style="bold"
        )
        head.append(f" · {done} done")
        if failed:
            head.append(f" · {failed} failed", style="bold red")
        columns = Text(
            f"  {'tool':<18} {'agent':<14} {'start':>7} {'time':>7}  arguments → answer",
            style="dim",
            no_wrap=True,
        )
        return [head, columns]

    def line(self, call: ToolRun, width: int) -> Text:
        session = self.session
        status = call.status
        if self.as_of is not None and call.last_seq > self.as_of:
            status = RUNNING
        glyph, style = _GLYPH.get(status, ("✓", "green"))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(glyph + " ", style=style)
        text.append(f"{safe_text(call.name or '?', 18):<18} ", style="bold")
        agent = session.ns_label_fit(call.ns, 14) if session is not None and call.ns else "root"
        text.append(f"{agent:<14} ", style="italic cyan")
        text.append(f"{'+' + secs(call.start):>7} ", style="dim")
        text.append(f"{secs(call.duration if status != RUNNING else None):>7}  ")
        text.append(preview(call.args, 80))
        if status == ERROR:
            text.append(" → ✖ " + safe_text(call.error or call.output_text(), 200), style="red")
        elif status != RUNNING or call.deltas:
            text.append(" → ", style="dim")
            text.append(
                safe_text(call.output_text(), 200), style="green" if status != RUNNING else ""
            )
        return text

    def seq_of(self, call: ToolRun) -> int:
        if self.as_of is not None and call.last_seq > self.as_of:
            return call.first_seq
        return call.last_seq

    def action_open(self) -> None:
        if self.cursor >= 0:
            self._select(self.cursor, go=True)
