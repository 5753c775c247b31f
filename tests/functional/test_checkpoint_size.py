"""The history's Size pane: each channel's share of the selected checkpoint, largest
first (to find the channel that bloats a thread)."""

from __future__ import annotations

from helpers.ui import wait_for, wait_for_text

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.history import HistoryScreen


async def test_the_size_of_each_channel_of_a_checkpoint(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "a long topic " * 200}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await pilot.press("h")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.current()
        )
        app.screen.query_one("#history-tabs").active = "hpane-size"
        await wait_for_text(pilot, "in 2 channels", "topic", "kB")
        size = str(app.screen.query_one("#checkpoint-size").render())
        assert size.index("topic") < size.index("joke")  # the big one first
    source.close()
