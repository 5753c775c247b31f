"""Threads, checkpoint history and time travel, on a real server and in-process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import pytest
from graphs.auth import TEST_API_KEY
from helpers.cli import run_cli
from helpers.devserver import quiet_env
from helpers.ui import screen_text, wait_for, wait_for_text

from lgtui.sources.base import RunHandle, RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.dialogs import EditJsonScreen
from lgtui.ui.screens.history import HistoryScreen
from lgtui.ui.screens.threads import ThreadsScreen

SIZE = (170, 45)


async def run_on_new_thread(source, graph: str, inp) -> str:
    handle = RunHandle()
    async for _ in source.stream_run(RunRequest(graph, inp, stream_mode=["values"]), handle):
        pass
    return handle.thread_id


def checkpoint_before(screen: HistoryScreen, nodes: list[str]) -> str:
    """The id of the checkpoint whose `next` is ``nodes``."""
    return next(c for c, item in screen.checkpoints.items() if item.get("next") == nodes)


def done(app):
    return lambda: app.session is not None and app.session.status != "running"


def shown(screen: HistoryScreen) -> bool:
    """A checkpoint is shown and the tree's cursor is on it (it moves there a frame later)."""
    tree = screen.query_one("#history-tree")
    node = tree.cursor_node
    current = screen.current()
    return current is not None and node is not None and node.data == current


async def history_shown(pilot, app) -> HistoryScreen:
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints,
        what="history",
    )
    await wait_for(pilot, lambda: shown(app.screen), what="the newest checkpoint shown")
    return app.screen


async def open_history(pilot, app, thread_id: str) -> HistoryScreen:
    app.push_screen(HistoryScreen(thread_id))
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints,
        what="history",
    )
    await wait_for(pilot, lambda: shown(app.screen), what="the newest checkpoint shown")
    return app.screen


@pytest.fixture(params=["server", "embedded"])
def source_factory(request, graphs_dir):
    """A fresh source of each kind; the embedded one keeps its threads in memory."""
    if request.param == "server":
        server = request.getfixturevalue("server")
        return lambda: RemoteSource(server.url, api_key=TEST_API_KEY)
    shared = EmbeddedSource(str(graphs_dir))
    return lambda: shared


async def test_resume_an_interrupt_from_the_history(source_factory):
    source = source_factory()
    thread_id = await run_on_new_thread(source, "hitl", {"q": "name?"})
    app = LgtuiApp(source_factory(), thread=thread_id, open_history=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_shown(pilot, app)
        await wait_for_text(pilot, "step 0 loop → ask ⏸ interrupt", "step -1 input")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, EditJsonScreen))
        await wait_for_text(pilot, 'question: "name?"', "command.resume")
        app.screen.query_one("#edit-value").text = '"Bob"'
        await pilot.press("ctrl+s")
        await wait_for(pilot, done(app))
        assert app.session.status == "success"
        assert app.session.values_at(()) == {"q": "name?", "answer": "Bob"}
        # nothing left to resume now
        screen = await open_history(pilot, app, thread_id)
        await wait_for(pilot, lambda: len(screen.checkpoints) >= 3)
        await pilot.press("i")
        await wait_for_text(pilot, "Nothing to resume")


async def test_fork_with_edited_state_then_run(source_factory):
    source = source_factory()
    thread_id = await run_on_new_thread(source, "agent", {"topic": "ice cream"})
    app = LgtuiApp(source_factory(), thread=thread_id, open_history=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_shown(pilot, app)
        # the checkpoint before generate_joke ran
        target = checkpoint_before(screen, ["generate_joke"])
        screen.select(target)
        await wait_for(pilot, lambda: screen.current() == target and shown(screen))
        before = len(screen.checkpoints)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditJsonScreen))
        editor = app.screen
        editor.query_one("#edit-value").text = '{"topic": oops}'
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "invalid JSON at line 1", "nothing was sent")
        editor.query_one("#edit-value").text = '{"nokey": 1}'
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "the graph's state has no key 'nokey'", "joke, topic")
        editor.query_one("#edit-value").text = '{"topic": "dogs"}'
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main and done(app)())
        assert app.session.status == "success"
        assert app.session.values_at(())["topic"] == "dogs"  # refine_topic did not run again
        assert "joke" in app.session.values_at(())
        history = await source.get_history(thread_id, limit=100)
        assert len(history) >= before + 2  # the fork's checkpoint and the run's


