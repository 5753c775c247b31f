"""What an event changed in the state: one line per added, removed or changed path."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from lgtui.diff import MAX_CHANGES, Change
from lgtui.preview import preview, safe_text
from lgtui.ui.text import Text

STYLES = {"+": "green", "-": "red", "~": "yellow"}


class DiffView(VerticalScroll):
    DEFAULT_CSS = """
    DiffView { padding: 0 1; }
    DiffView > Static { width: 100%; }
    """

    def compose(self):
        yield Static("", id="diff-body")

    def show_text(self, message: str) -> None:
        self.query_one("#diff-body", Static).update(Text(message, style="italic"))

    def show_changes(self, title: str, changes: list[Change]) -> None:
        text = Text(safe_text(title, 300) + "\n", style="dim")
        if not changes:
            text.append("no change\n", style="italic")
        for change in changes:
            style = STYLES[change.op]
            text.append(f"{change.op} ", style=f"bold {style}")
            text.append(safe_text(change.path, 200), style="bold")
            text.append(": ")
            if change.op == "~":
                text.append(preview(change.old, 200), style="red")
                text.append(" → ")
                text.append(preview(change.new, 200), style="green")
            else:
                text.append(
                    preview(change.new if change.op == "+" else change.old, 300), style=style
                )
            text.append("\n")
        if len(changes) >= MAX_CHANGES:
            text.append(f"(first {MAX_CHANGES} changes shown)\n", style="dim italic")
        self.query_one("#diff-body", Static).update(text)
