"""Code breakpoints (lgtui/host/debugger.py, lgtui/ui/screens/debug.py): ``b FILE:LINE
[condition]`` and ``breakpoint()`` in the graph's code stop it in its engine host -- a
sync node in its thread, an async one on the host's event loop -- while lgtui stays live;
the source, stack, locals and the node are shown, expressions evaluated, steps taken."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers.ui import (
    press_quickly,
    screen_text,
    wait_for,
    wait_for_text,
    wait_for_toast,
)

from lgtui.sources.base import RunHandle, RunRequest, SourceError
from lgtui.sources.embedded import EmbeddedSource

pytestmark = pytest.mark.timeout(180)

GRAPH = textwrap.dedent(
    """\
    from typing import TypedDict

    from langgraph.graph import START, StateGraph


    class State(TypedDict, total=False):
        n: int
        out: str


    def double(state: State) -> State:
        n = state["n"] * 2
        label = f"doubled {n}"
        return {"n": n, "out": label}


    async def shout(state: State) -> State:
        text = state["out"].upper()
        breakpoint()
        return {"out": text + "!"}


    graph = (
        StateGraph(State)
        .add_node(double)
        .add_node(shout)
        .add_edge(START, "double")
        .add_edge("double", "shout")
        .compile()
    )
    """
)
DOUBLE_FIRST_LINE = 12  # n = state["n"] * 2
SHOUT_RETURN = 20  # the line after breakpoint()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "graph.py"
    path.write_text(GRAPH)
    assert "n = state" in GRAPH.splitlines()[DOUBLE_FIRST_LINE - 1]
    return path


async def run_stopping(
    source: EmbeddedSource, answers: list[dict[str, Any]]
) -> tuple[list, RunHandle]:
    """A run, each stop (and evaluation) answered with the next of ``answers``."""
    said: list[dict[str, Any]] = []
    left = list(answers)

    def on_debug(message: dict[str, Any]) -> None:
        said.append(message)
        if "stopped" in message or "evaluated" in message:
            source.debug_send(left.pop(0) if left else {"op": "continue"})

    source.on_debug = on_debug
    handle = RunHandle()

    async def go() -> None:
        async for _ in source.stream_run(
            RunRequest("graph", {"n": 3}, stream_mode=["updates"]), handle
        ):
            pass

    await asyncio.wait_for(go(), 60)
    return said, handle


async def test_a_breakpoint_in_a_sync_node_and_breakpoint_in_an_async_one(project):
    source = EmbeddedSource(str(project), debug=True)
    try:
        await source.ready()
        where = await source.code_break(str(project), DOUBLE_FIRST_LINE, "state['n'] > 2")
        assert where == {
            "file": str(project),
            "line": DOUBLE_FIRST_LINE,
            "condition": "state['n'] > 2",
        }
        said, handle = await run_stopping(
            source,
            [
                {"op": "eval", "expr": "state['n'] + 100"},
                {"op": "eval", "expr": "1 / 0"},
                {"op": "next"},
                {"op": "continue"},
            ],
        )
        stops = [m["stopped"] for m in said if "stopped" in m]
        first, after_next, in_shout = stops
        assert (first["function"], first["line"], first["node"], first["step"]) == (
            "double",
            DOUBLE_FIRST_LINE,
            "double",
            1,
        )
        assert first["breakpoint"] is True and first["locals"] == {"state": {"n": 3}}
        assert [DOUBLE_FIRST_LINE, 'n = state["n"] * 2'] in [
            [n, line.strip()] for n, line in first["source"]
        ]
        assert [f["function"] for f in first["stack"] if f["user"]] == ["double"]
        evaluated = [m["evaluated"] for m in said if "evaluated" in m]
        assert evaluated == [
            {"expr": "state['n'] + 100", "value": 103},
            {"expr": "1 / 0", "error": "ZeroDivisionError: division by zero"},
        ]
        assert after_next["line"] == DOUBLE_FIRST_LINE + 1 and after_next["locals"]["n"] == 6
        # breakpoint() in an async node: the host's loop is stopped, its debug socket is not
        assert (in_shout["function"], in_shout["line"], in_shout["node"]) == (
            "shout",
            SHOUT_RETURN,
            "shout",
        )
        assert in_shout["locals"]["text"] == "DOUBLED 6" and not in_shout["breakpoint"]
        assert handle.final_status == "success"
    finally:
        await source.aclose()


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (("nowhere.py", 3, None), "nowhere.py: no such file"),
        (("GRAPH", 999, None), "does not exist"),
        (("GRAPH", 12, "n >"), "is no expression"),
    ],
)
async def test_a_breakpoint_that_cannot_be_is_said(project, where, said):
    source = EmbeddedSource(str(project), debug=True)
    try:
        file, line, condition = where
        with pytest.raises(SourceError, match=said):
            await source.code_break(str(project) if file == "GRAPH" else file, line, condition)
    finally:
        await source.aclose()


async def test_breakpoint_with_no_screen_to_stop_on_is_said_and_skipped(project):
    source = EmbeddedSource(str(project))  # (lgtui stream, lgtui check: no debug socket)
    try:
        handle = RunHandle()
        async for _ in source.stream_run(RunRequest("graph", {"n": 1}), handle):
            pass
        assert handle.final_status == "success"
        await wait_for_logs(source, f"breakpoint() at graph.py:{SHOUT_RETURN - 1} skipped")
    finally:
        await source.aclose()


async def wait_for_logs(source: EmbeddedSource, text: str) -> None:
    for _ in range(200):  # (the host's stderr is read by a thread of its own)
        if any(text in line for line in source.logs):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{text!r} not in {source.logs[-5:]}")


async def test_the_user_debugs_on_screen(project):
    """What a user does: the run stops at breakpoint() (the screen says where, with the
    locals); e evaluates; escape hides it, i shows it again; c goes on. Then b sets a
    breakpoint with a condition; the next run stops there; n, s and r step; c ends it;
    q while stopped ends the app and the graph's process."""
    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.debug import DebugScreen
    from lgtui.ui.screens.dialogs import PromptScreen

    source = EmbeddedSource(str(project), debug=True)
    app = LgtuiApp(source, request=RunRequest("graph", {"n": 3}))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DebugScreen), timeout=60)
        await wait_for_text(pilot, f"stopped  at graph.py:{SHOUT_RETURN} in shout()", "node shout")
        assert 'text: "DOUBLED 6"' in screen_text(app) and "… " in screen_text(app)
        await press_quickly(pilot, "e")
        await pilot.press(*"text.lower()", "enter")
        await wait_for_text(pilot, 'text.lower() → "doubled 6"')
        await press_quickly(pilot, "escape")  # out of the line
        await press_quickly(pilot, "escape")  # the screen hidden: the graph stays stopped
        await wait_for(pilot, lambda: app.screen is app.main)
        await wait_for_toast(pilot, "The graph stays stopped: i shows where.")
        assert app.session.status == "running"
        await press_quickly(pilot, "i")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugScreen))
        await press_quickly(pilot, "c")
        await wait_for(pilot, lambda: app.session.status == "success", timeout=30)
        assert app.screen is app.main
        # b: a breakpoint in the sync node, with a condition; bad ones said
        for typed, toast in (
            ("nonsense", "expected FILE:LINE"),
            (f"{project}:999", "does not exist"),
            (f"{project}:{DOUBLE_FIRST_LINE} state['n'] > 2", f"Breaks at {project}:12 when"),
            (f"{project}:{DOUBLE_FIRST_LINE + 1}", f"Breaks at {project}:13."),
            ("graph.py:13", f"No breakpoint at {project}:13 now."),  # (typed again: gone)
        ):
            await press_quickly(pilot, "b")
            await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
            await pilot.press(*typed, "enter")
            await wait_for_toast(pilot, toast)
        await press_quickly(pilot, "b")  # escape: no breakpoint
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await press_quickly(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.main)
        first = app.session
        app.start_run(RunRequest("graph", {"n": 3}, thread_id=None))
        await wait_for(
            pilot,
            lambda: app.session is not first and isinstance(app.screen, DebugScreen),
            timeout=60,
        )
        await wait_for_text(pilot, f"at graph.py:{DOUBLE_FIRST_LINE} in double()", "(breakpoint)")
        await press_quickly(pilot, "n")
        await wait_for_text(pilot, f"at graph.py:{DOUBLE_FIRST_LINE + 1} in double()", "n: 6")
        await press_quickly(pilot, "s")
        await wait_for_text(pilot, f"at graph.py:{DOUBLE_FIRST_LINE + 2} in double()")
        await press_quickly(pilot, "r")  # to the return: what it returns shown
        await wait_for_text(pilot, "(returned) →", '"doubled 6"')
        await press_quickly(pilot, "c")  # on to breakpoint() in shout
        await wait_for_text(pilot, f"at graph.py:{SHOUT_RETURN} in shout()")
        host = source._host
        assert host is not None
        await press_quickly(pilot, "q")  # quitting while stopped ends it all
        await wait_for(pilot, lambda: not app.is_running, timeout=20)
    assert host.proc.wait(timeout=10) is not None
