"""`lgtui diff A B`: two recorded runs side by side -- path, state, messages."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from lgtui.preview import safe_text
from lgtui.rundiff import RunDiff, RunView
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.diff_view import DiffView
from lgtui.ui.widgets.footer import KeyFooter

MARKS = {
    " ": ("", ""),
    "!": ("≠", "bold yellow"),
    "-": ("− A only", "red"),
    "+": ("+ B only", "green"),
}


def _run_line(tag: str, run: RunView) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {tag} ", style="bold reverse")
    text.append(" " + safe_text(run.path, 60), style="bold")
    text.append(f"  {safe_text(run.assistant, 30)}", style="cyan")
    text.append(f"  {run.events:,} events  {run.duration:.3f} s  ", style="dim")
    text.append(run.status, style="bold red" if run.status == "error" else "bold")
    if run.detail:
        text.append("  " + safe_text(run.detail, 100), style="red")
    return text


@keymap("lgtui diff")
class RunDiffScreen(Screen[None]):
    HELP = """\
## Two runs compared

**Path**: the nodes each super-step ran (root graph), aligned like `diff` aligns lines;
≠ marks a step that differs, − and + steps only one run took. **State**: the state after
each step both runs took, with ids and timestamps left out (`--strict` keeps them); pick
a step to see what differs. **Messages**: the messages of each run (from the messages
stream modes) that differ or that only one run has.
"""

    BINDINGS = keyed(
        "diff",
        [
            Binding("1", "show('path')", "Path"),
            Binding("2", "show('state')", "State"),
            Binding("3", "show('messages')", "Messages"),
            Binding("q", "app.quit", "Quit"),
            Binding("escape", "back", "Back", id="diff.back"),
        ],
    )

    def __init__(self, diff: RunDiff) -> None:
        super().__init__()
        self.diff = diff

    def action_back(self) -> None:
        """Back to the screen that opened the diff (a replay's re-run); `lgtui diff` has none."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.notify("Nothing to go back to: q quits", severity="warning")

    def compose(self) -> ComposeResult:
        diff = self.diff
        verdict = Text(" " + diff.verdict().capitalize() + " ", no_wrap=True)
        verdict.stylize("bold black on yellow" if diff.differ else "bold black on green")
        with VerticalScroll(id="rundiff-head"):
            yield Static(_run_line("A", diff.a))
            yield Static(_run_line("B", diff.b))
            yield Static(verdict, id="rundiff-verdict")
        with TabbedContent(id="rundiff-tabs", initial="diff-path"):
            path_title = "Path" + (" ≠" if diff.path_differs else "")
            with TabPane(path_title, id="diff-path"):
                yield DataTable(id="rundiff-path", cursor_type="row", zebra_stripes=True)
            with TabPane(f"State {len(diff.states)}≠" if diff.states else "State", id="diff-state"):
                with Horizontal():
                    yield OptionList(id="rundiff-steps")
                    yield DiffView(id="rundiff-statediff")
            title = f"Messages {len(diff.messages)}≠" if diff.messages else "Messages"
            with TabPane(title, id="diff-messages"):
                with VerticalScroll(id="rundiff-messages"):
                    yield Static(self._messages_text())
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#rundiff-path", DataTable)
        table.add_columns("", "A step", "A: nodes", "B step", "B: nodes")
        for mark, sa, sb in self.diff.rows:
            symbol, style = MARKS[mark]
            table.add_row(
                Text(symbol, style=style),
                Text(str(sa.index) if sa else "", style="dim"),
                Text(safe_text(sa.label, 60) if sa else "—", style=style or ""),
                Text(str(sb.index) if sb else "", style="dim"),
                Text(safe_text(sb.label, 60) if sb else "—", style=style or ""),
            )
        steps = self.query_one("#rundiff-steps", OptionList)
        diff = self.diff
        if not (diff.a.has_state and diff.b.has_state):
            steps.add_option(Option(Text("no state recorded", style="italic"), disabled=True))
            self.query_one(DiffView).show_text(
                "Not compared: a capture has no values or checkpoint events (record with the "
                "values, debug or checkpoints mode)."
            )
        else:
            for i, sd in enumerate(diff.states):
                label = Text(f"step {sd.a.index}", style="bold")
                if sd.b.index != sd.a.index:
                    label.append(f"/{sd.b.index}", style="bold")
                label.append(f" {safe_text(sd.a.label, 24)} ")
                label.append(f"{len(sd.changes)}≠", style="yellow")
                steps.add_option(Option(label, id=str(i)))
            if diff.same_states:
                steps.add_option(
                    Option(Text(f"{diff.same_states} steps the same", style="dim"), disabled=True)
                )
            if diff.states:
                steps.highlighted = 0
            else:
                self.query_one(DiffView).show_text("The state after every common step is the same.")
        table.focus()

    @on(OptionList.OptionHighlighted, "#rundiff-steps")
    def _step(self, message: OptionList.OptionHighlighted) -> None:
        if message.option.id is None:
            return
        sd = self.diff.states[int(message.option.id)]
        title = f"step {sd.a.index} of A against step {sd.b.index} of B, after {sd.a.label}"
        self.query_one(DiffView).show_changes(title, sd.changes)

    def _messages_text(self) -> Text:
        diff = self.diff
        text = Text()
        if not (diff.a.has_messages or diff.b.has_messages):
            text.append(
                "No messages streamed (record with the messages-tuple or messages mode).", "italic"
            )
            return text
        if not diff.messages:
            text.append(f"The same {len(diff.a.messages)} messages in both runs.", "italic")
            return text
        for md in diff.messages:
            if md.kind == "changed":
                assert md.a is not None
                text.append(safe_text(md.a.label, 60), "bold")
                text.append(" differs\n", "yellow")
                for line in md.lines[:60]:
                    style = (
                        "red"
                        if line.startswith("-")
                        else "green"
                        if line.startswith("+")
                        else "dim"
                    )
                    text.append("  " + safe_text(line, 400) + "\n", style)
            else:
                m = md.a or md.b
                assert m is not None
                side = md.kind[-1]
                text.append(f"only in {side}: ", "bold red" if side == "A" else "bold green")
                text.append(safe_text(m.label, 60), "bold")
                text.append("  " + safe_text(m.text or m.tool_calls, 400) + "\n")
            text.append("\n")
        return text

    def action_show(self, tab: str) -> None:
        self.query_one("#rundiff-tabs", TabbedContent).active = f"diff-{tab}"
        target = {
            "path": "#rundiff-path",
            "state": "#rundiff-steps",
            "messages": "#rundiff-messages",
        }
        self.query_one(target[tab]).focus()
