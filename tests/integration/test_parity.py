"""The embedded source must stream what the server streams for the same graph and request,
and `lgtui stream` must stream what the official SDK's `client.runs.stream` does."""

from __future__ import annotations

import json

import pytest
from graphs.auth import TEST_API_KEY
from helpers import paths
from helpers.cli import run_cli
from helpers.normalize import norm_events

FAILING_LINE = next(
    i
    for i, line in enumerate((paths.GRAPHS / "failing.py").read_text().splitlines(), 1)
    if "raise ValueError" in line
)
ALL_BUT_EVENTS = ["values", "updates", "debug", "messages-tuple", "custom", "tasks", "checkpoints"]

CASES = [
    (
        "agent",
        {"topic": "ice cream"},
        ["updates", "values", "debug", "messages-tuple", "custom"],
        False,
    ),
    ("agent", {"topic": "ice cream"}, ["messages", "tasks", "checkpoints"], False),
    ("agent", {"topic": "ice cream"}, ["events", "updates"], False),
    (
        "tools",
        {"messages": [{"role": "user", "content": "weather in Paris?"}]},
        ["messages-tuple", "updates"],
        False,
    ),
    (
        "tools",
        {"messages": [{"role": "user", "content": "weather in Paris?"}]},
        ["messages", "values"],
        False,
    ),
    ("sub", {"foo": "foo"}, ["updates", "values", "debug"], True),
    ("sub", {"foo": "foo"}, ALL_BUT_EVENTS, True),
    ("hitl", {"q": "name?"}, ["updates", "values"], False),
    ("failing", {"topic": "boom"}, ["updates", "values"], False),
    ("hostile", {}, ["updates", "values", "custom"], False),
]


def stream_events(
    target: str, graph: str, inp, modes, subgraphs
) -> tuple[int, list[tuple[str, object]], str]:
    args = ["stream", target, "-a", graph, "-i", json.dumps(inp), "--api-key", TEST_API_KEY]
    for m in modes:
        args += ["-m", m]
    if subgraphs:
        args.append("--subgraphs")
    proc = run_cli(*args)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    return proc.returncode, [(e["event"], e["data"]) for e in lines], proc.stderr


@pytest.mark.parametrize(("graph", "inp", "modes", "subgraphs"), CASES, ids=lambda v: str(v)[:40])
def test_embedded_streams_what_the_server_streams(server, graphs_dir, graph, inp, modes, subgraphs):
    code_remote, remote, err_remote = stream_events(server.url, graph, inp, modes, subgraphs)
    code_local, local, err_local = stream_events(str(graphs_dir), graph, inp, modes, subgraphs)
    if graph == "failing":  # one line each; embedded runs name the node and the line
        assert err_remote == "lgtui: the run failed: ValueError: cannot handle topic 'boom!'\n"
        assert err_local == (
            "lgtui: the run failed in node 'explode' at failing.py:"
            f"{FAILING_LINE}: ValueError: cannot handle topic 'boom!'\n"
        )
    else:
        assert err_remote == "" and err_local == ""
    assert code_remote == code_local
    assert remote[0][0] == "metadata" and local[0][0] == "metadata"
    remote_n, local_n = norm_events(remote), norm_events(local)
    if graph == "failing":
        # The server hides messages of exception types it does not know; lgtui shows them.
        assert remote_n[-1][0] == local_n[-1][0] == "error"
        assert remote_n[-1][1]["error"] == local_n[-1][1]["error"] == "ValueError"
        assert local_n[-1][1]["message"] == "cannot handle topic 'boom!'"
        remote_n, local_n = remote_n[:-1], local_n[:-1]
    assert [name for name, _ in local_n] == [name for name, _ in remote_n]
    for i, (r, loc) in enumerate(zip(remote_n, local_n, strict=True)):
        assert loc == r, f"event {i} ({r[0]}) differs"


@pytest.mark.parametrize(
    ("graph", "inp", "modes", "subgraphs"),
    [CASES[0], CASES[3], CASES[5], CASES[7]],
    ids=lambda v: str(v)[:30],
)
async def test_lgtui_stream_matches_the_sdk(server, graph, inp, modes, subgraphs):
    from langgraph_sdk import get_client

    client = get_client(url=server.url, api_key=TEST_API_KEY)
    thread = await client.threads.create()
    sdk = []
    async for part in client.runs.stream(
        thread["thread_id"], graph, input=inp, stream_mode=modes, stream_subgraphs=subgraphs
    ):
        sdk.append((part.event, part.data))
    code, ours, err = stream_events(server.url, graph, inp, modes, subgraphs)
    assert code == 0 and err == ""
    assert norm_events(ours) == norm_events(sdk)


@pytest.mark.parametrize(
    "flag", ["--interrupt-before=generate_joke", "--interrupt-after=refine_topic"]
)
def test_breakpoints_stop_the_run_the_same_way(server, graphs_dir, flag):
    def run(target: str):
        proc = run_cli(
            "stream",
            target,
            "-a",
            "agent",
            "-i",
            '{"topic": "x"}',
            "-m",
            "updates,values",
            flag,
            "--api-key",
            TEST_API_KEY,
        )
        assert proc.returncode == 0, proc.stderr
        return norm_events(
            [(e["event"], e["data"]) for e in map(json.loads, proc.stdout.splitlines())]
        )

    remote, local = run(server.url), run(str(graphs_dir))
    assert local == remote
    assert ("updates", {"__interrupt__": []}) in local
    assert not any(name == "updates" and "generate_joke" in data for name, data in local)
