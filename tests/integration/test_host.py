"""The engine host: the user's graph runs in a process of its own, loaded the way
`langgraph dev` loads it, and whatever the graph does to that process, lgtui goes on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import paths
from helpers.cli import run_cli
from helpers.devserver import start_dev_server
from helpers.ui import wait_for, wait_for_text, wait_for_toast

from lgtui.sources.base import LoadError, RunHandle, RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp

CRASHY = paths.PROJECTS / "crashy" / "graph.py"


def stream(what: str) -> tuple[int, list[dict], list[str]]:
    proc = run_cli("stream", str(CRASHY), "-i", json.dumps({"what": what}), "-m", "updates")
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    return proc.returncode, events, proc.stderr.splitlines()


def test_a_segfault_in_a_node_is_one_line_naming_the_users_frame():
    code, events, err = stream("segv")
    assert code == 1
    assert [e["event"] for e in events] == ["metadata"]
    assert err[-1].startswith("lgtui: the graph's process died of SIGSEGV (a segmentation fault)")
    assert f'File "{CRASHY}", line' in err[-1] and err[-1].endswith("in act")


def test_os_exit_in_a_node_says_the_status():
    code, _, err = stream("os_exit")
    assert code == 1
    assert err[-1].startswith("lgtui: the graph's process exited with status 7")


def test_sys_exit_in_a_node_is_an_error_of_the_run():
    code, events, err = stream("exit")
    assert code == 1
    assert events[-1]["data"] == {
        "error": "SystemExit",
        "message": "the graph's code called sys.exit(3)",
    }
    assert (
        err[-1]
        == "lgtui: the run failed in node 'act': SystemExit: the graph's code called sys.exit(3)"
    )


def test_a_run_error_names_the_node_and_the_users_line():
    code, events, err = stream("raise")
    assert code == 1
    assert events[-1]["event"] == "error"
    assert (
        err[-1]
        == "lgtui: the run failed in node 'act' at graph.py:30: RuntimeError: boom in user code"
    )


def test_what_the_graph_prints_goes_to_stderr_escaped():
    code, events, err = stream("ok")
    assert code == 0 and events[-1]["data"] == {"act": {"done": True}}
    assert "about to ok" in err
    assert r"a warning from the graph: \x1b]0;pwned\x07" in err
    assert not any("\x1b" in line or "\x07" in line for line in err)


async def test_the_app_survives_a_crash_and_the_next_run_gets_a_new_host():
    source = EmbeddedSource(str(CRASHY))
    app = LgtuiApp(source, request=RunRequest("graph", {"what": "segv"}, stream_mode=["updates"]))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "error")
        await wait_for_text(pilot, "SIGSEGV", "graph.py")
        first = source._host
        app.start_run(RunRequest("graph", {"what": "ok"}, stream_mode=["updates"], thread_id=None))
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        assert source._host is not first and source.restarts == 1
        assert "about to ok" in source.logs


async def test_the_traceback_of_the_users_code_is_one_key_away(tmp_path, monkeypatch):
    """T on the error banner shows Python's traceback, the user's frame in it; the capture
    keeps it, so the replay has it too."""
    from lgtui.ui.screens.value import ValueScreen

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    source = EmbeddedSource(str(CRASHY))
    request = RunRequest("graph", {"what": "raise"}, stream_mode=["updates"])
    app = LgtuiApp(source, request=request, record=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "error")
        await wait_for_text(pilot, "boom in user code", "T: traceback")
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, ValueScreen))
        text = app.screen.value
        assert f'File "{CRASHY}", line 30, in act' in text
        assert 'raise RuntimeError("boom in user code")' in text  # the line itself
        assert "RuntimeError: boom in user code" in text
        # langgraph's own frames folded to a line, none of them shown
        assert "library frames (langgraph" in text and "site-packages" not in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ValueScreen))
        capture = app.session.capture_path
    assert capture
    from lgtui.ui.app import ReplayApp

    replay = ReplayApp(capture)
    async with replay.run_test(size=(140, 40)) as pilot:
        await wait_for_text(pilot, "events 2")
        await pilot.press("end")  # the banner says what happened by the cursor
        await wait_for_text(pilot, "boom in user code", "T: traceback")
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(replay.screen, ValueScreen))
        assert f'File "{CRASHY}", line 30, in act' in replay.screen.value


async def test_no_traceback_is_said_so():
    source = EmbeddedSource(str(CRASHY))
    app = LgtuiApp(source, request=RunRequest("graph", {"what": "ok"}, stream_mode=["updates"]))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await pilot.press("T")
        await wait_for_toast(pilot, "No traceback")


async def test_giving_up_on_a_loading_project_does_not_break_it_for_others(graphs_dir):
    """A request cancelled while the project loads (the user closed the dialog, a run
    was cancelled) leaves the project loading for everyone else."""
    import asyncio

    source = EmbeddedSource(str(graphs_dir))
    try:
        waiting = asyncio.ensure_future(source.list_assistants())
        await asyncio.sleep(0)  # it waits on the host's hello
        assert not waiting.done()
        waiting.cancel()
        assistants = await asyncio.wait_for(source.list_assistants(), 60)
        assert "agent" in {a["graph_id"] for a in assistants}
    finally:
        await source.aclose()


async def test_lgtui_never_imports_the_users_code(graphs_dir):
    before = set(sys.modules)
    source = EmbeddedSource(str(graphs_dir))
    try:
        handle = RunHandle()
        events = [e async for e in source.stream_run(RunRequest("agent", {"topic": "x"}), handle)]
        assert events and handle.final_status == "success"
        assert [m for m in set(sys.modules) - before if m.startswith(("langgraph", "__"))] == []
    finally:
        await source.aclose()


# -- loading as langgraph dev loads --------------------------------------------------------------


def project(tmp_path: Path, files: dict[str, str], config: dict) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "langgraph.json").write_text(json.dumps(config))
    return tmp_path / "langgraph.json"


GRAPH = """
from typing import TypedDict
from langgraph.graph import START, StateGraph
{imports}
class S(TypedDict, total=False):
    x: int
