"""An idle app does no work: once a run has ended, the search finished and every view
drew what it shows, the refresh timers sleep; a new event, a key or a new run wakes
them, and what changed is on screen at the next tick."""

from __future__ import annotations

import time

from helpers.paths import RECORDINGS
from helpers.ui import screen_text, wait_for, wait_for_text

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp, ReplayApp

SIZE = (120, 40)


async def quiet_for(pilot, ticker, seconds: float) -> int:
    """The ticks a sleeping ticker made over ``seconds`` of the app running (0 when idle)."""
    before = ticker.ticks
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
    return ticker.ticks - before


async def test_a_finished_run_leaves_the_app_idle_and_the_next_run_wakes_it(graphs_dir):
    app = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=RunRequest("agent", {"topic": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        ticker = app.main.ticker
        await wait_for(pilot, lambda: ticker.asleep, what="the refresh timer asleep")
        assert await quiet_for(pilot, ticker, 0.5) == 0  # 20 Hz awake: ~10 ticks
        first = app.session
        await pilot.press("r")  # a run of the graph again: its events wake the screen
        await wait_for(pilot, lambda: app.session is not first and app.session.status == "success")
        await wait_for_text(pilot, "success")
        assert f"All {app.session.count}" in screen_text(app)
        await wait_for(pilot, lambda: ticker.asleep, what="asleep again")
        await pilot.press("2")  # a key wakes it (what the key changes is drawn)
        assert not ticker.asleep or ticker.ticks
        await wait_for(pilot, lambda: ticker.asleep, what="asleep after the key")


async def test_a_replay_sleeps_once_loaded_and_playing_wakes_it():
    app = ReplayApp(str(RECORDINGS / "research.msgpack"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: not app.main.capture_loading, what="loaded")
        screen = app.main
        await wait_for(pilot, lambda: screen.player.asleep and screen.ticker.asleep)
        assert await quiet_for(pilot, screen.player, 0.4) == 0
        await pilot.press("home")
        await pilot.press("space")  # play: the cursor moves on its own
        await wait_for(pilot, lambda: screen.cursor > 0, what="playing")
        await pilot.press("space")  # pause: asleep again
        await wait_for(pilot, lambda: screen.player.asleep, what="the player asleep")
        stopped = screen.cursor
        assert await quiet_for(pilot, screen.player, 0.3) == 0 and screen.cursor == stopped