async def test_rerun_from_a_checkpoint_makes_a_branch(source_factory):
    source = source_factory()
    thread_id = await run_on_new_thread(source, "agent", {"topic": "x"})
    app = LgtuiApp(source_factory(), thread=thread_id, open_history=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_shown(pilot, app)
        target = checkpoint_before(screen, ["refine_topic"])
        screen.select(target)
        await wait_for(pilot, lambda: screen.current() == target and shown(screen))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen is app.main and done(app)())
        assert app.session.status == "success"
        assert app.session.values_at(())["topic"] == "x and cats"
        screen = await open_history(pilot, app, thread_id)
        await wait_for_text(pilot, "⑂ branch 1", "⑂ branch 2")
        # a diff against the parent is on the Diff pane
        await pilot.press("m")
        await wait_for_text(pilot, "marked")


async def test_unknown_thread_shows_the_servers_detail(server):
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY),
        thread="00000000-0000-0000-0000-000000000000",
        open_history=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await wait_for_text(pilot, "✖ HTTP 404")
        assert app.is_running


async def test_connect_with_thread_opens_its_history(server):
    source = RemoteSource(server.url, api_key=TEST_API_KEY)
    thread_id = await run_on_new_thread(source, "hitl", {"q": "?"})
    await source.aclose()
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY), thread=thread_id, open_history=True
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await wait_for_text(pilot, f"History of thread {thread_id}", "graph hitl", "⏸ interrupt")


async def test_thread_browser_lists_filters_and_deletes(server):
    source = RemoteSource(server.url, api_key=TEST_API_KEY)
    interrupted = await run_on_new_thread(source, "hitl", {"q": "?"})
    finished = await run_on_new_thread(source, "agent", {"topic": "z"})
    await source.aclose()
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY), thread=interrupted, open_history=True
    )
    async with app.run_test(size=SIZE) as pilot:
        await history_shown(pilot, app)
        app.pop_screen()
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadsScreen))
        await wait_for_text(pilot, interrupted, finished)
        await pilot.press("f", "f", "f")  # all -> idle -> busy -> interrupted
        screen = await wait_for_text(pilot, "status: interrupted", interrupted)
        assert finished not in screen
        await pilot.press("f", "f")  # error -> all
        await wait_for_text(pilot, "status: all", finished)
        # delete the first row, confirming
        threads = app.screen.rows
        first = str(threads[0]["thread_id"])
        await pilot.press("delete")
        await wait_for_text(pilot, f"Delete thread {first}")
        await pilot.press("y")
        await wait_for(pilot, lambda: first not in screen_text(app), what="row gone")
    check = RemoteSource(server.url, api_key=TEST_API_KEY)
    with pytest.raises(Exception, match="HTTP 404"):
        await check.get_state(first)
    await check.aclose()


def test_a_run_already_running_on_the_thread_is_a_conflict(server):
    source = RemoteSource(server.url, api_key=TEST_API_KEY)
    thread_id = asyncio.run(run_on_new_thread(source, "hitl", {"q": "?"}))
    args = [
        sys.executable,
        "-m",
        "lgtui",
        "stream",
        server.url,
        "--api-key",
        TEST_API_KEY,
        "-t",
        thread_id,
        "-a",
        "firehose",
        "-m",
        "custom",
        "-i",
        '{"count": 400000, "size": 50}',
    ]
    first = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=quiet_env())
    try:
        deadline = time.monotonic() + 20
        assert first.stdout is not None
        first.stdout.readline()  # the first run is streaming
        while time.monotonic() < deadline:
            proc = run_cli(
                "stream",
                server.url,
                "--api-key",
                TEST_API_KEY,
                "-t",
                thread_id,
                "-a",
                "agent",
                "-i",
                "{}",
            )
            if proc.returncode == 3:
                break
            time.sleep(0.2)
        assert proc.returncode == 3
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "HTTP 409" in lines[0] and "Traceback" not in proc.stderr
    finally:
        first.kill()
        first.wait(10)

        # stop the long run on the server too: it would hold the server's only worker
        async def cancel() -> None:
            src = RemoteSource(server.url, api_key=TEST_API_KEY)
            try:
                for run in await src._request("GET", f"/threads/{thread_id}/runs"):
                    if run.get("status") in ("pending", "running"):
                        await src.cancel_run(thread_id, run["run_id"])
            finally:
                await src.aclose()

        asyncio.run(cancel())


