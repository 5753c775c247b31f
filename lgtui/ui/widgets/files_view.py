"""The Files tab: a deep agent's todo list and virtual filesystem as of the cursor
(lgtui/workspace.py), and what the last step that changed the selected file did to it."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from lgtui.preview import safe_text
from lgtui.session import Session
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.rows_view import RowsView
from lgtui.workspace import File, Todo, diff_lines, file_change, workspace_at

_TODO = {"completed": ("✓", "green"), "in_progress": ("▶", "yellow"), "pending": ("○", "dim")}
MAX_LINES = 400  # lines of the selected file drawn (the whole file is in the state)


@keymap("files")
class FilesView(RowsView):
    HELP = """\
## Files

A deep agent's workspace (deepagents' `todos` and `files` state), as of the selected
event or the replay cursor: the todo list (✓ done, ▶ in progress, ○ to do), then every
file of its virtual filesystem. Below, the selected file with what the last step that
changed it did: + lines it added, - lines it removed.
"""

    BINDINGS = keyed(
        "files",
        [
            Binding("up,k", "move(-1)", "Up", show=False, id="files.up"),
            Binding("down,j", "move(1)", "Down", show=False, id="files.down"),
            Binding("pageup", "page(-1)", "Page up", show=False, id="files.page_up"),
            Binding("pagedown", "page(1)", "Page down", show=False, id="files.page_down"),
            Binding("home,g", "edge(0)", "First", show=False, id="files.first"),
            Binding("end,G", "edge(1)", "Last", show=False, id="files.last"),
        ],
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source: int | None = None  # the event the state shown is from
        self._todos: list[Todo] = []

    def _as_of(self, session: Session) -> int:
        return session.count - 1 if self.as_of is None else self.as_of

    def _ns(self) -> tuple[str, ...]:
        return self.ns_filter or ()

    def data_key(self, session: Session) -> Any:
        seqs = session.state_events.get(self._ns())
        return (len(seqs) if seqs else 0, self.cursor)

    def items(self, session: Session) -> list[Todo | File]:
        self._source, self._todos, files = workspace_at(session, self._as_of(session), self._ns())
        return [*self._todos, *sorted(files.values(), key=lambda f: f.path)]

    def head(self, session: Session) -> list[Text]:
        if self._source is None or not self._items:
            return [
                Text(
                    "No todos or files: this tab shows a deep agent's workspace (the state's "
                    "todos and files, from values or checkpoints).",
                    style="italic",
                )
            ]
        done = sum(1 for t in self._todos if t.status == "completed")
        files = len(self._items) - len(self._todos)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{len(self._todos)} todos ({done} done)", style="bold")
        head.append(f" · {files} file{'s' if files != 1 else ''}", style="bold")
        head.append(f" · as of event #{self._source}", style="dim")
        return [head]

    def line(self, item: Todo | File, width: int) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if isinstance(item, Todo):
            glyph, style = _TODO.get(item.status, ("·", ""))
            text.append(f"{glyph} ", style=style)
            text.append(
                safe_text(item.content, 200), style="dim" if item.status == "completed" else ""
            )
            return text
        text.append("▤ ", style="cyan")
        text.append(f"{safe_text(item.path, 60):<30} ", style="bold")
        lines = item.text.count("\n") + (1 if item.text and not item.text.endswith("\n") else 0)
        text.append("binary" if item.binary else f"{lines} lines", style="dim")
        return text

    def seq_of(self, item: Todo | File) -> int:
        return self._source if self._source is not None else 0

    def selected_changed(self) -> None:
        self._key = None  # the tail is about the selected file
        self.sync()

    def tail(self, session: Session) -> list[Text]:
        chosen = self.selected
        if not isinstance(chosen, File):
            return []
        changed_at, before = file_change(session, chosen.path, self._as_of(session), self._ns())
        out = [Text("")]
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(safe_text(chosen.path, 80), style="bold")
        if chosen.binary:
            return [*out, title, Text(chosen.text, style="dim")]
        if before is None:
            title.append(f"  new at event #{changed_at}", style="green")
        else:
            title.append(f"  changed at event #{changed_at}", style="yellow")
        out.append(title)
        for mark, line in diff_lines(before, chosen.text)[:MAX_LINES]:
            style = {"+": "green", "-": "red"}.get(mark, "")
            out.append(Text(f"{mark} {safe_text(line, 400)}", style=style, no_wrap=True))
        return out
