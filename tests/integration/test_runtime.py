"""`lgtui open` is `langgraph dev`'s runtime: tests/projects/runtime (a project for each class
of real graph: runtime context, the store with an index, dependencies and env, factories,
input/output schemas, in-place mutation, supervisor and swarm handoffs, a prebuilt ReAct
agent) run embedded and under a real `langgraph dev`, compared event by event."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import paths
from helpers.normalize import norm_events

from lgtui.sources.base import RunHandle, RunRequest
from lgtui.sources.remote import RemoteSource

PROJECT = paths.PROJECTS / "runtime"
ALL_BUT_EVENTS = ["values", "updates", "debug", "messages-tuple", "custom", "tasks", "checkpoints"]
MODE_SETS = {
    "all": (ALL_BUT_EVENTS, True),
    "messages": (["messages", "updates"], True),
    "events": (["events"], True),
}
# Where the server itself streams one of two things from run to run: the mutation graph's
# events carry the list `expand` changes in place, serialized before or after that change
# (the graph runs on while the stream's reader serializes; on a loaded machine the server
# streams either, as does the embedded run). Both sides must stream one of the two.
RACY_ON_THE_SERVER = {("mutation", "events")}
EITHER_NOTES = (["first note"], ["first note", "added in place"])


def either_notes(value: Any) -> Any:
    """The mutation graph's racy list, read as "one of the two it can be"."""
    if isinstance(value, dict):
        return {
            k: "<one or two notes>" if k == "notes" and v in EITHER_NOTES else either_notes(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [either_notes(v) for v in value]
    return value


CHAT = {"messages": [{"role": "user", "content": "research langgraph, then add 2 and 3"}]}
GRAPHS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("context", {"question": "why?"}, {"context": {"user_name": "Ada"}}),
    ("context", {"question": "why?"}, {"config": {"configurable": {"user_name": "Bo"}}}),
    ("context", {"question": "why?"}, {}),
    ("memory", {"user": "u1", "fact": "cats like cat food"}, {}),
    ("deps", {"name": "ada lovelace"}, {}),
    ("factory", {"text": "Hi"}, {"config": {"configurable": {"style": "loud"}}}),
    ("factory_async", {"text": "Hi"}, {}),
    ("factory_cm", {"text": "Hi"}, {"config": {"configurable": {"style": "loud"}}}),
    ("factory_runtime", {"text": "Hi"}, {}),
    ("io", {"question": "life"}, {}),
    ("io", {"question": "stateless"}, {"thread_id": None}),
    ("mutation", {}, {}),
    ("supervisor", CHAT, {}),
    ("swarm", CHAT, {}),
    ("react", {"messages": [{"role": "user", "content": "weather in Paris?"}]}, {}),
    ("fanout", {"topic": "streaming"}, {}),
]


async def stream(source, request: RunRequest) -> tuple[list[tuple[str, Any]], RunHandle]:
    handle = RunHandle()
    events = [(e.event, e.data) async for e in source.stream_run(request, handle)]
    return events, handle


def same(remote: list, local: list) -> bool:
    """Equal after normalizing; a Send fan-out may order its tasks differently."""
    a, b = norm_events(remote), norm_events(local)
    if a == b:
        return True
    dump = lambda events: Counter(json.dumps(e, sort_keys=True) for e in events)  # noqa: E731
    return dump(a) == dump(b)


def first_difference(remote: list, local: list) -> str:
    a, b = norm_events(remote), norm_events(local)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"event {i}: server {json.dumps(x)[:900]}\n  embedded {json.dumps(y)[:900]}"
    return f"{len(a)} events from the server, {len(b)} embedded"


@pytest.mark.parametrize("modes", list(MODE_SETS))
@pytest.mark.parametrize(
    ("graph", "inp", "extra"),
    GRAPHS,
    ids=[f"{g}-{'+'.join(e) or 'plain'}" for g, _, e in GRAPHS],
)
async def test_embedded_runs_the_project_as_langgraph_dev(
    runtime_server, embedded, graph, inp, extra, modes
):
    stream_mode, subgraphs = MODE_SETS[modes]
    remote = RemoteSource(runtime_server.url)
    try:

        def request() -> RunRequest:
            return RunRequest(graph, inp, stream_mode=stream_mode, subgraphs=subgraphs, **extra)

        local_events, local_handle = await stream(embedded, request())
        remote_events, remote_handle = await stream(remote, request())
    finally:
        await remote.aclose()
    if (graph, modes) in RACY_ON_THE_SERVER:
        remote_events, local_events = either_notes(remote_events), either_notes(local_events)
        assert "<one or two notes>" in json.dumps(local_events)  # (the rule applied)
    assert remote_events[0][0] == "metadata"
    assert not any(name == "error" for name, _ in remote_events), remote_events[-1]
    assert same(remote_events, local_events), first_difference(remote_events, local_events)
    assert local_handle.final_status == (remote_handle.final_status or "success")


async def test_what_the_graphs_computed(embedded):
    """The runs above compare equal because both sides computed this (not two Nones)."""

    async def last_values(graph: str, inp: dict, **extra: Any) -> Any:
        events, _ = await stream(embedded, RunRequest(graph, inp, stream_mode=["values"], **extra))
        return events[-1][1]

    assert (await last_values("context", {"question": "q"}, context={"user_name": "Ada"}))[
        "answer"
    ] == "fake-small answers Ada: q"
    assert (
        await last_values(
            "context",
            {"question": "q"},
            config={"configurable": {"model": "m2", "user_name": "Bo"}},
        )
    )["answer"] == "m2 answers Bo: q"
    assert (await last_values("context", {"question": "q"}))[
        "answer"
    ] == "fake-small answers anon: q"
    memory = await last_values("memory", {"user": "u2", "fact": "cats like cat food"})
    assert memory["recalled"][0] == "cats like cat food" and memory["count"] == 2
    deps = await last_values("deps", {"name": "ada lovelace"})
    assert deps["out"] == "ADA LOVELACE! hello from .env / hello from .env"
    assert deps["module"] == "__graphs__deps"  # as the server names ./graphs/deps.py
    out = await last_values("factory", {"text": "Hi"}, config={"configurable": {"style": "loud"}})
    assert out["out"] == "sync:HI"
    assert (await last_values("factory_cm", {"text": "Hi"}))["out"] == "cm:hi"
    rt = await last_values("factory_runtime", {"text": "Hi"})
    assert rt["out"] == "rt-_ExecutionRuntime-threads.create_run:hi"
    assert await last_values("io", {"question": "life"}) == {"answer": "the answer to life"}


async def test_a_thread_of_several_runs(runtime_server, embedded):
    """Run 2 on a thread gets the thread's metadata (graph_id) as the server gives it; the
    store keeps what run 1 put; the thread's state reads back the same."""
    remote = RemoteSource(runtime_server.url)
    try:
        results = []
        for source in (remote, embedded):
            runs = []
            thread_id = "new"
            for inp in ({"user": "t1", "fact": "first"}, {"user": "t1", "fact": "second"}):
                request = RunRequest("memory", inp, stream_mode=ALL_BUT_EVENTS, thread_id=thread_id)
                events, handle = await stream(source, request)
                thread_id = handle.thread_id
                runs.append(events)
            state = await source.get_state(thread_id)
            history = await source.get_history(thread_id)
            results.append((runs, state, history))
    finally:
        await remote.aclose()
    (r_runs, r_state, r_hist), (l_runs, l_state, l_hist) = results
    for r, loc in zip(r_runs, l_runs, strict=True):
        assert same(r, loc), first_difference(r, loc)
    assert norm_events([("state", r_state)]) == norm_events([("state", l_state)])
    assert norm_events([("h", r_hist)]) == norm_events([("h", l_hist)])


async def test_an_interrupt_in_a_subgraph_resumed(runtime_server, embedded):
    """Interrupted in a subgraph, then resumed with a command: both runs, the pending
    state (with the subgraph's) and the history match the server's, checkpoint_map and all."""
    remote = RemoteSource(runtime_server.url)
    try:
        results = []
        for source in (remote, embedded):
            first, handle = await stream(
                source, RunRequest("approval", {}, stream_mode=ALL_BUT_EVENTS, subgraphs=True)
            )
            thread_id = handle.thread_id
            pending = await source.get_state(thread_id, subgraphs=True)
            second, handle2 = await stream(
                source,
                RunRequest(
                    "approval",
                    None,
                    command={"resume": "yes"},
                    stream_mode=ALL_BUT_EVENTS,
                    subgraphs=True,
                    thread_id=thread_id,
                ),
            )
            history = await source.get_history(thread_id)
            results.append(
                (first, pending, second, history, handle.final_status, handle2.final_status)
            )
    finally:
        await remote.aclose()
    server, local = results
    assert server[1]["next"] == ["review"] and server[1]["tasks"][0]["state"]["next"] == ["ask"]
    assert any("checkpoint_map" in json.dumps(e) for e in server[2])
    for r, loc in zip(server[:4], local[:4], strict=True):
        assert same([("x", r)], [("x", loc)]), first_difference([("x", r)], [("x", loc)])
    assert local[4] == "interrupted" and local[5] == "success"


async def test_context_and_config_from_the_new_run_dialog(embedded):
    from helpers.ui import wait_for, wait_for_text

    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.new_run import NewRunScreen

    app = LgtuiApp(embedded)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, NewRunScreen)
                and app.screen.query("#context")
                and app.screen.query("SelectCurrent #label")
            ),
            what="the New run dialog",
        )
        screen = app.screen
        screen.query_one("#assistant").value = "context"
        screen.query_one("#input").text = '{"question": "why?"}'
        screen.query_one("#context").value = '["not", "an object"]'
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Context: must be a JSON object, not list — nothing was sent")
        assert app.session is None
        screen.query_one("#context").value = '{"user_name": "Ada"}'
        screen.query_one("#config").value = '{"recursion_limit": 7, "tags": ["dialog"]}'
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await wait_for_text(pilot, "fake-small answers Ada: why?")
        assert app.last_request.context == {"user_name": "Ada"}
        assert app.last_request.config == {"recursion_limit": 7, "tags": ["dialog"]}
        assert app.form.context_text == '{"user_name": "Ada"}'


