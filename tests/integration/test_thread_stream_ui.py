"""The thread-centric stream (v2) on screen, from a real `langgraph dev` and embedded alike:
a run's agents as a tree (enter shows one agent's transcript everywhere), its tool calls,
an interrupt answered with input.respond from the banner."""

from __future__ import annotations

from helpers.ui import screen_text, wait_for, wait_for_text, wait_for_toast
from textual.widgets import TextArea

from lgtui.sources.base import RunRequest
from lgtui.ui.app import LgtuiApp

SIZE = (150, 45)


def ended(app, status: str):
    return lambda: app.session is not None and app.session.status == status


async def test_agents_and_tools_of_a_thread_stream_run(source):
    request = RunRequest("research", {"topic": "LangGraph streaming"}, protocol="v2")
    app = LgtuiApp(source, request=request, record=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, ended(app, "success"), timeout=60)
        assert app.session.protocol == 2
        await wait_for_text(pilot, "Tools 1", "Agents 2")
        await pilot.press("9")
        await wait_for_text(pilot, "1 tool call · 1 done", "✓ search", '{query: "langgraph')
        await pilot.press("0")
        screen = await wait_for_text(pilot, "2 agents", "research", "root", "research:")
        assert screen.count("✓") >= 2
        await pilot.press("down", "down", "enter")  # the research subgraph
        await wait_for_toast(pilot, "Showing research:", "only")
        await wait_for(pilot, lambda: app.main.active_tab() == "messages")
        text = await wait_for_text(pilot, "search(", "3 results")
        assert "LangGraph streams every step" not in text  # the root's answer is not its own
        await pilot.press("s")  # the next namespace: (back to every one)
        await pilot.press("5")
        await wait_for(pilot, lambda: "LangGraph streams every step" in screen_text(app))


async def test_an_interrupt_is_answered_from_the_banner(source):
    app = LgtuiApp(source, request=RunRequest("hitl", {"q": "name?"}, protocol="v2"), record=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, ended(app, "interrupted"), timeout=60)
        await wait_for_text(pilot, "⏸ interrupt", "name?", "i: resume")
        first = app.session
        await pilot.press("i")
        await wait_for_text(pilot, "Resume the interrupt", "answers it (input.respond)")
        await wait_for(pilot, lambda: app.screen.query("#edit-value"), what="the dialog")
        app.screen.query_one("#edit-value", TextArea).text = '"Ada"'
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: app.session is not first and app.session.status == "success", timeout=60
        )
        assert app.session.protocol == 2 and app.session.thread_id == first.thread_id
        await wait_for_text(pilot, 'answer: "Ada"')


async def test_the_new_run_dialog_chooses_the_stream_channels_and_namespaces(graphs_dir):
    """v2, only the lifecycle and values channels, only the research subgraph, from the
    dialog: what streams is that, and the next New run offers the same choices."""
    from textual.widgets import Input, SelectionList

    from lgtui.sources.embedded import EmbeddedSource
    from lgtui.ui.screens.new_run import NewRunScreen

    source = EmbeddedSource(str(graphs_dir))
    app = LgtuiApp(source, record=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#protocol"),
            )
            screen = app.screen
            screen.query_one("#assistant").value = "research"
            screen.query_one("#input").text = '{"topic": "x"}'
            screen.query_one("#protocol").value = "v2"
            channels = screen.query_one("#channels", SelectionList)
            channels.deselect_all()
            channels.select("lifecycle")
            channels.select("values")
            screen.query_one("#v2-namespaces", Input).value = "research"
            screen.query_one("#v2-depth", Input).value = "0"
            await pilot.press("ctrl+s")
            await wait_for(pilot, ended(app, "success"), timeout=60)
            session = app.session
            assert session.protocol == 2
            assert {e.mode for e in session.events} == {"values", "lifecycle"}
            assert all(e.ns and e.ns[0].startswith("research:") for e in session.events)
            request = app.last_request
            assert (request.protocol, request.channels, request.namespaces, request.depth) == (
                "v2", ["values", "lifecycle"], [["research"]], 0,
            )  # fmt: skip
            await pilot.press("ctrl+n")
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#protocol"),
            )
            again = app.screen
            assert again.query_one("#protocol").value == "v2"
            assert again.query_one("#v2-namespaces", Input).value == "research"
            assert sorted(again.query_one("#channels", SelectionList).selected) == [
                "lifecycle",
                "values",
            ]
    finally:
        source.close()
