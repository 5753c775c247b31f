"""The thread browser: the source's threads, paged, filtered by status and metadata; open a
thread's history, watch it, copy its id, duplicate or delete it.
"""

from __future__ import annotations

import json
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    DataTable,
    Input,
    Static,
)

from lgtui.preview import preview, safe_text
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.screens.dialogs import ConfirmScreen
from lgtui.ui.screens.history import PAGE, HistoryScreen, when_text
from lgtui.ui.text import Text
from lgtui.ui.widgets.footer import KeyFooter

STATUSES = (None, "idle", "busy", "interrupted", "error")


@keymap("thread list")
class ThreadTable(DataTable[Any]):
    BINDINGS = vim_keys("threads", first="scroll_top", last="scroll_bottom")


@keymap("threads")
class ThreadsScreen(LiveScreen[None]):
    """The server's threads, newest first, a page at a time."""

    HELP = """\
## Threads

The threads of the server (or of your checkpoint database), newest first, with status,
graph, times and metadata; more load as you scroll. **enter** opens a thread's history,
**f** cycles the status filter, **/** filters by metadata (`team=search tier=2`), **n**
creates a thread, **c** copies its id, **delete** deletes it after asking.
"""

    BINDINGS = keyed(
        "threads",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("enter", "open", "History", show=False),
            Binding("f", "filter", "Filter status"),
            Binding("slash", "metadata_filter", "Filter metadata", key_display="/"),
            Binding("c", "copy", "Copy id"),
            Binding("C", "duplicate", "Duplicate thread", show=False),
            Binding("n", "create", "New thread"),
            Binding("delete,ctrl+d", "delete", "Delete"),
            Binding("r", "reload", "Reload"),
            Binding("R", "runs", "Runs", show=False, tooltip="Every run of the selected thread"),
        ],
    )

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.metadata: dict[str, Any] | None = None
        self.rows: list[dict[str, Any]] = []
        self.exhausted = False
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Static("", id="threads-title")
        yield Input(
            placeholder="metadata filter: key=value key2=value2 (values as JSON or text); enter to apply, empty to clear",
            id="metadata-filter",
        )
        yield ThreadTable(id="threads", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#metadata-filter").display = False
        table = self.query_one(DataTable)
        table.add_columns("thread", "status", "graph", "updated", "created", "metadata")
        table.focus()
        self.reload()

    def _title(self) -> None:
        text = Text("Threads", style="bold")
        text.append(f"  {len(self.rows):,}{'' if self.exhausted else '+'} shown", style="dim")
        text.append(f"  status: {self.status or 'all'}", style="dim")
        if self.metadata:
            text.append(f"  metadata: {preview(self.metadata, 60)}", style="dim")
        text.append(
            "  enter: history  f: filter  c: copy  delete: delete  esc: back", style="dim italic"
        )
        self.query_one("#threads-title", Static).update(text)

    def action_back(self) -> None:
        """Escape: out of the metadata filter first (keeping the list), else back."""
        field = self.query_one("#metadata-filter", Input)
        if field.has_focus:
            field.display = bool(self.metadata)
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()

    def reload(self) -> None:
        self.rows, self.exhausted = [], False
        self.query_one(DataTable).clear()
        self.load_page()

    @screen_work(exclusive=True, group="threads-page")
    async def load_page(self) -> None:
        if self.exhausted or self._loading:
            return
        self._loading = True
        try:
            page = await self.ask(
                self.threads.search_threads(
                    limit=PAGE, offset=len(self.rows), status=self.status, metadata=self.metadata
                ),
                title="Cannot list threads",
            )
        finally:
            self._loading = False
        if page is not FAILED:
            self._show_page(page)

    @while_shown
    def _show_page(self, page: list[dict[str, Any]]) -> None:
        self.exhausted = len(page) < PAGE
        table = self.query_one(DataTable)
        for t in page:
            meta = t.get("metadata") or {}
            table.add_row(
                Text(safe_text(str(t.get("thread_id")), 40)),
                Text(safe_text(str(t.get("status", "")), 20)),
                Text(safe_text(str(meta.get("graph_id", "")), 30)),
                Text(when_text(t.get("updated_at"))),
                Text(when_text(t.get("created_at"))),
                Text(
                    preview(
                        {k: v for k, v in meta.items() if k not in ("graph_id", "assistant_id")}, 60
                    ),
                    style="dim",
                ),
                key=str(t.get("thread_id")),
            )
        self.rows.extend(page)
        self._title()

    @on(DataTable.RowHighlighted)
    def _near_end(self, message: DataTable.RowHighlighted) -> None:
        if message.cursor_row >= len(self.rows) - 5:
            self.load_page()  # pages on demand, in a worker: scrolling never waits

    def _selected(self) -> dict[str, Any] | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        thread = self._selected()
        if thread is not None:
            self.app.push_screen(
                HistoryScreen(
                    str(thread["thread_id"]), (thread.get("metadata") or {}).get("graph_id")
                )
            )

    def action_metadata_filter(self) -> None:
        box = self.query_one("#metadata-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#metadata-filter")
    def _metadata_submitted(self, message: Input.Submitted) -> None:
        filters: dict[str, Any] = {}
        for part in message.value.split():
            key, sep, raw = part.partition("=")
            if not sep or not key:
                self.notify(f"not key=value: {part}", severity="warning", markup=False)
                return
            try:
                filters[key] = json.loads(raw)
            except ValueError:
                filters[key] = raw
        self.metadata = filters or None
        message.input.display = bool(filters)
        self.query_one(DataTable).focus()
        self.reload()

    def action_filter(self) -> None:
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self.reload()

    def action_reload(self) -> None:
        self.notify("Reloading the threads…", markup=False, timeout=2)
        self.reload()

    @screen_work(group="threads-edit")
    async def action_create(self) -> None:
        new = await self.ask(self.threads.create_thread(), title="Thread not created")
        if new is FAILED:
            return
        self.notify(f"Created thread {new.get('thread_id')}", markup=False)
        self.reload()

    def action_runs(self) -> None:
        from lgtui.ui.screens.runs import RunsScreen

        thread = self._selected()
        if thread is None:
            self.notify("No thread selected.", markup=False)
            return
        thread_id = str(thread["thread_id"])

        def chosen(cid: str | None) -> None:
            if cid is not None:
                self.app.push_screen(HistoryScreen(thread_id, checkpoint=cid))

        self.app.push_screen(RunsScreen(thread_id), chosen)

    def action_copy(self) -> None:
        """The selected thread's id to the clipboard (as c copies everywhere)."""
        from lgtui.ui.clipboard import copy_and_say

        thread = self._selected()
        if thread is None:
            self.notify("No thread selected.", markup=False)
            return
        copy_and_say(self, str(thread["thread_id"]), "the thread id", stem="thread-id")

    @screen_work(group="threads-edit")
    async def action_duplicate(self) -> None:
        """A new thread with the selected one's checkpoints (the server's thread copy)."""
        thread = self._selected()
        if thread is None:
            self.notify("No thread selected.", markup=False)
            return
        new = await self.ask(
            self.threads.copy_thread(str(thread["thread_id"])), title="Thread not copied"
        )
        if new is FAILED:
            return
        self.notify(f"Copied to {new.get('thread_id')}", markup=False)
        self.reload()

    def action_delete(self) -> None:
        thread = self._selected()
        if thread is None:
            return
        thread_id = str(thread["thread_id"])

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(thread_id)

        self.app.push_screen(
            ConfirmScreen(f"Delete thread {thread_id} and all its checkpoints?"), confirmed
        )

    @screen_work(group="threads-edit")
    async def _delete(self, thread_id: str) -> None:
        if await self.ask(self.threads.delete_thread(thread_id), title="Not deleted") is FAILED:
            return
        self.notify(f"Deleted thread {thread_id}", markup=False)
        self.reload()