async def test_embedded_graph_view_and_state_keys(graphs_dir, server):
    embedded = EmbeddedSource(str(graphs_dir))
    remote = RemoteSource(server.url, api_key=TEST_API_KEY)
    try:
        ours, theirs = await embedded.get_graph("sub"), await remote.get_graph("sub")
        assert sorted(n["id"] for n in ours["nodes"]) == sorted(n["id"] for n in theirs["nodes"])
        edges = lambda g: sorted((e["source"], e["target"]) for e in g["edges"])  # noqa: E731
        assert edges(ours) == edges(theirs)
        assert (
            await embedded.state_keys("agent")
            == await remote.state_keys("agent")
            == ["joke", "topic"]
        )
    finally:
        await remote.aclose()
    json.dumps(ours)  # plain JSON


async def test_graph_view_of_a_live_run(server):
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY),
        request=RunRequest("tools", {"messages": [{"role": "user", "content": "hi"}]}),
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        await pilot.press("v")
        screen = await wait_for_text(pilot, "Graph of tools", "┃ model ✓ ┃", "│ tools ✓ │", "▲")
        assert screen.index("│ start │") < screen.index("┃ model ✓ ┃") < screen.index("│ end │")
        await pilot.press("l")  # the listing names every edge
        screen = await wait_for_text(pilot, "[ model ]  ✓ last", "[ tools ]  ✓", "⇢ tools")
        assert (
            screen.index("[ __start__ ]") < screen.index("[ model ]") < screen.index("[ __end__ ]")
        )


USER_APP = """
import sys
sys.path.insert(0, {graphs!r})
from langgraph.checkpoint.{module} import {saver}
from hitl import graph
with {saver}.from_conn_string({conn!r}) as saver:
    saver.setup()
    app = graph.copy(update={{"checkpointer": saver}})
    {action}
"""
WRITE = (
    'app.invoke({"q": "name?"}, {"configurable": {"thread_id": "user-thread-1"}}); '
    'app.invoke({"q": "again?"}, {"configurable": {"thread_id": "user-thread-2"}})'
)
READ = 'print(app.get_state({"configurable": {"thread_id": "user-thread-1"}}).values)'


