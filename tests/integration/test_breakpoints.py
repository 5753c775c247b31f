"""Agent breakpoints (lgtui/breakpoints.py, lgtui/host/pauses.py): a run of the user's
project pauses in its engine host where one holds -- before or after a node, at a tool
call whose arguments match, at a change of a state key, after an event a search matches --
and goes on, steps or aborts at the user's word.  The graphs are langgraph's prebuilt
ReAct agent and tests/projects/runtime's mutation graph (sync and async nodes); against
a real `langgraph dev`, the server stops before a node and the view at the rest."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from lgtui.runs import ViewPauses, stream_into
from lgtui.session import Session
from lgtui.sources.base import RunHandle, RunRequest, SourceError
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource

pytestmark = pytest.mark.timeout(180)

WEATHER = {"messages": [{"role": "user", "content": "weather in Paris?"}]}


async def run_with(
    source: EmbeddedSource, request: RunRequest, answers: list[str] | None = None
) -> tuple[list[tuple[str, Any]], RunHandle]:
    """The run's events and pauses in the order they came, each pause answered with the
    next of ``answers`` (then continue)."""
    handle = RunHandle()
    seen: list[tuple[str, Any]] = []
    left = list(answers or [])
    tasks: list[asyncio.Task[bool]] = []

    def on_pause(where: dict[str, Any]) -> None:
        seen.append(("PAUSE", where))
        action = left.pop(0) if left else "continue"
        assert handle.run_id
        tasks.append(asyncio.create_task(source.resume_run(handle.run_id, action)))

    handle.on_pause = on_pause

    async def go() -> None:
        async for event in source.stream_run(request, handle):
            seen.append((event.event, event.data))

    await asyncio.wait_for(go(), 60)
    for task in tasks:
        await task
    return seen, handle


def pauses(seen: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [where for name, where in seen if name == "PAUSE"]


def index_of(seen: list[tuple[str, Any]], test) -> int:
    return next(i for i, item in enumerate(seen) if test(*item))


async def test_a_tool_call_pauses_before_the_tool_runs(embedded):
    request = RunRequest(
        "react", WEATHER, stream_mode=["updates", "values"], breakpoints=["tool:lookup city~par"]
    )
    seen, handle = await run_with(embedded, request)
    (where,) = pauses(seen)
    assert where["kind"] == "tool" and where["node"] == "tools" and where["step"] == 2
    assert where["tool"] == {"name": "lookup", "args": {"city": "Paris"}}
    assert where["reason"] == "at a call of tool lookup with city contains 'par'"
    assert where["ns"] == [] and where["count"] == 1
    paused_at = index_of(seen, lambda name, _: name == "PAUSE")
    tools_done = index_of(seen, lambda name, data: name == "updates" and "tools" in data)
    assert paused_at < tools_done  # the tool had not run
    assert handle.final_status == "success"
    assert seen[-1][1]["messages"][-1]["content"] == "It is sunny in Paris."


@pytest.mark.parametrize(
    "points", [["tool:lookup city~tokyo"], ["tool:search"], ["change:nothing_like_it"]]
)
async def test_breakpoints_that_do_not_hold_do_not_pause(embedded, points):
    request = RunRequest("react", WEATHER, stream_mode=["updates"], breakpoints=points)
    seen, handle = await run_with(embedded, request)
    assert pauses(seen) == [] and handle.final_status == "success"
    assert [list(data) for name, data in seen if name == "updates"] == [
        ["agent"],
        ["tools"],
        ["agent"],
    ]


async def test_a_state_key_change_and_stepping_to_the_next_node(embedded):
    request = RunRequest("react", WEATHER, stream_mode=["updates"], breakpoints=["change:messages"])
    seen, handle = await run_with(embedded, request, ["step"])
    got = [(w["kind"], w["node"], w["step"]) for w in pauses(seen)]
    assert got == [
        ("change", "agent", 1),
        ("step", "tools", 2),  # stepped: before the next node
        ("change", "tools", 2),
        ("change", "agent", 3),
    ]
    first = pauses(seen)[0]
    assert first["update"]["messages"][0]["tool_calls"][0]["name"] == "lookup"
    assert first["state"]["messages"][0]["content"] == "weather in Paris?"  # what agent saw
    assert pauses(seen)[1]["reason"] == "at the next node"
    assert handle.final_status == "success"


async def test_a_search_pauses_after_its_event_and_abort_ends_the_run(embedded):
    request = RunRequest("react", WEATHER, stream_mode=["updates"], breakpoints=["node:tools"])
    seen, handle = await run_with(embedded, request, ["abort"])
    (where,) = pauses(seen)
    assert where["kind"] == "search" and where["event"]["name"] == "updates"
    assert list(where["event"]["data"]) == ["tools"]
    assert seen[-1][0] == "PAUSE"  # nothing streamed after the abort
    assert handle.final_status == "interrupted"
    # the host goes on: the next run on it runs to its end
    seen, handle = await run_with(embedded, RunRequest("react", WEATHER, stream_mode=["updates"]))
    assert handle.final_status == "success" and not pauses(seen)


async def test_sync_and_async_nodes_pause_before_and_after(embedded):
    """gather and finish are sync (they run in a thread: its callbacks block it), expand
    is async; the state a node sees is the one shown."""
    request = RunRequest(
        "mutation",
        {},
        stream_mode=["updates"],
        breakpoints=["before:gather; after:expand", "before:finish"],
    )
    seen, handle = await run_with(embedded, request)
    got = [(w["kind"], w["node"], w["step"]) for w in pauses(seen)]
    assert got == [("before", "gather", 1), ("after", "expand", 2), ("before", "finish", 3)]
    after_expand, before_finish = pauses(seen)[1:]
    assert after_expand["update"] == {"log": ["expanded"]}
    assert before_finish["state"]["log"] == ["gathered", "expanded"]
    assert handle.final_status == "success"


CHAT = {"messages": [{"role": "user", "content": "research langgraph, then add 2 and 3"}]}


@pytest.mark.parametrize(
    ("graph", "points", "expected", "detail", "value"),
    [
        (  # a breakpoint before an agent, a tool call inside one (its namespace said)
            "supervisor",
            ["tool:add a=2", "before:math_expert"],
            [("before", "math_expert", []), ("tool", "tools", ["math_expert"])],
            ("tool",),
            {"name": "add", "args": {"a": 2, "b": 3}},
        ),
        (  # a handoff's write of the active agent (Command.PARENT)
            "swarm",
            ["tool:transfer_to_bob", "change:active_agent"],
            [("tool", "tools", ["alice"]), ("change", "tools", ["alice"])],
            ("update", "active_agent"),
            "bob",
        ),
    ],
)
async def test_multi_agent_graphs_pause_inside_their_agents(
    embedded, graph, points, expected, detail, value
):
    """langgraph-supervisor and langgraph-swarm pause inside their agents, and each run goes
    on to its end after the pauses."""
    request = RunRequest(graph, CHAT, stream_mode=["updates"], subgraphs=True, breakpoints=points)
    seen, handle = await run_with(embedded, request)
    got = [(w["kind"], w["node"], [p.split(":")[0] for p in w["ns"]]) for w in pauses(seen)]
    assert got == expected
    second = pauses(seen)[1]
    for key in detail:
        second = second[key]
    assert second == value
    assert handle.final_status == "success"


async def test_a_search_pauses_a_run_streamed_as_events(embedded):
    request = RunRequest("mutation", {}, stream_mode=["events"], breakpoints=["node:expand"])
    seen, handle = await run_with(embedded, request)
    first = pauses(seen)[0]
    assert first["kind"] == "search" and first["event"]["data"]["metadata"]["langgraph_node"] == (
        "expand"
    )
    assert handle.final_status == "success"


@pytest.mark.parametrize(
    ("points", "said"),
    [
        (["tool:"], "say which tool"),
        (["change:a b"], "takes one name"),
        (['"open quote'], "not closed"),
    ],
)
async def test_a_breakpoint_that_cannot_be_read_is_said(embedded, points, said):
    with pytest.raises(SourceError, match=said):
        await run_with(embedded, RunRequest("react", WEATHER, breakpoints=points))


async def test_resume_answers_only_a_paused_run(embedded):
    assert await embedded.resume_run("no-such-run", "continue") is False
    with pytest.raises(SourceError, match="continue, step, abort"):
        await embedded.resume_run("no-such-run", "jump")


async def test_a_server_stops_before_a_node_and_the_view_at_a_tool_call(runtime_server):
    """`langgraph dev` cannot pause on a tool call: the view stops at the model's message
    asking for it (the run goes on), and before:tools is the server's interrupt_before."""
    source = RemoteSource(runtime_server.url)
    request = RunRequest(
        "react",
        WEATHER,
        stream_mode=["updates", "values"],
        breakpoints=["tool:lookup city=Paris", "before:tools"],
    )
    session = Session(source_kind="remote")
    stops: list[dict[str, Any]] = []
    set_pause = session.set_pause
    session.set_pause = lambda where: (stops.append(where), set_pause(where))  # type: ignore[method-assign]
    view = ViewPauses.of(request)
    assert view is not None and [p.kind for p in view.points] == ["tool"]
    try:
        await asyncio.wait_for(stream_into(source, request, session, RunHandle(), None, view), 60)
    finally:
        await source.aclose()
    (where,) = stops
    assert where["view"] is True and where["kind"] == "tool" and where["node"] == "agent"
    event = session.events[where["seq"]]
    assert event.event == "updates" and "agent" in event.data
    assert session.status == "interrupted"  # the server's own stop before tools
    assert session.pause is where  # (the view stays where it stopped, the run ended)
    assert not any(e.event == "updates" and "tools" in e.data for e in session.events)


