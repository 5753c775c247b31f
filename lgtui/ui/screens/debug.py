"""The graph stopped at a code breakpoint (``b`` on the main screen) or at ``breakpoint()``
in its code: the source around the line, the stack (the user's frames, library frames
folded), the locals as a JSON tree, the node and step it runs in; evaluate an expression,
step over, into, out, or continue (pudb's keys)."""

from __future__ import annotations

import os
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from lgtui.ui.guard import while_shown
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text, safe_text
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree

STOPPED_STYLE = "bold black on bright_cyan"


def where_title(stop: dict[str, Any]) -> Text:
    """``stopped at graph.py:11 in double()  node double · step 1``."""
    text = Text(" stopped ", STOPPED_STYLE)
    name = os.path.basename(str(stop.get("file") or "?"))
    text.append(f" at {safe_text(name, 80)}:{stop.get('line')}", "bold")
    text.append(f" in {safe_text(str(stop.get('function') or '?'), 60)}()", "bold")
    if stop.get("breakpoint"):
        text.append("  (breakpoint)", "dim")
    if stop.get("node"):
        text.append("   node ", "dim")
        text.append(safe_text(str(stop["node"]), 60), "bold cyan")
        if stop.get("step") is not None:
            text.append(f" · step {safe_text(str(stop['step']), 12)}", "dim")
        ns = [str(p).split(":", 1)[0] for p in stop.get("ns") or []]
        if ns:
            text.append(" · namespace " + safe_text("/".join(ns), 80), "dim")
    return text


def source_text(stop: dict[str, Any]) -> Text:
    """The lines around the stop, numbered, the stopped one marked."""
    text = Text()
    current = stop.get("line")
    for number, line in stop.get("source") or []:
        here = number == current
        text.append("▶ " if here else "  ", "bold yellow")
        text.append(f"{number:>5} ", "bold" if here else "dim")
        text.append(safe_text(str(line), 300) + "\n", "reverse" if here else "")
    return text


def stack_text(stop: dict[str, Any]) -> Text:
    """The stack, innermost first: the user's frames, each run of library frames as one
    line."""
    text = Text()
    folded = 0
    for frame in stop.get("stack") or []:
        if not frame.get("user"):
            folded += 1
            continue
        if folded:
            text.append(f"  … {folded} library frame{'s' if folded > 1 else ''}\n", "dim")
            folded = 0
        name = os.path.basename(str(frame.get("file") or "?"))
        text.append(f"{safe_text(str(frame.get('function')), 60)}() ", "bold")
        text.append(f"{safe_text(name, 60)}:{frame.get('line')}\n", "cyan")
    if folded:
        text.append(f"  … {folded} library frame{'s' if folded > 1 else ''}\n", "dim")
    return text


