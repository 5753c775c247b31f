"""`lgtui open --watch` (lgtui/watch.py): a change to a file of the project starts the
engine host again on the new code; the thread and its checkpoints stay (on disk); a file
that no longer loads says why and the session stays; fixing it reloads."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from helpers.ui import quit_with, screen_text, wait_for, wait_for_text, wait_for_toast

from lgtui.cli.common import make_source
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.watch import ProjectFiles, project_root

pytestmark = pytest.mark.timeout(180)

GRAPH = textwrap.dedent(
    """
    import operator
    from typing import Annotated, TypedDict

    from langgraph.graph import START, StateGraph


    class State(TypedDict, total=False):
        topic: str
        log: Annotated[list[str], operator.add]


    def write(state: State) -> State:
        return {"log": [f"VERSION wrote about {state.get('topic')}"]}


    graph = StateGraph(State).add_node(write).add_edge(START, "write").compile()
    """
)


def write_graph(path: Path, version: str, extra: str = "") -> None:
    """The file, with a modification time surely past the last one seen."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(GRAPH.replace("VERSION", version) + extra)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_the_files_of_a_project_and_what_changed(tmp_path):
    (tmp_path / "graph.py").write_text("x = 1\n")
    (tmp_path / "langgraph.json").write_text("{}")
    (tmp_path / "notes.md").write_text("not code")
    for skipped in (".venv/lib", "__pycache__", "node_modules/pkg", ".git"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "mod.py").write_text("y = 1\n")
    files = ProjectFiles(tmp_path)
    assert sorted(files.seen) == ["graph.py", "langgraph.json"]
    assert files.changed() == []
    write_graph(tmp_path / "graph.py", "v2")
    (tmp_path / "tools.py").write_text("z = 1\n")
    (tmp_path / "langgraph.json").unlink()
    assert files.changed() == ["graph.py", "langgraph.json", "tools.py"]
    assert files.changed() == []
    assert ProjectFiles(tmp_path, limit=1).truncated
    assert project_root(str(tmp_path / "graph.py")) == tmp_path.resolve()
    assert project_root(f"{tmp_path / 'graph.py'}:graph") == tmp_path.resolve()
    assert project_root(str(tmp_path)) == tmp_path.resolve()


def test_watch_keeps_threads_on_disk_in_a_private_folder(tmp_path, monkeypatch):
    import argparse

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    write_graph(tmp_path / "graph.py", "v1")
    args = argparse.Namespace(watch=True, store=None, python=None, protocol=None)
    source = make_source(str(tmp_path / "graph.py"), None, None, args)
    assert isinstance(source, EmbeddedSource)
    checkpointer, store = source.spec["checkpointer"], source.spec["store"]
    assert checkpointer.startswith(f"sqlite:{tmp_path / 'data' / 'lgtui' / 'watch'}")
    assert store.startswith("sqlite:") and store.endswith("store.sqlite")
    folder = Path(checkpointer.removeprefix("sqlite:")).parent
    assert folder.stat().st_mode & 0o077 == 0
    given = make_source(str(tmp_path / "graph.py"), None, "sqlite:/tmp/mine.sqlite", args)
    assert given.spec["checkpointer"] == "sqlite:/tmp/mine.sqlite"  # the user's word wins


async def test_a_change_reloads_the_project_and_the_thread_stays(tmp_path):
    from lgtui.ui.app import LgtuiApp

    project = tmp_path / "project"
    project.mkdir()
    graph = project / "graph.py"
    write_graph(graph, "v1")
    source = EmbeddedSource(str(graph), checkpointer=f"sqlite:{tmp_path / 'threads.sqlite'}")
    app = LgtuiApp(source, request=RunRequest("graph", {"topic": "cats"}))
    app.watching = ProjectFiles(project)
    async with app.run_test(size=(130, 30), notifications=True) as pilot:
        await wait_for(
            pilot, lambda: app.session is not None and app.session.status == "success", timeout=60
        )
        first = app.session
        write_graph(graph, "v2")
        await wait_for_toast(pilot, "Reloaded: graph.py changed. The next run uses the new code.")
        await wait_for_text(pilot, "⟳ reloaded graph.py")
        app.action_rerun()  # r: on the same thread, with the new code
        await wait_for(
            pilot,
            lambda: app.session is not first and app.session.status == "success",
            timeout=60,
        )
        assert app.session.thread_id == first.thread_id
        values = [e.data for e in app.session.events if e.event == "values"]
        assert values[-1]["log"] == ["v1 wrote about cats", "v2 wrote about cats"]
        # a file that no longer loads: said, and the run stays on screen
        shown = app.session
        write_graph(graph, "v3", extra="\ndef broken(:\n")
        await wait_for_toast(pilot, "graph.py:", "SyntaxError: invalid syntax")
        await wait_for_text(pilot, "the project no longer loads")
        assert app.session is shown and app.screen is app.main
        said = len(app.said)
        write_graph(graph, "v3")  # fixed: it loads again
        await wait_for(
            pilot,
            lambda: len(app.said) > said and app.said[-1].message.startswith("Reloaded: graph.py"),
            what="the reload",
        )
        await wait_for_text(pilot, "⟳ reloaded graph.py")
        assert "no longer loads" not in screen_text(app)
        await quit_with(pilot)


async def test_a_change_during_a_run_reloads_when_it_ends(tmp_path):
    """The run goes on with the code it started with (here held at a breakpoint)."""
    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.pause import PauseScreen

    graph = tmp_path / "graph.py"
    write_graph(graph, "v1")
    source = EmbeddedSource(str(graph), checkpointer=f"sqlite:{tmp_path / 'threads.sqlite'}")
    app = LgtuiApp(
        source, request=RunRequest("graph", {"topic": "x"}, breakpoints=["before:write"])
    )
    app.watching = ProjectFiles(tmp_path)
    async with app.run_test(size=(130, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen), timeout=60)
        write_graph(graph, "v2")
        await wait_for_text(pilot, "graph.py changed: reloads when the run ends", timeout=20)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.session.status == "success", timeout=30)
        values = [e.data for e in app.session.events if e.event == "values"]
        assert values[-1]["log"] == ["v1 wrote about x"]  # the code it started with
        await wait_for_toast(pilot, "Reloaded: graph.py changed")
        await quit_with(pilot)