async def test_handoffs_close_their_tasks_in_the_timeline_and_the_graph_view(embedded):
    """A handoff ends its task with Command(graph=Command.PARENT): no result of its own, so
    the task ends with the agent task it ran in, and nothing shows as running after the run."""
    from lgtui.events import StreamEvent
    from lgtui.session import Session
    from lgtui.timeline import Timeline
    from lgtui.ui.screens.graph import node_activity

    events, _ = await stream(
        embedded, RunRequest("supervisor", CHAT, stream_mode=["tasks"], subgraphs=True)
    )
    session = Session()
    for i, (name, data) in enumerate(events):
        session.append(StreamEvent.from_data(i, i * 0.01, name, data))
    timeline = Timeline(session)
    timeline.sync()
    handoffs = [t for t in timeline.tasks if t.handed_off]
    assert [(t.name, t.ns[0].split(":")[0]) for t in handoffs] == [
        ("tools", "supervisor"),
        ("tools", "supervisor"),
    ]
    assert all(t.end_seq is not None for t in timeline.tasks)
    assert not any(s.running for s in timeline.node_stats())
    running, finished, _ = node_activity(session, None)
    assert running == set()
    assert {"supervisor:tools", "research_expert:tools", "math_expert:tools"} <= finished


async def test_an_interrupt_in_a_subgraph_is_shown_once(embedded):
    from lgtui.events import StreamEvent
    from lgtui.session import Session

    events, _ = await stream(
        embedded,
        RunRequest("approval", {}, stream_mode=["updates", "values"], subgraphs=True),
    )
    carriers = [n for n, d in events if isinstance(d, dict) and d.get("__interrupt__")]
    assert len(carriers) >= 2  # raised in the subgraph, passed up to the root
    session = Session()
    for i, (name, data) in enumerate(events):
        session.append(StreamEvent.from_data(i, i * 0.01, name, data))
    assert len(session.interrupts) == 1
    assert session.interrupts[0].ns and session.interrupts[0].ns[0].startswith("review:")
    assert session.interrupts[0].value == {"question": "publish 'a post about streaming'?"}


