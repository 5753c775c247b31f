"""The thread-centric event stream (v2): `lgtui stream --protocol v2` prints what
langgraph-sdk's thread stream gives, and the embedded engine streams what `langgraph dev`
streams, envelope for envelope."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from graphs.auth import TEST_API_KEY
from helpers import paths
from helpers.cli import assert_one_clean_line, run_cli
from helpers.faultproxy import cutting_proxy
from helpers.normalize import norm_envelopes
from helpers.rawserver import RawServer

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
    """langgraph-sdk's thread stream of one run: to its root's end (after an interrupt,
    until the stream is quiet: the run goes on saying what else waits)."""
    import asyncio

    from langgraph_sdk import get_client

    client = get_client(url=url, api_key=TEST_API_KEY)
    out: list[dict] = []
    async with client.threads.stream(assistant_id=graph) as thread:
        events = thread.events.__aiter__()
        await thread.run.start(input=inp)
        while True:
            interrupted = any(ends_the_run(e) for e in out)
            try:
                envelope = await asyncio.wait_for(anext(events), 0.5 if interrupted else None)
            except (TimeoutError, StopAsyncIteration):
                break
            out.append(envelope)
            if ends_the_run(envelope) and envelope["params"]["data"]["event"] != "interrupted":
                break
    return out


@pytest.mark.parametrize(("graph", "inp"), CASES[:4], ids=[c[0] for c in CASES[:4]])
async def test_lgtui_stream_prints_what_the_sdk_thread_stream_gives(server, graph, inp):
    sdk = await sdk_thread_stream(server.url, graph, inp)
    code, ours, err = stream_v2(server.url, graph, inp)
    assert any(map(ends_the_run, ours)) and any(map(ends_the_run, sdk))
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
    assert any(map(ends_the_run, local))


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
        assert [e["params"]["data"]["event"] for e in first if ends_the_run(e)] == ["interrupted"]
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


WORDS = 3000


def test_every_event_arrives_once_in_order_across_cuts(server):
    """The thread's stream cut at random points, 20 times or more: each reconnect asks
    for the events after the last one read (``since``), and every token arrives once,
    in order."""
    port = urlsplit(server.url).port
    rng = random.Random(7)
    cuts = [rng.randrange(3_000, 60_000) for _ in range(30)]
    with cutting_proxy(port, cuts) as proxy:
        proc = run_cli(
            "stream", f"http://127.0.0.1:{proxy.port}", "--api-key", TEST_API_KEY,
            "-a", "talker", "-i", json.dumps({"count": WORDS}), "--protocol", "v2",
            "-c", "messages", "--reconnect-for", "60", timeout=240,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    envelopes = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proxy.cut_count >= 20
    seqs = [e["seq"] for e in envelopes]
    assert seqs == sorted(set(seqs))  # none twice, none out of order
    text = "".join(
        e["params"]["data"]["delta"]["text"]
        for e in envelopes
        if e["params"]["data"].get("event") == "content-block-delta"
    )
    assert text == " ".join(f"w{i}" for i in range(WORDS))


def test_a_resume_gap_is_said_in_one_line():
    """A server that no longer holds the events missed while the connection was down
    answers the reconnect with a ``resume_gap`` error (a fault of a buffer too small for
    the outage, made on demand here by a loopback server)."""
    run_id = "01a00000-0000-7000-8000-000000000001"
    asked: list[str] = []

    def frame(envelope: dict) -> bytes:
        body = f"event: {envelope.get('method', 'error')}\nid: {envelope.get('seq', '')}\n"
        body += f"data: {json.dumps(envelope)}\n\n"
        data = body.encode()
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    async def respond(writer, head: str) -> None:
        path = head.split(" ", 2)[1]
        asked.append(path)
        if path.endswith("/commands"):
            # the first is lgtui asking whether the server speaks the protocol (a
            # malformed command: a protocol error says yes), then run.start
            first = sum(p.endswith("/commands") for p in asked) == 1
            status, answer = (
                ("400 Bad Request", {"type": "error", "id": None, "error": "invalid_argument"})
                if first
                else ("200 OK", {"type": "success", "id": 1, "result": {"run_id": run_id}})
            )
            body = json.dumps(answer)
            writer.write(
                f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n{body}".encode()
            )
            await writer.drain()
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\n\r\n"
        )
        if sum(p.endswith("/stream/events") for p in asked) == 1:
            writer.write(frame({
                "type": "event", "event_id": f"synth:{run_id}:lc||running", "seq": 1,
                "method": "lifecycle",
                "params": {"namespace": [], "timestamp": 1, "data": {"event": "running"}},
            }))  # fmt: skip
            await writer.drain()
            writer.transport.abort()  # the connection drops
            return
        writer.write(frame({
            "type": "error", "id": None, "error": "resume_gap",
            "message": "resume gap: since=1 is older than min_available_seq=9000",
            "since": 1, "min_available_seq": 9000,
        }))  # fmt: skip
        writer.write(b"0\r\n\r\n")  # the body ends, as a server ends it (not a reset)
        await writer.drain()

    server = RawServer(respond)
    try:
        proc = run_cli(
            "stream", server.url, "-a", "g", "-i", "{}", "--protocol", "v2",
            "--reconnect-for", "10", timeout=60,
        )  # fmt: skip
    finally:
        server.stop()
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "resume gap", "#9000")
    assert json.loads(proc.stdout.splitlines()[0])["method"] == "lifecycle"


def test_captures_of_the_thread_centric_stream_work_with_every_command(graphs_dir, tmp_path):
    """`stream -o` records the envelopes; info, export (whole and --state-at) and diff read
    them; the committed run-stream recordings still open beside them."""
    a, b = tmp_path / "a.msgpack", tmp_path / "b.msgpack"
    printed = {}
    for path, topic in ((a, "a"), (b, "b")):
        code, envelopes, err = stream_v2(
            str(graphs_dir), "research", {"topic": topic}, "-o", str(path)
        )
        assert code == 0, err
        printed[path] = envelopes
    info = run_cli("info", str(a))
    assert info.returncode == 0
    assert "stream       thread-centric (v2), channels: every one" in info.stdout
    assert "per channel" in info.stdout and "lifecycle" in info.stdout
    as_json = json.loads(run_cli("info", str(a), "--json").stdout)
    assert as_json["protocol"] == 2 and len(as_json["runs"]) == 1
    exported = run_cli("export", str(a))
    assert [json.loads(line) for line in exported.stdout.splitlines()] == printed[a]
    state = run_cli("export", str(a), "--state-at", str(len(printed[a]) - 1))
    assert json.loads(state.stdout)["topic"] == "a"
    diff = run_cli("diff", str(a), str(b), "--text")
    assert diff.returncode == 1, diff.stderr
    assert '~ topic: "a" → "b"' in diff.stdout and "same path: 4 steps" in diff.stdout
    for recording in sorted(paths.RECORDINGS.glob("*.msgpack")):
        shown = run_cli("info", str(recording))
        assert shown.returncode == 0 and (
            "modes" in shown.stdout or "thread-centric" in shown.stdout
        ), recording


def test_several_interrupts_are_answered_in_one_batch(server, graphs_dir, tmp_path):
    """Two reviewers wait at once: one answer goes to both (one input.respond, a batch),
    or each its own, keyed by interrupt id; the same embedded and on the server."""
    database = ("--checkpointer", f"sqlite:{tmp_path / 'threads.sqlite'}")
    results = []
    for target, keep in ((server.url, ()), (str(graphs_dir), database)):
        for answer in ("one", "each"):
            thread = str(uuid.uuid4())
            code, first, err = stream_v2(
                target, "approvals", {"doc": "d"}, "--thread", thread, *keep
            )
            assert code == 0, err
            asked = {
                e["params"]["data"]["payload"]["review"]: e["params"]["data"]["interrupt_id"]
                for e in first
                if e["method"] == "input.requested"
            }
            assert set(asked) == {"legal", "finance"}
            resume = "ok" if answer == "one" else {asked["legal"]: "yes", asked["finance"]: "no"}
            proc = run_cli(
                "stream", target, "-a", "approvals", "--thread", thread, "--command",
                json.dumps({"resume": resume}), "--protocol", "v2", "--api-key", TEST_API_KEY,
                *keep,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            second = [json.loads(line) for line in proc.stdout.splitlines()]
            verdicts = [e for e in second if e["method"] == "values"][-1]["params"]["data"]
            results.append(verdicts["verdicts"])
            assert second[-1]["params"]["data"]["event"] == "completed"
    expected = [{"legal": "ok", "finance": "ok"}, {"legal": "yes", "finance": "no"}]
    assert results == expected * 2


def test_a_server_without_the_thread_centric_stream_gets_the_run_stream():
    """An older server (no /commands route: 404): auto streams the run stream; asking for
    v2 there is one line, exit 3."""
    asked: list[str] = []

    async def respond(writer, head: str) -> None:
        path = head.split(" ", 2)[1]
        asked.append(path)
        if path.endswith("/commands"):
            body = b'{"detail":"Not Found"}'
            writer.write(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
                b"connection: close\r\n"  # (this server answers one request a connection)
                + f"content-length: {len(body)}\r\n\r\n".encode()
                + body
            )
        else:
            body = b'event: metadata\ndata: {"run_id": "r1", "attempt": 1}\n\n'
            body += b'event: values\ndata: {"x": 1}\n\n'
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                + body
            )
        await writer.drain()

    server = RawServer(respond)
    try:
        auto = run_cli("stream", server.url, "-a", "g", "-i", "{}", "--protocol", "auto")
        forced = run_cli("stream", server.url, "-a", "g", "-i", "{}", "--protocol", "v2")
    finally:
        server.stop()
    assert auto.returncode == 0, auto.stderr
    assert [json.loads(line)["event"] for line in auto.stdout.splitlines()] == [
        "metadata",
        "values",
    ]
    assert any(p.endswith("/runs/stream") for p in asked)
    assert forced.returncode == 3
    assert_one_clean_line(forced.stderr, "has no thread-centric event stream", "--protocol v1")