# -- on screen ---------------------------------------------------------------------------


async def test_the_user_pauses_hides_steps_continues_and_aborts_on_screen(embedded):
    """What a user sees and presses: the pause screen (why, where, the call's arguments,
    the state), escape hides it (the status bar says paused, i shows it again), n steps
    to the next node, c goes on; in the next run x aborts it; every key of the pause
    screen pressed."""
    from helpers.ui import press_quickly, quit_with, screen_text, wait_for, wait_for_text

    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.pause import PauseScreen

    request = RunRequest(
        "react", WEATHER, stream_mode=["updates", "values"], breakpoints=["tool:lookup"]
    )
    app = LgtuiApp(embedded, request=request)
    app.on_unmount = lambda: None  # (the module's source stays open)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen), timeout=60)
        text = await wait_for_text(pilot, "a call of tool lookup", 'city: "Paris"')
        assert "node tools" in text and "step 2" in text and "namespace root" in text
        assert "the state as the node sees it" in text and "weather in Paris?" in text
        await press_quickly(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.main)
        await wait_for_text(pilot, " paused ", "i shows where")
        assert app.session is not None and app.session.status == "running"
        await press_quickly(pilot, "i")
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen))
        await press_quickly(pilot, "n")  # step: before the next node (agent, step 3)
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, PauseScreen) and app.session.pauses == 2,
            timeout=30,
        )
        await wait_for_text(pilot, "the next node", "node agent", "step 3")
        await press_quickly(pilot, "c")
        await wait_for(pilot, lambda: app.session.status == "success", timeout=30)
        assert "It is sunny in Paris." in str(app.session.events[-1].data)
        # a new run (on the thread the agent would answer from what it knows), aborted
        first = app.session
        app.start_run(RunRequest("react", WEATHER, breakpoints=["tool:lookup"]))
        await wait_for(
            pilot,
            lambda: app.session is not first and isinstance(app.screen, PauseScreen),
            timeout=60,
        )
        await press_quickly(pilot, "x")
        await wait_for(pilot, lambda: app.session.status == "interrupted", timeout=30)
        assert app.screen is app.main
        assert " paused " not in screen_text(app)
        await quit_with(pilot)


