"""Fixtures: a real `langgraph dev` server over tests/graphs, on a free loopback port."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.devserver import Server, start_dev_server
from helpers.paths import GRAPHS, PROJECTS


def pytest_configure(config: pytest.Config) -> None:
    """The suite never reads or writes the developer's own settings (theme, keys)."""
    folder = Path(tempfile.mkdtemp(prefix="lgtui-test-config-"))
    os.environ["LGTUI_CONFIG"] = str(folder / "config.toml")
    # recordings made without -o go under the user's data folder: a folder of this
    # process's own (each xdist worker has one), never the developer's captures
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    # The run stream (v1) unless a test asks for another: most tests are about it, and
    # `langgraph dev` also serves the thread-centric stream, which `auto` would pick.
    # The tests of the thread-centric stream and of `auto` say --protocol themselves.
    os.environ["LGTUI_PROTOCOL"] = "v1"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`langgraph dev --no-browser --no-reload` serving tests/graphs/langgraph.json."""
    log = tmp_path_factory.mktemp("langgraph-dev") / "server.log"
    with start_dev_server(GRAPHS / "langgraph.json", log) as server:
        yield server


@pytest.fixture(scope="session")
def runtime_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`langgraph dev` serving tests/projects/runtime (a store with an index, context,
    factories...), for the session."""
    log = tmp_path_factory.mktemp("runtime-dev") / "server.log"
    with start_dev_server(PROJECTS / "runtime" / "langgraph.json", log) as server:
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server (initdb + pg_ctl in a temp folder), for the session."""
    from helpers.pgserver import postgres_cluster

    with postgres_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def graphs_dir() -> Path:
    return GRAPHS


@pytest.fixture(autouse=True)
def _settings_of_its_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test starts from no settings, no input history and no recordings of earlier
    tests (they live beside the config file and under the data folder): what one test
    typed into a New run form is not what the next one's `r` runs with, whatever the
    order (pytest-randomly) or the worker."""
    home = tmp_path_factory.mktemp("lgtui-home")
    monkeypatch.setenv("LGTUI_CONFIG", str(home / "config" / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture(autouse=True)
def _tasks_dumped_before_a_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that hangs shows what it was awaiting: a few seconds before pytest-timeout
    fires (it prints only the threads' stacks), every pending asyncio task's stack goes to
    stderr. A diagnostic only: it asserts nothing and changes nothing."""
    import threading

    marker = request.node.get_closest_marker("timeout")
    limit = (
        float(marker.args[0])
        if marker and marker.args
        else float(request.config.getini("timeout") or 0)
    )
    if limit <= 10:
        yield
        return
    timer = threading.Timer(limit - 5, _dump_tasks, args=(request.node.nodeid,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _dump_tasks(nodeid: str) -> None:
    import asyncio
    import gc
    import io
    import sys

    out = io.StringIO()
    out.write(f"\n+++ asyncio tasks of {nodeid}, about to time out +++\n")
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    for loop in loops:
        if not loop.is_running():
            continue
        try:
            tasks = list(asyncio.all_tasks(loop))
        except RuntimeError:
            continue
        idle = 0
        for task in tasks:
            chain = _awaited_frames(task.get_coro())
            if len(chain) == 1 and chain[0].endswith("in _process_messages"):
                idle += 1  # a widget's message pump waiting for a message: the usual
                continue
            out.write(f"--- {task.get_name()}\n")
            out.writelines(f"    {line}\n" for line in chain)
        out.write(f"(and {idle} message pumps waiting for messages)\n")
    sys.__stderr__.write(out.getvalue())
    sys.__stderr__.flush()


def _awaited_frames(coro: object, limit: int = 40) -> list[str]:
    """Where a suspended coroutine is, down the chain of what each frame awaits (a task's
    own stack shows only its outermost frame)."""
    lines: list[str] = []
    while coro is not None and len(lines) < limit:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            lines.append(f"awaiting {coro!r}"[:200])
            break
        code = frame.f_code
        lines.append(f"{code.co_filename}:{frame.f_lineno} in {code.co_name}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return lines
