"""Runs of a thread (R in a history or the thread browser), against a real `langgraph dev`
and the embedded engine alike: every run newest first with how it ended and its
assistant; enter opens the history at the run's last checkpoint."""

from __future__ import annotations

import pytest
from graphs.auth import TEST_API_KEY
from helpers.ui import wait_for, wait_for_text, wait_for_toast

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.history import HistoryScreen
from lgtui.ui.screens.runs import RunsScreen


@pytest.fixture(params=["embedded", "remote"])
def source(request, graphs_dir):
    if request.param == "embedded":
        source = EmbeddedSource(str(graphs_dir))
        yield source
        source.close()
    else:
        yield RemoteSource(request.getfixturevalue("server").url, api_key=TEST_API_KEY)


async def test_every_run_of_the_thread_and_the_history_at_one(source):
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "cats"}))
    async with app.run_test(size=(130, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        first = app.session
        await pilot.press("r")  # again, on the same thread
        await wait_for(pilot, lambda: app.session is not first and app.session.status == "success")
        assert app.session.thread_id == first.thread_id
        await pilot.press("h")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints
        )
        history = app.screen
        await pilot.press("R")
        await wait_for(
            pilot, lambda: isinstance(app.screen, RunsScreen) and len(app.screen.runs) == 2
        )
        runs = app.screen.runs
        assert [r["run_id"] for r in runs] == [app.session.link.run_id, first.link.run_id]
        assert {r["status"] for r in runs} == {"success"}
        await wait_for_text(pilot, "Runs of thread", "2 runs", "success", "agent")
        await pilot.press("r")
        await wait_for_toast(pilot, "Reloading the runs")
        await pilot.press("c")
        await wait_for_toast(pilot, "the run id")
        await pilot.press("down")  # the older run: the history, at its last checkpoint
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is history)
        await wait_for(
            pilot,
            lambda: (
                history.current() is not None
                and history.checkpoints[history.current()]["metadata"]["run_id"]
                == first.link.run_id
            ),
            what="the older run's last checkpoint selected",
        )
        await pilot.press("R")  # again, and q leaves them for the same history
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen.runs)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is history)
