"""Where a run paused at an agent breakpoint: why, where (node, step, namespace), what
matched (the tool call, the node's update, the event) and the state there; the user
continues, steps to the next node, or aborts the run."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from lgtui.ui.guard import while_shown
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text, safe_text
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree

PAUSED_STYLE = "bold black on bright_magenta"


def where_line(pause: dict[str, Any]) -> Text:
    """``node tools · step 2 · namespace root``."""
    text = Text()
    node = str(pause.get("node") or "")
    if node:
        text.append("node ", "dim")
        text.append(safe_text(node, 60), "bold cyan")
    if pause.get("step") is not None:
        text.append("  ·  step ", "dim")
        text.append(safe_text(str(pause["step"]), 12))
    ns = [str(p).split(":", 1)[0] for p in pause.get("ns") or []]
    text.append("  ·  namespace ", "dim")
    text.append(safe_text("/".join(ns) or "root", 80))
    return text


def matched(pause: dict[str, Any]) -> tuple[str, Any]:
    """What the breakpoint matched, as (label, value) for a JSON tree."""
    if "tool" in pause:
        tool = pause["tool"] if isinstance(pause["tool"], dict) else {}
        return f"the call of {tool.get('name', '?')}: its arguments", tool.get("args")
    if "update" in pause:
        return "what the node wrote", pause["update"]
    if "event" in pause:
        event = pause["event"] if isinstance(pause["event"], dict) else {}
        return f"the event {event.get('name', '?')}", event.get("data")
    return "", None


class PauseFollower:
    """What the main screen shows of a run's pauses: each new one once (the app's
    PauseScreen), and a stopped view's event as the screen's cursor until the user goes on."""

    def __init__(self) -> None:
        self.seen = 0  # the session's pauses shown so far
        self.view_stopped = False  # a server's run: the view stopped at a breakpoint

    def reset(self) -> bool:
        """Another session; whether the last one's view was stopped (its cursor is gone)."""
        stopped, self.seen, self.view_stopped = self.view_stopped, 0, False
        return stopped

    def update(
        self, pauses: int, pause: dict[str, Any] | None, as_of: int | None
    ) -> tuple[int | None, bool]:
        """The cursor to show, and whether a new pause is to be shown."""
        if pause is None:
            if self.view_stopped:
                self.view_stopped = False
                return None, False
            return as_of, False
        if pauses == self.seen:
            return as_of, False
        self.seen = pauses
        if pause.get("view") and isinstance(pause.get("seq"), int):
            self.view_stopped = True
            return pause["seq"], True
        return as_of, True


@keymap("paused run")
class PauseScreen(ModalScreen[str | None]):
    """Dismisses with the user's word: continue, step, abort; None: hide (the run stays
    paused; **i** on the main screen shows this again)."""

    HELP = """\
## A paused run

The run stopped at a breakpoint you set in the New run dialog (**Pause at**) or the
graph view (**b**/**a** on a node). The top says why and where: the node, the step and
the namespace. On the left, what matched (the tool call's arguments, what the node
wrote, the event); on the right, the state as the node sees it.

**c** continues to the next breakpoint, **n** steps to the next node, **x** aborts the
run, **escape** hides this (the run stays paused; **i** on the main screen shows it
again). A run on a server cannot pause there: the *view* stopped at the event, and the
run goes on behind it.
"""

    BINDINGS = keyed(
        "pause",
        [
            Binding("c", "answer('continue')", "Continue"),
            Binding("n", "answer('step')", "Step"),
            Binding("x", "answer('abort')", "Abort"),
            Binding("escape", "answer(None)", "Hide"),
            Binding("q", "app.quit", "Quit", show=False),  # (the run ends with the app)
        ],
    )
    DEFAULT_CSS = """
    PauseScreen { align: center middle; }
    PauseScreen > #pause-box { width: 96%; height: 92%; border: round $accent; background: $surface; }
    PauseScreen #pause-title { padding: 0 1; width: 100%; }
    PauseScreen #pause-where { padding: 0 1; width: 100%; color: $text-muted; }
    PauseScreen #pause-panes { height: 1fr; }
    PauseScreen #pause-panes > Vertical { width: 1fr; }
    PauseScreen .pane-title { padding: 0 1; background: $panel; width: 100%; }
    PauseScreen JsonTree { height: 1fr; }
    """

    def __init__(self, pause: dict[str, Any]) -> None:
        super().__init__()
        self.pause = pause

    def compose(self) -> ComposeResult:
        pause = self.pause
        view = bool(pause.get("view"))
        title = Text(" paused ", PAUSED_STYLE)
        title.append(" " + safe_text(str(pause.get("reason") or "at a breakpoint"), 200), "bold")
        if pause.get("breakpoint"):
            title.append("   " + safe_text(str(pause["breakpoint"]), 120), "dim")
        where = where_line(pause)
        if view:
            where.append(
                "   the view stopped here: a server cannot pause on this, the run goes on", "yellow"
            )
        label, _ = matched(pause)
        with Vertical(id="pause-box"):
            yield Static(title, id="pause-title")
            yield Static(where, id="pause-where")
            with Horizontal(id="pause-panes"):
                with Vertical():
                    yield Static(Text(label or "what matched", "bold"), classes="pane-title")
                    yield JsonTree(id="pause-matched")
                with Vertical():
                    state_label = (
                        "the state as the node sees it"
                        if "state" in pause
                        else "the state (not known here: S on the main screen)"
                    )
                    yield Static(Text(state_label, "bold"), classes="pane-title")
                    yield JsonTree(id="pause-state")
            yield KeyFooter()

    @while_shown  # (a key pressed as it opened may have closed it already)
    def on_mount(self) -> None:
        label, value = matched(self.pause)
        self.query_one("#pause-matched", JsonTree).show(value, label or "nothing")
        self.query_one("#pause-state", JsonTree).show(self.pause.get("state"), "state")
        self.query_one("#pause-matched", JsonTree).focus()

    def action_answer(self, action: str | None) -> None:
        self.dismiss(action)