@keymap("code debugger")
class DebugScreen(ModalScreen[None]):
    """Says what the app should send the stopped graph through ``answer`` (a callable
    given by the app: ``answer({"op": ...})``)."""

    HELP = """\
## Stopped in the graph's code

The graph stopped at a code breakpoint (**b** on the main screen: `graph.py:42`, with an
optional condition) or at `breakpoint()` in its code. The source around the line, the
stack (your frames; library frames folded), the locals, and the node and step it runs in.

**c** continues, **n** steps over the line, **s** steps into a call, **r** runs to the
return of this function, **e** evaluates an expression in the stopped frame (enter; the
answer shows below), **escape** hides this (the graph stays stopped: **i** on the main
screen shows it again). The rest of lgtui stays live while the graph is stopped; quitting
ends the run.
"""

    BINDINGS = keyed(
        "debug",
        [
            Binding("c", "answer('continue')", "Continue"),
            Binding("n", "answer('next')", "Next"),
            Binding("s", "answer('step')", "Step into"),
            Binding("r", "answer('return')", "Return"),
            Binding("e", "evaluate", "Evaluate"),
            Binding("escape", "hide", "Hide"),
            Binding("q", "app.quit", "Quit", show=False),
        ],
    )
    DEFAULT_CSS = """
    DebugScreen { align: center middle; }
    DebugScreen > #debug-box { width: 98%; height: 96%; border: round $accent; background: $surface; }
    DebugScreen #debug-title { padding: 0 1; width: 100%; }
    DebugScreen #debug-panes { height: 1fr; }
    DebugScreen #debug-source-box { width: 3fr; }
    DebugScreen #debug-side { width: 2fr; }
    DebugScreen #debug-stack-box { height: auto; max-height: 40%; }
    DebugScreen .pane-title { padding: 0 1; background: $panel; width: 100%; }
    DebugScreen JsonTree { height: 1fr; }
    DebugScreen #debug-eval { display: none; }
    DebugScreen #debug-eval.-shown { display: block; }
    DebugScreen #debug-answer { padding: 0 1; height: auto; max-height: 6; }
    """

    def __init__(self, stop: dict[str, Any], answer: Any) -> None:
        super().__init__()
        self.stop = stop
        self.answer = answer
        self.running = False  # a step was asked for: until the graph stops again

    def compose(self) -> ComposeResult:
        with Vertical(id="debug-box"):
            yield Static(id="debug-title")
            with Horizontal(id="debug-panes"):
                with VerticalScroll(id="debug-source-box"):
                    yield Static(id="debug-source")
                with Vertical(id="debug-side"):
                    yield Static(Text("stack (innermost first)", "bold"), classes="pane-title")
                    with VerticalScroll(id="debug-stack-box"):
                        yield Static(id="debug-stack")
                    yield Static(Text("locals", "bold"), classes="pane-title")
                    yield JsonTree(id="debug-locals")
            yield Input(placeholder="an expression, in the stopped frame (enter)", id="debug-eval")
            yield Static(id="debug-answer")
            yield KeyFooter()

    @while_shown  # (a key pressed as it opened may have closed it already)
    def on_mount(self) -> None:
        self.show(self.stop)

    def show(self, stop: dict[str, Any]) -> None:
        """Where the graph stopped now (a step ended)."""
        self.stop, self.running = stop, False
        self.query_one("#debug-title", Static).update(where_title(stop))
        self.query_one("#debug-source", Static).update(source_text(stop))
        self.query_one("#debug-stack", Static).update(stack_text(stop))
        self.query_one("#debug-locals", JsonTree).show(stop.get("locals"), "locals")
        if "returned" in stop:
            self.evaluated({"expr": "(returned)", "value": stop["returned"]})
        self.query_one("#debug-locals", JsonTree).focus()

    def evaluated(self, result: dict[str, Any]) -> None:
        text = Text(safe_text(str(result.get("expr")), 200) + " → ", "dim")
        if "error" in result:
            text.append(safe_text(str(result["error"]), 600), "bold red")
        else:
            from lgtui.preview import preview

            text.append(preview(result.get("value"), 600))
        self.query_one("#debug-answer", Static).update(text)

    def action_answer(self, op: str) -> None:
        if self.running:  # (the step may end nowhere the debugger stops: the run ends)
            if op == "continue":
                self.dismiss(None)
            return
        self.running = op != "continue"
        self.answer({"op": op})
        if op == "continue":
            self.dismiss(None)
        else:
            self.query_one("#debug-title", Static).update(Text(f" {op}… ", STOPPED_STYLE))

    def action_evaluate(self) -> None:
        field = self.query_one("#debug-eval", Input)
        field.add_class("-shown")
        field.focus()

    @on(Input.Submitted, "#debug-eval")
    def _submitted(self, message: Input.Submitted) -> None:
        expr = message.value.strip()
        if expr and not self.running:
            self.answer({"op": "eval", "expr": expr})
        message.input.value = ""

    def action_hide(self) -> None:
        field = self.query_one("#debug-eval", Input)
        if field.has_focus:  # (escape in the line: back to the keys)
            field.remove_class("-shown")
            self.query_one("#debug-locals", JsonTree).focus()
            return
        self.dismiss(None)