def _store_spec(kind: str, tmp_path: Path, request: Any) -> tuple[str, str]:
    from helpers.pgserver import new_database

    if kind == "sqlite":
        url = str(tmp_path / "store.db")
        return f"sqlite:{url}", url
    name = f"store_{tmp_path.name[-20:].lower().replace('-', '_')}"
    url = new_database(request.getfixturevalue("postgres"), name)
    return url, url


def _memory_run(project: Path, spec: str, fact: str) -> Any:
    from helpers.cli import run_cli

    return run_cli(
        "stream",
        str(project),
        "-a",
        "memory",
        "--store",
        spec,
        "-m",
        "values",
        "-i",
        json.dumps({"user": "u9", "fact": fact}),
    )


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_users_own_store(kind, tmp_path, request):
    """--store: the graphs' runtime.store is the user's database; what one run put, the
    next (another process) finds, and so does the user's own application."""
    import shutil
    import subprocess
    import sys

    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    config = json.loads((project / "langgraph.json").read_text())
    del config["store"]  # a vector index needs sqlite-vec / pgvector: see the next test
    (project / "langgraph.json").write_text(json.dumps(config))
    spec, url = _store_spec(kind, tmp_path, request)
    for fact in ("cats like cat food", "dogs like bones"):
        proc = _memory_run(project, spec, fact)
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout.splitlines()[-1])["data"]
        assert data["count"] == 2  # fact-1 replaced by the second run, fact-2 the same
    assert "dogs like bones" in data["recalled"]
    store = "SqliteStore" if kind == "sqlite" else "PostgresStore"
    code = (
        f"from langgraph.store.{kind} import {store} as S\n"
        f"with S.from_conn_string({url!r}) as s:\n"
        "    print(sorted((i.key, i.value['text']) for i in s.search(('memories', 'u9'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == str(
        [("fact-1", "dogs like bones"), ("fact-2", "tax forms are due in april")]
    ), out.stderr


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_store_index_the_database_cannot_hold_is_one_line(kind, tmp_path, request):
    """This machine's Python has no SQLite extensions and its PostgreSQL no pgvector (not in
    Debian's archive): a vector index on them is refused in one line, before any run."""
    from helpers.cli import assert_one_clean_line

    spec, _ = _store_spec(kind, tmp_path, request)
    proc = _memory_run(PROJECT, spec, "x")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "--store", "vector index", "langgraph.json store.index")
