"""Runs of a thread (R in a history or the thread browser), against a real `langgraph dev`
and the embedded engine alike: every run newest first with how it ended, its assistant
and where it falls on one timeline across the thread's runs; enter opens the history at
the run's last checkpoint, o the run's recording on the main screen."""

from __future__ import annotations

from helpers.ui import wait_for, wait_for_text, wait_for_toast

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.history import HistoryScreen
from lgtui.ui.screens.runs import RunsScreen, timeline


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


async def test_a_recorded_run_opens_from_the_runs_of_its_thread(source, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # (the captures folder)
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "cats"}), record=True)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(
            pilot, lambda: app.session is not None and app.session.status == "success", what="run 1"
        )
        first = app.session
        app.record = False  # the second run is not recorded
        await pilot.press("r")
        await wait_for(
            pilot, lambda: app.session is not first and app.session.status == "success", what="2"
        )
        second = app.session
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history")
        await pilot.press("R")
        await wait_for(
            pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen.runs, what="runs"
        )
        runs = app.screen
        await wait_for_text(pilot, "timeline", "rec", "█")
        assert list(runs.recorded) == [first.link.run_id]  # a ● on its row only
        # the newer run has no recording: said, and nothing opens
        await pilot.press("o")
        await wait_for_toast(pilot, "lgtui has no recording of this run")
        assert app.screen is runs
        await pilot.press("down", "o")  # the first run's recording, on the main screen
        await wait_for(pilot, lambda: app.screen is app.main, what="the main screen")
        await wait_for_toast(pilot, "The recorded run")
        await wait_for(
            pilot,
            lambda: app.session is not second and app.session.status == "success",
            what="the recording loaded",
        )
        shown = app.session
        assert shown.source_kind == "capture" and shown.thread_id == first.thread_id
        assert [e.event for e in shown.events] == [e.event for e in first.events]
        await wait_for_text(pilot, "why did the cat sit on the ice cream")
        # the next run takes its place, on the same thread
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: app.session is not shown and app.session.status == "success",
            what="the next run",
        )
        assert app.session.thread_id == first.thread_id


def test_the_timeline_across_a_threads_runs():
    runs = [
        {"status": "success", "created_at": "2026-01-01T00:00:08+00:00",
         "updated_at": "2026-01-01T00:00:10+00:00"},
        {"status": "error", "created_at": "2026-01-01T00:00:00+00:00",
         "updated_at": "2026-01-01T00:00:01+00:00"},
        {"status": "success", "created_at": "bad", "updated_at": "bad"},
    ]  # fmt: skip
    bars = [t.plain for t in timeline(runs, width=11)]
    assert bars[0] == "········███"  # from 8 s to 10 s of a 10 s span
    assert bars[1] == "██·········"  # the first second, a cell at least
    assert bars[2] == ""  # a run without times has no bar
    assert all(t.plain == "" for t in timeline([{"created_at": None}]))


async def test_the_runs_of_a_thread_of_the_users_own_database(tmp_path):
    """A database keeps checkpoints, not runs: the runs are read from the checkpoints'
    run ids, the last one ended as the thread did (recordings/threads.sqlite: an approval
    resumed, one waiting at its interrupt)."""
    import shutil

    from helpers.paths import ROOT

    from lgtui.cli import bundled_examples

    db = tmp_path / "threads.sqlite"
    shutil.copy(ROOT / "recordings" / "threads.sqlite", db)
    source = EmbeddedSource(bundled_examples(), checkpointer=f"sqlite:{db}")
    try:
        threads = {t["thread_id"]: t for t in await source.search_threads(limit=10)}
        runs = {tid: await source.list_runs(tid, limit=10) for tid in threads}
        waiting = next(tid for tid, t in threads.items() if t["status"] == "interrupted")
        assert [r["status"] for r in runs[waiting]] == ["interrupted"]
        resumed = "33f975c9-82f6-4993-a8c1-9cf75b91e931"
        assert [r["status"] for r in runs[resumed]] == ["success", "success"]
        newer, older = runs[resumed]
        assert older["created_at"] <= older["updated_at"] <= newer["created_at"]
        assert newer["run_id"] != older["run_id"]
        app = LgtuiApp(source, thread=resumed, open_history=True)
        async with app.run_test(size=(130, 40), notifications=True) as pilot:
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints,
                what="the history",
            )
            await pilot.press("R")
            await wait_for_text(pilot, "2 runs", "read from its checkpoints", "approval")
    finally:
        source.close()