async def test_pausing_from_the_graph_view_and_the_new_run_dialog(embedded):
    """b in the graph view picks a node to pause before (a again takes one away); the
    New run dialog shows it under Pause at, and refuses one it cannot read."""
    from helpers.ui import press_quickly, quit_with, wait_for, wait_for_text, wait_for_toast
    from textual.widgets import Input, OptionList

    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.dialogs import PickScreen
    from lgtui.ui.screens.graph import GraphScreen
    from lgtui.ui.screens.new_run import NewRunScreen
    from lgtui.ui.screens.pause import PauseScreen

    app = LgtuiApp(embedded, request=RunRequest("react", WEATHER, stream_mode=["updates"]))
    app.on_unmount = lambda: None
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await press_quickly(pilot, "v")
        await wait_for(pilot, lambda: isinstance(app.screen, GraphScreen) and app.screen.graph)
        await press_quickly(pilot, "b")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        assert app.screen.choices == ["agent", "tools"]
        await press_quickly(pilot, "enter")
        await wait_for_toast(pilot, "The next run pauses before agent.")
        await wait_for_text(pilot, "pause before:agent")
        await press_quickly(pilot, "a")  # after tools, then taken away again
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        app.screen.query_one(OptionList).highlighted = 1
        await press_quickly(pilot, "enter")
        await wait_for_toast(pilot, "The next run pauses after tools.")
        await press_quickly(pilot, "a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await wait_for_text(pilot, "● tools")
        app.screen.query_one(OptionList).highlighted = 1
        await press_quickly(pilot, "enter")
        await wait_for_toast(pilot, "No pause after tools now.")
        assert app.form.breakpoints_text == "before:agent"
        await press_quickly(pilot, "b")  # escape picks nothing
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await press_quickly(pilot, "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GraphScreen))
        await press_quickly(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.main)
        # run again (on the thread): it pauses before agent
        first = app.session
        await press_quickly(pilot, "r")
        await wait_for(
            pilot,
            lambda: app.session is not first and isinstance(app.screen, PauseScreen),
            timeout=60,
        )
        await wait_for_text(pilot, "before node agent")
        await press_quickly(pilot, "c")
        await wait_for(pilot, lambda: app.session.status == "success", timeout=30)
        # the dialog shows the breakpoints, and says what is wrong with a bad one
        await press_quickly(pilot, "ctrl+n")
        await wait_for(
            pilot, lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#breakpoints")
        )
        field = app.screen.query_one("#breakpoints", Input)
        assert field.value == "before:agent"
        field.value = "before:agent; tool:"
        await press_quickly(pilot, "ctrl+s")
        await wait_for_text(pilot, "Pause at: 'tool:': say which tool — nothing was sent")
        assert isinstance(app.screen, NewRunScreen)
        await press_quickly(pilot, "escape")
        await quit_with(pilot)


async def test_a_servers_run_stops_the_view_on_screen(runtime_server):
    """The view stops at the model's message asking for the tool (the screen as of that
    event, saying the run goes on); c follows the run again, to its end."""
    from helpers.ui import press_quickly, quit_with, wait_for, wait_for_text

    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.pause import PauseScreen

    request = RunRequest(
        "react", WEATHER, stream_mode=["updates", "values"], breakpoints=["tool:lookup"]
    )
    app = LgtuiApp(RemoteSource(runtime_server.url), request=request)
    async with app.run_test(size=(130, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen), timeout=60)
        await wait_for_text(pilot, "at a call of tool lookup", "the view stopped here")
        pause = app.session.pause
        assert pause is not None and pause["view"] and pause["node"] == "agent"
        assert app.main.as_of == pause["seq"]  # the screen as of the event
        await wait_for(pilot, lambda: app.session.status == "success", timeout=30)
        assert app.main.as_of == pause["seq"]  # (the run went on; the view stayed)
        await press_quickly(pilot, "c")
        await wait_for(pilot, lambda: app.screen is app.main and app.main.as_of is None)
        await wait_for_text(pilot, "It is sunny in Paris.")
        await quit_with(pilot)
