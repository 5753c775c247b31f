"""A server's crons (scheduled runs), read-only: schedule, assistant, next run, thread,
and the selected cron whole.  Only a source with the `CronSource` capability has them
(a server: the embedded engine runs no schedule)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from lgtui.preview import preview, safe_text
from lgtui.sources.base import CronSource
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.text import Text
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree

LISTED = 200  # crons listed at most


@keymap("cron list")
class CronTable(DataTable[Any]):
    BINDINGS = vim_keys("cron list")


@keymap("crons")
class CronsScreen(LiveScreen[None]):
    HELP = """\
## Crons

The server's scheduled runs (`POST /runs/crons/search`), read-only: each cron's schedule,
its assistant, when it runs next, the thread it runs on (none: a new thread each time),
whether it is enabled; the selected one whole below. **r** reloads, **escape** goes back.
"""

    BINDINGS = keyed(
        "crons",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("r", "reload", "Reload"),
        ],
    )

    def __init__(self) -> None:
        super().__init__()
        self.crons: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Static("Crons", id="crons-title")
        yield CronTable(id="crons", cursor_type="row", zebra_stripes=True)
        yield JsonTree(id="cron-detail")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        table = self.query_one(CronTable)
        table.add_columns("schedule", "assistant", "next run", "thread", "enabled", "cron id")
        table.focus()
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.notify("Reloading the crons…", markup=False, timeout=2)
        self.load()

    @screen_work(exclusive=True, group="crons")
    async def load(self) -> None:
        source = self.controller.source
        assert isinstance(source, CronSource), "opened for a source without crons"
        found = await self.ask(source.search_crons(limit=LISTED), title="Cannot list crons")
        if found is FAILED:
            return
        if self.controller.assistants is None:  # (to name each cron's assistant)
            await self.ask(self.controller.list_assistants(), said=lambda _: None)
        self._show(found)

    @while_shown
    def _show(self, crons: list[dict[str, Any]]) -> None:
        self.crons = crons
        names = {
            str(a.get("assistant_id")): str(a.get("graph_id") or a.get("name"))
            for a in self.controller.assistants or []
        }
        table = self.query_one(CronTable)
        table.clear()
        for cron in crons:
            assistant = str(cron.get("assistant_id") or "")
            table.add_row(
                Text(safe_text(str(cron.get("schedule") or ""), 30), style="bold"),
                Text(safe_text(names.get(assistant, assistant), 30), style="cyan"),
                Text(safe_text(str(cron.get("next_run_date") or "")[:19], 19)),
                Text(safe_text(str(cron.get("thread_id") or "(a new thread each run)"), 40)),
                Text("yes" if cron.get("enabled", True) else "no"),
                Text(safe_text(str(cron.get("cron_id") or ""), 40), style="dim"),
            )
        title = Text("Crons ", style="bold")
        n = len(crons)
        title.append(f"{n} scheduled run{'s' if n != 1 else ''}", style="dim")
        if n >= LISTED:
            title.append(f" (the first {LISTED})", style="dim")
        self.query_one("#crons-title", Static).update(title)
        detail = self.query_one("#cron-detail", JsonTree)
        if not crons:
            detail.show(None, "")
            self.query_one("#crons-title", Static).update(
                Text("Crons  none: this server runs no schedule", style="bold")
            )
        else:
            detail.show(crons[0], "cron")

    @on(DataTable.RowHighlighted, "#crons")
    def _row(self, message: DataTable.RowHighlighted) -> None:
        if 0 <= message.cursor_row < len(self.crons):
            cron = self.crons[message.cursor_row]
            self.query_one("#cron-detail", JsonTree).show(cron, preview(cron.get("schedule"), 40))