def inc(s): return {{"x": s.get("x", 0) + 1}}
graph = StateGraph(S).add_node(inc).add_edge(START, "inc").compile({compile})
"""


def load_error(config: Path) -> str:
    """What `lgtui open` says of a project that does not load (before or in the host)."""
    source = None
    try:
        with pytest.raises(LoadError) as info:
            source = EmbeddedSource(str(config))
            source.wait_ready()
        return info.value.message
    finally:
        if source is not None:
            source.close()


@pytest.mark.parametrize(
    ("files", "config", "embedded_says", "server_says"),
    [
        (
            {
                "agents/graph.py": GRAPH.format(imports="import sibling", compile=""),
                "agents/sibling.py": "X = 1\n",
            },
            {"dependencies": ["."], "graphs": {"g": "./agents/graph.py:graph"}},
            "No module named 'sibling'",
            "No module named 'sibling'",
        ),
        (
            {
                "graph.py": GRAPH.format(
                    imports="from langgraph.checkpoint.memory import InMemorySaver",
                    compile="checkpointer=InMemorySaver()",
                )
            },
            {"dependencies": ["."], "graphs": {"g": "./graph.py:graph"}},
            "compiled with its own checkpointer (InMemorySaver)",
            "includes a custom checkpointer",
        ),
        (
            {"graph.py": GRAPH.format(imports="", compile="")},
            {"graphs": {"g": "./graph.py:graph"}},
            'no "dependencies" (langgraph dev refuses it too)',
            "No dependencies found in config",
        ),
    ],
    ids=["sibling-import", "own-checkpointer", "no-dependencies"],
)
def test_what_langgraph_dev_refuses_is_refused(tmp_path, files, config, embedded_says, server_says):
    path = project(tmp_path, files, config)
    assert embedded_says in load_error(path)
    with pytest.raises(RuntimeError) as refused:
        with start_dev_server(path, tmp_path / "server.log"):
            pass
    assert server_says in str(refused.value)


def test_the_bundled_examples_start_under_langgraph_dev(tmp_path):
    import httpx

    examples = paths.ROOT / "lgtui" / "examples" / "langgraph.json"
    with start_dev_server(examples, tmp_path / "server.log") as server:
        found = httpx.post(f"{server.url}/assistants/search", json={}).json()
    assert sorted(a["graph_id"] for a in found) == ["approval", "research"]


def test_env_of_langgraph_json_wins_over_the_inherited_environment(tmp_path, monkeypatch):
    path = project(
        tmp_path,
        {
            "graph.py": GRAPH.format(
                imports="import os\nSEEN = os.environ['LGTUI_T']", compile=""
            ).replace("+ 1}", "+ len(SEEN)}"),
            ".env": "LGTUI_T=four\n",
        },
        {"dependencies": ["."], "env": ".env", "graphs": {"g": "./graph.py:graph"}},
    )
    monkeypatch.setenv("LGTUI_T", "inherited-and-longer")
    proc = run_cli("stream", str(path), "-m", "values", "-i", '{"x": 0}')
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["data"] == {"x": 4}


def test_a_bare_graph_py_serves_its_graph_not_a_module_level_subgraph(tmp_path):
    (tmp_path / "graph.py").write_text(
        """
from typing import TypedDict
from langgraph.graph import START, StateGraph
class S(TypedDict, total=False):
    x: int
inner = StateGraph(S).add_node("step", lambda s: {"x": 1}).add_edge(START, "step").compile()
app = StateGraph(S).add_node("inner", inner).add_edge(START, "inner").compile()
"""
    )
    proc = run_cli("stream", str(tmp_path / "graph.py"), "-m", "updates")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["data"] == {"inner": {"x": 1}}


def test_a_missing_env_file_sets_nothing_and_says_so(tmp_path):
    """Projects ship a .env.example: langgraph dev starts without the .env, and so does lgtui."""
    path = project(
        tmp_path,
        {"graph.py": GRAPH.format(imports="", compile="")},
        {"dependencies": ["."], "env": ".env", "graphs": {"g": "./graph.py:graph"}},
    )
    proc = run_cli("stream", str(path), "-m", "values", "-i", '{"x": 1}')
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["data"] == {"x": 2}
    assert proc.stderr.strip() == (
        "lgtui: warning: env file .env of langgraph.json does not exist: nothing set"
    )
