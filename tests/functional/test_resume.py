"""Act where the problem shows: `i` on the main screen answers the interrupt the run
stopped at (the banner's) or goes on past a breakpoint; in a thread's history, `i` at an
older checkpoint resumes the interrupt pending there and says so."""

from __future__ import annotations

import pytest
from helpers.ui import wait_for, wait_for_text, wait_for_toast
from textual.widgets import TextArea

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.history import HistoryScreen

SIZE = (120, 40)


@pytest.fixture
def source(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    yield source
    source.close()


def ended(app, status: str):
    return lambda: app.session is not None and app.session.status == status


async def answer(pilot, app, value: str) -> None:
    await wait_for(pilot, lambda: app.screen.query("#edit-value"), what="the resume dialog")
    app.screen.query_one("#edit-value", TextArea).text = value
    await pilot.press("ctrl+s")


async def test_resume_the_interrupt_from_the_banner(source):
    app = LgtuiApp(source, request=RunRequest("hitl", {"q": "name?"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, ended(app, "interrupted"))
        await wait_for_text(pilot, "⏸ interrupt", "name?", "i: resume")
        first = app.session
        await pilot.press("i")
        await wait_for_text(
            pilot, "Resume the interrupt", "The value you type is sent as command.resume"
        )
        await answer(pilot, app, '"Ada"')
        await wait_for(pilot, lambda: app.session is not first and app.session.status == "success")
        assert app.session.thread_id == first.thread_id  # the same thread, run on
        assert app.session.request["command"] == {"resume": "Ada"}
        await wait_for_text(pilot, 'answer: "Ada"')


async def test_go_on_past_a_breakpoint_and_nothing_to_resume_after(source):
    request = RunRequest("agent", {"topic": "cats"}, interrupt_before=["generate_joke"])
    app = LgtuiApp(source, request=request)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, ended(app, "interrupted"))
        await wait_for_text(pilot, "(breakpoint)", "i: resume")
        first = app.session
        await pilot.press("i")
        await wait_for_toast(pilot, "Going on past the breakpoint.")
        await wait_for(pilot, lambda: app.session is not first and app.session.status != "running")
        # (the breakpoint stays set for the run: it stops there no more, the node ran)
        assert app.session.status == "success", app.session.status_detail
        await pilot.press("i")
        await wait_for_toast(pilot, "Nothing to resume: the run did not stop at an interrupt")


async def test_resume_at_an_older_checkpoint_says_which_interrupt_and_forks(source):
    app = LgtuiApp(source, request=RunRequest("hitl", {"q": "name?"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, ended(app, "interrupted"))
        await pilot.press("i")
        await answer(pilot, app, '"Ada"')
        await wait_for(pilot, ended(app, "success"))
        await pilot.press("h")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints
        )
        history = app.screen
        waiting = next(
            cid
            for cid, item in history.checkpoints.items()
            if any(t.get("interrupts") for t in item.get("tasks") or [])
        )
        assert waiting != history.order[0]  # an older checkpoint than the thread's head
        history.select(waiting)
        await pilot.pause(0.2)
        await pilot.press("i")
        await wait_for(pilot, lambda: app.screen.query("#edit-value"), what="the dialog")
        said = app.screen.context  # (what the dialog shows above the value, wrapped)
        assert f"of the older checkpoint {waiting[:13]}" in said and "thread forks" in said
        await wait_for_text(pilot, "Resume the interrupt")
        await answer(pilot, app, '"Grace"')
        await wait_for(pilot, lambda: app.screen is app.main)
        await wait_for(pilot, lambda: app.session.request.get("command") == {"resume": "Grace"})
        await wait_for(pilot, ended(app, "success"))
        events = [app.session.events[i] for i in range(app.session.count)]
        assert any(b"Grace" in e.raw for e in events), [(e.event, e.raw[:120]) for e in events]
