"""Every run of a thread (``GET /threads/{id}/runs``), newest first: status, assistant,
start, duration, where it falls on one timeline across the thread's runs, whether lgtui
recorded it; enter opens the thread's history at the run's last checkpoint (where its
state and time travel are), o opens its recording, c copies its id."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from lgtui.preview import safe_text
from lgtui.recorder import recorded_runs
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


TIMELINE = 32  # columns of the timeline across the thread's runs


def _span(run: dict[str, Any]) -> tuple[float, float] | None:
    """(start, end) of a run, in seconds since the epoch."""
    try:
        start = datetime.fromisoformat(str(run.get("created_at"))).timestamp()
        end = datetime.fromisoformat(str(run.get("updated_at"))).timestamp()
    except ValueError:
        return None
    return start, max(start, end)


def _seconds(run: dict[str, Any]) -> str:
    span = _span(run)
    return "" if span is None else f"{span[1] - span[0]:.1f}s"


def timeline(runs: list[dict[str, Any]], width: int = TIMELINE) -> list[Text]:
    """Each run as a bar on one time axis, from the thread's first run's start to its
    last run's end: where it falls among the others and how long it took (a bar at least
    a cell wide; time without a run stays empty)."""
    spans = [_span(r) for r in runs]
    known = [s for s in spans if s is not None]
    if not known:
        return [Text("") for _ in runs]
    first, last = min(s[0] for s in known), max(s[1] for s in known)
    scale = (width - 1) / (last - first) if last > first else 0.0
    out: list[Text] = []
    for run, span in zip(runs, spans, strict=True):
        if span is None:
            out.append(Text(""))
            continue
        a = int((span[0] - first) * scale)
        b = max(a + 1, round((span[1] - first) * scale) + 1)
        style = STATUS_STYLE.get(str(run.get("status") or ""), "")
        text = Text("·" * a, style="dim")
        text.append("█" * (min(b, width) - a), style=style or "cyan")
        text.append("·" * (width - min(b, width)), style="dim")
        out.append(text)
    return out


@keymap("run list")
class RunTable(DataTable[Any]):
    BINDINGS = vim_keys("run list")


@keymap("runs of a thread")
class RunsScreen(LiveScreen[str | None]):
    AUTO_FOCUS = "RunTable"  # (the arrows move through the runs from the first frame)
    HELP = """\
## Runs of a thread

Every run on the thread, newest first: how it ended, its assistant, when it started, how
long it took, and where it falls on one timeline across the thread's runs (the first
run's start on the left, the last one's end on the right). **enter** opens the thread's
history at the run's last checkpoint; **o** opens the run's recording (a ● in the
*rec* column: lgtui recorded it) on the main screen, every tab and search as in a
replay; **c** copies the run id, **r** reloads, **escape** goes back.
"""

    BINDINGS = keyed(
        "runs",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("enter", "open", "History at the run"),
            Binding("o", "open_capture", "Open its recording"),
            Binding("c", "copy", "Copy id"),
            Binding("r", "reload", "Reload"),
        ],
    )

    def __init__(self, thread_id: str) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.runs: list[dict[str, Any]] = []
        self.recorded: dict[str, Path] = {}  # run id -> its capture

    def compose(self) -> ComposeResult:
        yield Static("", id="runs-title")
        yield RunTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield JsonTree(id="run-detail")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        table = self.query_one(RunTable)
        table.add_columns("status", "assistant", "started", "took", "timeline", "rec", "run id")
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
        # (a folder listing: off the loop)
        self.recorded = await asyncio.to_thread(recorded_runs, dict(self.controller.captures))
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
        if self.focused is None:  # (a busy machine: the mount's focus may come too early)
            table.focus()
        for run, bar in zip(runs, timeline(runs), strict=True):
            status = str(run.get("status") or "")
            assistant = str(run.get("assistant_id") or "")
            table.add_row(
                Text(safe_text(status, 12), style=STATUS_STYLE.get(status, "")),
                Text(safe_text(names.get(assistant, assistant), 30), style="cyan"),
                Text(safe_text(str(run.get("created_at") or "")[:19], 19), style="dim"),
                Text(_seconds(run)),
                bar,
                Text("●" if str(run.get("run_id")) in self.recorded else "", style="green"),
                Text(safe_text(str(run.get("run_id") or ""), 40)),
            )
        title = Text("Runs of thread ", style="bold")
        title.append(safe_text(self.thread_id, 40), style="cyan")
        title.append(f"  {len(runs)} run{'s' if len(runs) != 1 else ''}", style="dim")
        if any((run.get("metadata") or {}).get("from_checkpoints") for run in runs):
            title.append("  (read from its checkpoints: the database keeps no runs)", style="dim")
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

    def action_open_capture(self) -> None:
        run = self.selected()
        if run is None:
            self.notify("No run selected.", markup=False)
            return
        path = self.recorded.get(str(run.get("run_id")))
        if path is None:
            self.notify(
                "lgtui has no recording of this run (another client ran it, or it ran "
                "with --no-record): enter shows its checkpoints in the history.",
                markup=False,
            )
            return
        self.live.open_capture(path)

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