@pytest.fixture(params=["sqlite", "postgres"])
def user_database(request, graphs_dir, tmp_path):
    """A checkpoint database written by the user's own application, and a way to ask that
    application what it sees; yields (--checkpointer value, ask)."""
    if request.param == "sqlite":
        conn = str(tmp_path / "app.db")
        spec, module, saver = f"sqlite:{conn}", "sqlite", "SqliteSaver"
    else:
        import psycopg

        base = request.getfixturevalue("postgres")
        name = f"app_{tmp_path.name.lower().replace('-', '_')[-40:]}"
        with psycopg.connect(base, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        conn = spec = base.rsplit("/", 1)[0] + f"/{name}"
        module, saver = "postgres", "PostgresSaver"

    def run_app(action: str) -> str:
        code = USER_APP.format(
            graphs=str(graphs_dir), module=module, saver=saver, conn=conn, action=action
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=quiet_env(),
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    run_app(WRITE)
    return spec, run_app


def test_resume_a_thread_of_the_users_own_database(graphs_dir, user_database):
    spec, run_app = user_database
    proc = run_cli(
        "stream",
        str(graphs_dir / "hitl.py"),
        "--checkpointer",
        spec,
        "-t",
        "user-thread-1",
        "--command",
        '{"resume": "Ada"}',
        "-m",
        "values",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["data"] == {"q": "name?", "answer": "Ada"}
    assert run_app(READ) == "{'q': 'name?', 'answer': 'Ada'}"  # the application sees it too


async def test_browse_the_users_threads_and_history(graphs_dir, user_database):
    spec, _ = user_database
    app = LgtuiApp(
        EmbeddedSource(str(graphs_dir / "hitl.py"), checkpointer=spec),
        thread="user-thread-2",
        open_history=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        await history_shown(pilot, app)
        await wait_for_text(pilot, "History of thread user-thread-2", "⏸ interrupt")
        assert any(item["values"] == {"q": "again?"} for item in app.screen.checkpoints.values())
        app.pop_screen()
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadsScreen))
        await wait_for_text(pilot, "user-thread-1", "user-thread-2")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"not a database at all" * 100), "not a SQLite database"),
        (
            lambda p: (
                __import__("sqlite3")
                .connect(p)
                .execute("create table other (x)")
                .connection.commit()
            ),
            "not a LangGraph checkpoint database",
        ),
    ],
    ids=["random-bytes", "other-sqlite"],
)
def test_a_file_that_is_not_a_checkpoint_database(graphs_dir, tmp_path, make, message):
    db = tmp_path / "x.db"
    make(db)
    proc = run_cli("stream", str(graphs_dir / "hitl.py"), "--checkpointer", f"sqlite:{db}")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr


def test_postgres_that_cannot_be_reached_or_has_no_checkpoints(graphs_dir, postgres):
    import psycopg
    from helpers.devserver import free_port

    down = f"postgresql://postgres:s3cret@127.0.0.1:{free_port()}/postgres"
    proc = run_cli("stream", str(graphs_dir / "hitl.py"), "--checkpointer", down)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot connect to" in lines[0] and "s3cret" not in proc.stderr
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute("CREATE DATABASE empty_app")
    empty = postgres.rsplit("/", 1)[0] + "/empty_app"
    proc = run_cli("stream", str(graphs_dir / "hitl.py"), "--checkpointer", empty)
    assert proc.returncode == 2
    assert "not a LangGraph checkpoint database" in proc.stderr and "Traceback" not in proc.stderr


async def test_watch_a_thread_while_another_client_runs_on_it(server):
    source = RemoteSource(server.url, api_key=TEST_API_KEY)
    thread_id = await run_on_new_thread(source, "hitl", {"q": "name?"})
    await source.aclose()
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY), thread=thread_id, open_history=True
    )
    async with app.run_test(size=SIZE) as pilot:
        await history_shown(pilot, app)
        await pilot.press("w")
        await wait_for(pilot, lambda: app.session is not None and app.session.request.get("watch"))
        await wait_for_text(pilot, " watching ")
        # the watch stream is open (the server answered its headers) before the other client
        await wait_for(
            pilot,
            lambda: app.session.link is not None and app.session.link.last_data is not None,
            what="the watch stream open",
        )
        other = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "lgtui",
            "stream",
            server.url,
            "--api-key",
            TEST_API_KEY,
            "-t",
            thread_id,
            "-a",
            "hitl",
            "--command",
            '{"resume": "Watched"}',
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=quiet_env(),
        )
        assert await asyncio.wait_for(other.wait(), 60) == 0
        await wait_for_text(pilot, 'answer: "Watched"', timeout=30)
        await pilot.press("x")  # stop watching
        await wait_for(pilot, done(app))


