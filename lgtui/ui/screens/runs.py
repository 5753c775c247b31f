"""Every run of a thread (``GET /threads/{id}/runs``), newest first: status, assistant,
start, duration, run id; enter opens the thread's history at the run's last checkpoint
(where its state and time travel are), c copies its id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from lgtui.preview import safe_text
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.text import Text
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree

LISTED = 100
STATUS_STYLE = {
    "success": "green",
    "error": "bold red",
    "interrupted": "magenta",
    "running": "yellow",
    "pending": "yellow",
    "timeout": "red",
}


def _seconds(run: dict[str, Any]) -> str:
    try:
        start = datetime.fromisoformat(str(run.get("created_at")))
        end = datetime.fromisoformat(str(run.get("updated_at")))
    except ValueError:
        return ""
    return f"{(end - start).total_seconds():.1f}s"


@keymap("run list")
class RunTable(DataTable[Any]):
    BINDINGS = vim_keys("run list")


@keymap("runs of a thread")
class RunsScreen(LiveScreen[str | None]):
    HELP = """\
## Runs of a thread

Every run on the thread, newest first: how it ended, its assistant, when it started and
how long it took. **enter** opens the thread's history at the run's last checkpoint,
**c** copies the run id, **r** reloads, **escape** goes back.
"""

    BINDINGS = keyed(
        "runs",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("enter", "open", "History at the run"),
            Binding("c", "copy", "Copy id"),
            Binding("r", "reload", "Reload"),
        ],
    )

    def __init__(self, thread_id: str) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.runs: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="runs-title")
        yield RunTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield JsonTree(id="run-detail")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        table = self.query_one(RunTable)
        table.add_columns("status", "assistant", "started", "took", "run id")
        table.focus()
        self.load()

    @screen_work(exclusive=True, group="runs")
    async def load(self) -> None:
        found = await self.ask(
            self.threads.list_runs(self.thread_id, limit=LISTED), title="Cannot list the runs"
        )
        if found is FAILED:
            return
        if self.controller.assistants is None:  # (to name each run's assistant)
            await self.ask(self.controller.list_assistants(), said=lambda _: None)
        self._show(found)

    @while_shown
    def _show(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs
        names = {
            str(a.get("assistant_id")): str(a.get("graph_id") or a.get("name"))
            for a in self.controller.assistants or []
        }
        table = self.query_one(RunTable)
        table.clear()
        for run in runs:
            status = str(run.get("status") or "")
            assistant = str(run.get("assistant_id") or "")
            table.add_row(
                Text(safe_text(status, 12), style=STATUS_STYLE.get(status, "")),
                Text(safe_text(names.get(assistant, assistant), 30), style="cyan"),
                Text(safe_text(str(run.get("created_at") or "")[:19], 19), style="dim"),
                Text(_seconds(run)),
                Text(safe_text(str(run.get("run_id") or ""), 40)),
            )
        title = Text("Runs of thread ", style="bold")
        title.append(safe_text(self.thread_id, 40), style="cyan")
        title.append(f"  {len(runs)} run{'s' if len(runs) != 1 else ''}", style="dim")
        self.query_one("#runs-title", Static).update(title)
        self.query_one("#run-detail", JsonTree).show(runs[0] if runs else None, "run")

    def selected(self) -> dict[str, Any] | None:
        row = self.query_one(RunTable).cursor_row
        return self.runs[row] if 0 <= row < len(self.runs) else None

    @on(DataTable.RowHighlighted, "#runs")
    def _row(self, message: DataTable.RowHighlighted) -> None:
        run = self.selected()
        if run is not None:
            self.query_one("#run-detail", JsonTree).show(run, "run")

    @on(DataTable.RowSelected, "#runs")
    def _selected(self) -> None:
        self.action_open()  # (enter in the table)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.notify("Reloading the runs…", markup=False, timeout=2)
        self.load()

    def action_copy(self) -> None:
        from lgtui.ui.clipboard import copy_and_say

        run = self.selected()
        if run is None:
            self.notify("No run selected.", markup=False)
            return
        copy_and_say(self, str(run.get("run_id")), "the run id", stem="run-id")

    @screen_work(group="runs-open")
    async def action_open(self) -> None:
        """Dismissed with the last checkpoint the run wrote: the caller shows the
        thread's history there."""
        run = self.selected()
        if run is None:
            self.notify("No run selected.", markup=False)
            return
        run_id = str(run.get("run_id"))
        history = await self.ask(
            self.threads.get_history(self.thread_id, limit=200), title="Cannot read the history"
        )
        if history is FAILED:
            return
        mine = [h for h in history if str((h.get("metadata") or {}).get("run_id") or "") == run_id]
        if not mine:
            self.notify(
                "This run wrote no checkpoint the history holds (it may have failed at once).",
                markup=False,
            )
            return
        cid = str(
            mine[0].get("checkpoint_id") or (mine[0].get("checkpoint") or {}).get("checkpoint_id")
        )
        self.dismiss(cid)
