"""Record the example captures in this folder from a real `langgraph dev` server.

    python recordings/make.py [NAME ...]     (default: all of them)

Starts `langgraph dev` over tests/graphs (the suite's graphs, API-key auth included) on a
free loopback port and records, with `lgtui stream -o`:

  chat.msgpack            the joke graph: a fake chat model streaming tokens, custom events
  tools.msgpack           a tool-calling agent: tool call, tool result, streamed answer
  subgraph.msgpack        a subgraph, streamed with subgraphs on
  interrupt.msgpack       a run that stops at interrupt()
  resume.msgpack          the same thread resumed with {"resume": "Bob"}
  error.msgpack           a node that raises
  research.msgpack        the bundled research agent (`lgtui demo`): custom progress, a
                          subgraph with a tool call, a streamed answer with token usage;
                          every mode but events, subgraphs on -- the tour of every tab
  triage-question.msgpack the support desk answering a question
  triage-refund.msgpack   ...and opening a refund first: `lgtui diff` the two
  events.msgpack          the support desk in `events` mode (astream_events): chain and
                          chat model start/stream/end events, the Timeline's LLM times
and from `langgraph dev` over tests/projects/runtime, on the thread-centric stream (v2):

  agents.msgpack          a langgraph-supervisor team: the supervisor hands off to a
                          research expert (a web search) and a math expert (an addition);
                          every agent's lifecycle, content blocks, token usage
  deep.msgpack            a deepagents deep agent: a todo list, a task subagent, files
                          written and edited in its virtual filesystem

  assistants.json         the server's assistants as a user leaves them: the graphs' own,
                          a "terse researcher" made from the research graph and edited
                          into a second version, a "persona" with its own context; each
                          one's versions and schemas; and two crons (the pictures of the
                          Assistants and Crons screens)

and, with no server (the bundled examples run in-process on a SQLite checkpointer):

  threads.sqlite          a checkpoint database as an application would leave it: a
                          research run, a forked copy of it with an edited topic, an
                          approval waiting at its interrupt and one resumed --
                          `lgtui open lgtui/examples --checkpointer sqlite:recordings/threads.sqlite`
  world.msgpack           an in-process react agent (tests/graphs/world.py) whose model
                          and tool answer from WORLD=a: every model and tool call recorded
  world-rerun.msgpack     `lgtui rerun` of it on changed code (PROMPT="Be brief.") in
                          WORLD=b: the calls went live, the run diff shows what changed
  store.sqlite            a store as graphs leave it: three research topics the research
                          example remembered and three users' preferences --
                          `lgtui open lgtui/examples --store sqlite:recordings/store.sqlite`
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from graphs.auth import TEST_API_KEY  # noqa: E402
from helpers.devserver import quiet_env, start_dev_server  # noqa: E402

ALL = "updates,values,debug,messages-tuple,custom"
RUNS = [
    ("chat", "agent", {"topic": "ice cream"}, ALL, []),
    (
        "research",
        "research",
        {"topic": "LangGraph streaming"},
        ALL + ",tasks,checkpoints",
        ["--subgraphs"],
    ),
    ("triage-question", "triage", {"request": "When are you open?"}, ALL, []),
    ("triage-refund", "triage", {"request": "I want a refund for my order"}, ALL, []),
    ("events", "triage", {"request": "When are you open?"}, "events,updates,debug", []),
    ("tools", "tools", {"messages": [{"role": "user", "content": "weather in Paris?"}]}, ALL, []),
    ("subgraph", "sub", {"foo": "foo"}, "updates,values,debug", ["--subgraphs"]),
    ("error", "failing", {"topic": "boom"}, "updates,values,debug", []),
]
CHAT = {"messages": [{"role": "user", "content": "research langgraph, then add 2 and 3"}]}
RUNTIME_RUNS = [  # (name, graph, input) over tests/projects/runtime, thread-centric stream
    ("agents", "supervisor", CHAT),
    ("deep", "deep", {"messages": [{"role": "user", "content": "write a report on streaming"}]}),
]


def stream(url: str, out: Path, *args: str) -> list[dict]:
    cmd = [
        sys.executable,
        "-m",
        "lgtui",
        "stream",
        url,
        "--api-key",
        TEST_API_KEY,
        "-o",
        str(out),
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=quiet_env(), timeout=120)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr}")
    print(f"{out.name}: {len(proc.stdout.splitlines())} events")
    return [json.loads(line) for line in proc.stdout.splitlines()]


async def _threads_db(path: Path) -> None:
    from lgtui.cli import bundled_examples
    from lgtui.sources.base import RunHandle, RunRequest
    from lgtui.sources.embedded import EmbeddedSource

    source = EmbeddedSource(bundled_examples(), checkpointer=f"sqlite:{path}")

    async def run(request: RunRequest) -> str:
        handle = RunHandle()
        async for _ in source.stream_run(request, handle):
            pass
        return handle.thread_id

    modes = ["updates", "values"]
    topic = {"topic": "LangGraph streaming"}
    research = await run(RunRequest("research", topic, stream_mode=modes))
    # time travel on it: the plan step forked with another topic, run on from there
    history = await source.get_history(research)
    planned = next(h for h in history if h["next"] == ["research"])
    forked = await source.update_state(
        research, {"topic": "time travel"}, checkpoint_id=planned["checkpoint_id"]
    )
    await run(
        RunRequest(
            "research",
            None,
            thread_id=research,
            stream_mode=modes,
            checkpoint_id=forked["checkpoint"]["checkpoint_id"],
        )
    )
    waiting = await run(RunRequest("approval", {"request": "the launch"}, stream_mode=modes))
    resumed = await run(RunRequest("approval", {"request": "a refund"}, stream_mode=modes))
    await run(
        RunRequest(
            "approval",
            None,
            thread_id=resumed,
            command={"resume": "approved"},
            stream_mode=modes,
        )
    )
    await source.aclose()
    print(f"{path.name}: threads {research} (forked), {waiting} (interrupted), {resumed}")


async def _store_db(path: Path) -> None:
    from lgtui.cli import bundled_examples
    from lgtui.sources.base import RunHandle, RunRequest
    from lgtui.sources.embedded import EmbeddedSource

    source = EmbeddedSource(bundled_examples(), store=f"sqlite:{path}")
    for topic in ("LangGraph streaming", "time travel", "checkpointers"):
        handle = RunHandle()
        request = RunRequest("research", {"topic": topic}, stream_mode=["updates"])
        async for _ in source.stream_run(request, handle):
            pass
    for user, key, value in [
        ("ada", "tone", {"text": "short answers, no emoji"}),
        ("ada", "timezone", {"text": "Europe/London"}),
        ("grace", "tone", {"text": "detailed, with sources"}),
    ]:
        await source.put_item(["users", user, "preferences"], key, value)
    await source.aclose()
    print(f"{path.name}: 3 research topics, 3 user preferences")


async def _assistants(url: str, path: Path) -> None:
    from lgtui.sources.remote import RemoteSource

    source = RemoteSource(url, api_key=TEST_API_KEY)
    terse = await source.create_assistant(
        "research",
        name="terse researcher",
        description="Short answers, two searches at most",
        config={"recursion_limit": 12, "tags": ["terse"]},
        metadata={"team": "docs"},
    )
    await source.update_assistant(terse["assistant_id"], config={"recursion_limit": 8})
    await source.create_assistant(
        "persona", name="Bo, at length", context={"name": "Bo", "style": "long"}
    )
    import httpx

    headers = {"x-api-key": TEST_API_KEY}
    async with httpx.AsyncClient(base_url=url, headers=headers) as client:
        thread = (await client.post("/threads", json={})).json()["thread_id"]
        for path_, body in [
            ("/runs/crons", {"assistant_id": "research", "schedule": "0 9 * * 1-5",
                             "input": {"topic": "what changed in LangGraph this week"}}),
            (f"/threads/{thread}/runs/crons", {"assistant_id": "triage", "schedule": "*/30 * * * *",
                                               "input": {"request": "any refunds waiting?"}}),
        ]:  # fmt: skip
            (await client.post(path_, json=body)).raise_for_status()
    assistants = await source.list_assistants()
    out = {
        "crons": await source.search_crons(limit=50),
        "assistants": assistants,
        "versions": {
            a["assistant_id"]: await source.assistant_versions(a["assistant_id"])
            for a in assistants
        },
        "schemas": {  # (the pictures' graphs only: a graph of messages has 300 kB of them)
            a["assistant_id"]: await source.get_schemas(a["assistant_id"])
            for a in assistants
            if a["graph_id"] in ("research", "persona")
        },
    }
    await source.aclose()
    path.write_text(json.dumps(out, indent=1) + "\n")  # (the schemas' order is the form's)
    print(f"{path.name}: {len(assistants)} assistants")


def make_store_db() -> None:
    import asyncio

    path = HERE / "store.sqlite"
    path.unlink(missing_ok=True)
    asyncio.run(_store_db(path))


def make_threads_db() -> None:
    import asyncio

    path = HERE / "threads.sqlite"
    path.unlink(missing_ok=True)
    asyncio.run(_threads_db(path))


def make_world() -> None:
    """A run recorded in-process, and its re-run on changed code (relative paths: the
    captures name the graph as the repository has it)."""
    graph = "tests/graphs/world.py:make_graph"
    ask = json.dumps({"messages": [{"role": "user", "content": "how is Paris?"}]})
    first, again = HERE / "world.msgpack", HERE / "world-rerun.msgpack"
    for path in (first, again):
        path.unlink(missing_ok=True)
    lgtui = [sys.executable, "-m", "lgtui"]
    for cmd, env in (
        ([*lgtui, "stream", graph, "-i", ask, "-o", str(first.relative_to(ROOT))], {"WORLD": "a"}),
        (
            [*lgtui, "rerun", str(first.relative_to(ROOT)), "--text", "-o",
             str(again.relative_to(ROOT))],
            {"WORLD": "b", "PROMPT": "Be brief."},
        ),
    ):  # fmt: skip
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env={**quiet_env(), **env}, cwd=ROOT, timeout=120
        )
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr}")
    print("world.msgpack, world-rerun.msgpack: recorded")


def main() -> None:
    wanted = set(sys.argv[1:])
    if not wanted or "world" in wanted:
        make_world()
        wanted.discard("world")
        if not wanted and len(sys.argv) > 1:
            return
    if not wanted or "threads" in wanted:
        make_threads_db()
        wanted.discard("threads")
        if not wanted and len(sys.argv) > 1:
            return
    if not wanted or "store" in wanted:
        make_store_db()
        wanted.discard("store")
        if not wanted and len(sys.argv) > 1:
            return
    known = {run[0] for run in RUNS} | {"interrupt", "resume", "assistants"}
    runtime = {run[0] for run in RUNTIME_RUNS}
    if wanted - known - runtime:
        raise SystemExit(f"unknown recordings: {', '.join(sorted(wanted - known - runtime))}")
    if not wanted or wanted & runtime:
        with tempfile.TemporaryDirectory() as tmp:
            project = ROOT / "tests" / "projects" / "runtime" / "langgraph.json"
            with start_dev_server(project, Path(tmp) / "server.log") as server:
                for name, graph, inp in RUNTIME_RUNS:
                    if not wanted or name in wanted:
                        out = HERE / f"{name}.msgpack"
                        out.unlink(missing_ok=True)
                        stream(server.url, out, "-a", graph, "-i", json.dumps(inp),
                               "--protocol", "v2")  # fmt: skip
        wanted -= runtime
        if not wanted and len(sys.argv) > 1:
            return
    with tempfile.TemporaryDirectory() as tmp:
        with start_dev_server(
            ROOT / "tests" / "graphs" / "langgraph.json", Path(tmp) / "server.log"
        ) as server:
            if not wanted or "assistants" in wanted:
                import asyncio

                asyncio.run(_assistants(server.url, HERE / "assistants.json"))
            for name, graph, inp, modes, extra in RUNS:
                if wanted and name not in wanted:
                    continue
                stream(
                    server.url,
                    HERE / f"{name}.msgpack",
                    "-a",
                    graph,
                    "-i",
                    json.dumps(inp),
                    "-m",
                    modes,
                    *extra,
                )
            if wanted and not wanted & {"interrupt", "resume"}:
                return
            # an interrupt, then its resume on the same thread
            thread = "7b0a1c2e-0000-4000-8000-00000000c0de"
            import httpx

            httpx.post(
                f"{server.url}/threads",
                json={"thread_id": thread, "if_exists": "do_nothing"},
                headers={"x-api-key": TEST_API_KEY},
            ).raise_for_status()
            stream(
                server.url,
                HERE / "interrupt.msgpack",
                "-a",
                "hitl",
                "-t",
                thread,
                "-i",
                '{"q": "name?"}',
                "-m",
                ALL,
            )
            stream(
                server.url,
                HERE / "resume.msgpack",
                "-a",
                "hitl",
                "-t",
                thread,
                "--command",
                '{"resume": "Bob"}',
                "-m",
                ALL,
            )


if __name__ == "__main__":
    main()
