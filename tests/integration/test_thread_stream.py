"""The thread-centric event stream (v2): `lgtui stream --protocol v2` prints what
langgraph-sdk's thread stream gives, and the embedded engine streams what `langgraph dev`
streams, envelope for envelope."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from graphs.auth import TEST_API_KEY
from helpers.cli import assert_one_clean_line, run_cli
from helpers.normalize import norm_envelopes

TERMINAL = ("completed", "failed", "interrupted")
TOOLS_INPUT = {"messages": [{"role": "user", "content": "weather in Paris?"}]}

CASES = [
    ("tools", TOOLS_INPUT),
    ("research", {"topic": "LangGraph streaming"}),
    ("hitl", {"q": "name?"}),
    ("failing", {"topic": "boom"}),
    ("agent", {"topic": "ice cream"}),
    ("nested", {}),
    ("sub", {"foo": "foo"}),
]


def stream_v2(target: str, graph: str, inp: Any, *extra: str) -> tuple[int, list[dict], str]:
    proc = run_cli(
        "stream",
        target,
        "-a",
        graph,
        "-i",
        json.dumps(inp),
        "--protocol",
        "v2",
        "--api-key",
        TEST_API_KEY,
        *extra,
    )
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()], proc.stderr


def ends_the_run(envelope: dict) -> bool:
    params = envelope["params"]
    return (
        envelope["method"] == "lifecycle"
        and not params["namespace"]
        and params["data"].get("event") in TERMINAL
    )


def methods(envelopes: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (e["method"], tuple(p.split(":")[0] for p in e["params"]["namespace"])) for e in envelopes
    ]


async def sdk_thread_stream(url: str, graph: str, inp: Any) -> list[dict]:
    from langgraph_sdk import get_client

    client = get_client(url=url, api_key=TEST_API_KEY)
    out: list[dict] = []
    async with client.threads.stream(assistant_id=graph) as thread:
        events = thread.events
        await thread.run.start(input=inp)
        async for envelope in events:
            out.append(envelope)
            if ends_the_run(envelope):
                break
    return out


@pytest.mark.parametrize(("graph", "inp"), CASES[:4], ids=[c[0] for c in CASES[:4]])
async def test_lgtui_stream_prints_what_the_sdk_thread_stream_gives(server, graph, inp):
    sdk = await sdk_thread_stream(server.url, graph, inp)
    code, ours, err = stream_v2(server.url, graph, inp)
    assert ends_the_run(ours[-1]) and ends_the_run(sdk[-1])
    assert norm_envelopes(ours) == norm_envelopes(sdk)
    if graph == "failing":
        assert code == 1 and err == "lgtui: the run failed: cannot handle topic 'boom!'\n"
    else:
        assert code == 0 and err == ""


@pytest.mark.parametrize(("graph", "inp"), CASES, ids=[c[0] for c in CASES])
def test_embedded_streams_what_the_server_streams(server, graphs_dir, graph, inp):
    code_remote, remote, err_remote = stream_v2(server.url, graph, inp)
    code_local, local, err_local = stream_v2(str(graphs_dir), graph, inp)
    assert code_local == code_remote
    if graph == "failing":
        assert err_remote == "lgtui: the run failed: cannot handle topic 'boom!'\n"
        assert "the run failed in node 'explode'" in err_local
    else:
        assert err_remote == err_local == ""
    assert methods(local) == methods(remote)
    assert norm_envelopes(local) == norm_envelopes(remote)
    assert ends_the_run(local[-1])


def test_channels_namespaces_and_depth_choose_what_streams(server, graphs_dir):
    """Only the lifecycle and input channels, then only the research subgraph."""
    for target in (server.url, str(graphs_dir)):
        code, envelopes, err = stream_v2(
            target, "research", {"topic": "x"}, "-c", "lifecycle,input"
        )
        assert code == 0, err
        assert {e["method"] for e in envelopes} == {"lifecycle"}
        assert [e["params"]["data"]["event"] for e in envelopes] == [
            "running",
            "started",
            "completed",
            "completed",
        ]
        code, envelopes, err = stream_v2(
            target,
            "research",
            {"topic": "x"},
            "-c",
            "values,lifecycle",
            "--namespace",
            "research",
            "--depth",
            "0",
        )
        assert code == 0, err
        assert envelopes and all(
            e["params"]["namespace"][0].startswith("research:") for e in envelopes
        )
        assert {e["method"] for e in envelopes} == {"values", "lifecycle"}
        # the root's end is not in the research namespace: the run still ends when it does
        assert envelopes[-1]["params"]["data"] == {"event": "completed", "graph_name": "research"}


def test_an_interrupt_is_answered_with_input_respond(server, graphs_dir, tmp_path):
    """A run stopped at interrupt() on a thread named by the caller (the stream makes
    it), then resumed there: the answer goes as input.respond, and the resumed run
    streams on the thread's stream; the same embedded (each `lgtui stream` a process of
    its own: the thread kept in a SQLite checkpointer) and on the server."""
    runs = []
    database = ("--checkpointer", f"sqlite:{tmp_path / 'threads.sqlite'}")
    for target, keep in ((server.url, ()), (str(graphs_dir), database)):
        thread = str(uuid.uuid4())
        code, first, err = stream_v2(target, "hitl", {"q": "name?"}, "--thread", thread, *keep)
        assert code == 0, err
        asked = [e for e in first if e["method"] == "input.requested"]
        assert len(asked) == 1 and asked[0]["params"]["data"]["payload"] == {"question": "name?"}
        assert first[-1]["params"]["data"]["event"] == "interrupted"
        proc = run_cli(
            "stream",
            target,
            "-a",
            "hitl",
            "--thread",
            thread,
            "--command",
            '{"resume": "Bob"}',
            "--protocol",
            "v2",
            "--api-key",
            TEST_API_KEY,
            *keep,
        )
        assert proc.returncode == 0, proc.stderr
        second = [json.loads(line) for line in proc.stdout.splitlines()]
        values = [e["params"]["data"] for e in second if e["method"] == "values"]
        assert values[-1] == {"q": "name?", "answer": "Bob"}
        assert second[0]["params"]["data"]["event"] == "running"
        assert second[-1]["params"]["data"]["event"] == "completed"
        runs.append((norm_envelopes(first), norm_envelopes(second)))
    assert runs[0] == runs[1]


def test_auto_uses_the_thread_centric_stream_where_the_server_has_it(server):
    inp = json.dumps({"topic": "x"})
    auto = run_cli(
        "stream",
        server.url,
        "-a",
        "agent",
        "-i",
        inp,
        "--protocol",
        "auto",
        "--api-key",
        TEST_API_KEY,
    )
    assert auto.returncode == 0, auto.stderr
    assert json.loads(auto.stdout.splitlines()[0])["type"] == "event"
    # stream modes are the run stream's: asking for them is asking for it
    modes = run_cli(
        "stream",
        server.url,
        "-a",
        "agent",
        "-i",
        inp,
        "--protocol",
        "auto",
        "-m",
        "updates",
        "--api-key",
        TEST_API_KEY,
    )
    assert modes.returncode == 0, modes.stderr
    assert json.loads(modes.stdout.splitlines()[0])["event"] == "metadata"


def test_what_the_thread_centric_stream_cannot_do_is_said(server, graphs_dir):
    for target in (server.url, str(graphs_dir)):
        proc = run_cli(
            "stream",
            target,
            "-a",
            "agent",
            "-i",
            "{}",
            "--protocol",
            "v2",
            "--thread",
            "none",
            "--api-key",
            TEST_API_KEY,
        )
        assert proc.returncode == 2
        assert_one_clean_line(proc.stderr, "cannot run without a thread")
        proc = run_cli(
            "stream",
            target,
            "-a",
            "agent",
            "-i",
            "{}",
            "--protocol",
            "v2",
            "-c",
            "debug",
            "--api-key",
            TEST_API_KEY,
        )
        assert proc.returncode == 2
        assert_one_clean_line(proc.stderr, "unknown channel 'debug'")