async def test_thread_browser_filters_by_metadata(server):
    import httpx

    headers = {"x-api-key": TEST_API_KEY}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
        tagged = (
            await client.post("/threads", json={"metadata": {"team": "search", "tier": 2}})
        ).json()["thread_id"]
        other = (await client.post("/threads", json={"metadata": {"team": "ads"}})).json()[
            "thread_id"
        ]
    app = LgtuiApp(RemoteSource(server.url, api_key=TEST_API_KEY), thread=tagged, open_history=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        app.pop_screen()
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadsScreen))
        await wait_for_text(pilot, tagged, other)
        await pilot.press("slash")
        await pilot.press(*"team=search tier=2", "enter")
        screen = await wait_for_text(pilot, 'metadata: {team: "search", tier: 2}', tagged)
        assert other not in screen


async def test_subgraph_state_of_a_pending_subgraph(source_factory):
    source = source_factory()
    thread_id = await run_on_new_thread(source, "nested", {})
    app = LgtuiApp(source_factory(), thread=thread_id, open_history=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_shown(pilot, app)
        newest = screen.order[0]
        screen.select(newest)
        await wait_for(pilot, lambda: screen.current() == newest and shown(screen))
        await pilot.press("s")
        await wait_for_text(pilot, "subgraph state by task", "editor")
        tree = app.screen.query_one("#checkpoint-tasks")
        node = tree.root.children[0]
        assert "editor" in str(node.children[0].label) if node.children else True
        state = await source.get_state(thread_id, newest, subgraphs=True)
        inner = next(t["state"] for t in state["tasks"] if t.get("state"))
        assert inner["values"] == {"draft": "inner draft v1"}


def test_stream_from_a_checkpoint_and_an_unknown_one(server):
    async def prepare() -> tuple[str, list]:
        source = RemoteSource(server.url, api_key=TEST_API_KEY)
        try:
            thread_id = await run_on_new_thread(source, "agent", {"topic": "x"})
            return thread_id, await source.get_history(thread_id)
        finally:
            await source.aclose()

    thread_id, history = asyncio.run(prepare())
    where = [server.url, "--api-key", TEST_API_KEY]
    step0 = next(h for h in history if h["next"] == ["refine_topic"])["checkpoint_id"]
    proc = run_cli(
        "stream", *where, "-a", "agent", "-t", thread_id, "--checkpoint", step0, "-m", "updates"
    )
    assert proc.returncode == 0, proc.stderr
    updates = [json.loads(line)["data"] for line in proc.stdout.splitlines()[1:]]
    assert updates[0] == {"refine_topic": {"topic": "x and cats"}}  # ran again from step 0
    proc = run_cli(
        "stream",
        *where,
        "-a",
        "agent",
        "-t",
        thread_id,
        "--checkpoint",
        "1f000000-0000-6000-8000-000000000000",
    )
    assert proc.returncode == 2
    assert "is not in thread" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


async def test_connect_with_a_checkpoint_opens_the_history_on_it(server):
    source = RemoteSource(server.url, api_key=TEST_API_KEY)
    thread_id = await run_on_new_thread(source, "agent", {"topic": "x"})
    history = await source.get_history(thread_id)
    await source.aclose()
    target = next(h for h in history if h["next"] == ["generate_joke"])["checkpoint_id"]
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY),
        thread=thread_id,
        open_history=True,
        checkpoint=target,
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_shown(pilot, app)
        await wait_for(pilot, lambda: screen.current() == target)
        await wait_for_text(pilot, f"checkpoint {target}")


async def test_rerun_fork_and_resume_stream_as_the_last_run_did(graphs_dir):
    """Time travel from the history keeps how the user streams: modes, subgraphs, config."""
    request = RunRequest(
        "sub",
        {"foo": "foo"},
        stream_mode=["updates", "debug"],
        subgraphs=True,
        config={"tags": ["mine"]},
    )
    app = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=request)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        first = app.session
        await pilot.press("h")
        screen = await history_shown(pilot, app)
        oldest = screen.order[-1]
        screen.select(oldest)
        await wait_for(pilot, lambda: screen.current() == oldest and shown(screen))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session is not first and done(app)())
        again = app.last_request
        assert again.checkpoint_id and again.subgraphs is True
        assert again.stream_mode == ["updates", "debug"] and again.config == {"tags": ["mine"]}
        assert any(e.ns for e in app.session.events)  # subgraph events streamed again
