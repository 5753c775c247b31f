"""Dropped connections mid-stream: resumable runs are rejoined with Last-Event-ID."""

from __future__ import annotations

import json
import random
from urllib.parse import urlsplit

from graphs.auth import TEST_API_KEY
from helpers.cli import run_cli
from helpers.faultproxy import cutting_proxy
from helpers.rawserver import RawServer

COUNT = 8000


def test_every_event_arrives_once_in_order_across_cuts(server):
    port = urlsplit(server.url).port
    rng = random.Random(11)
    # the first request (POST) and then each rejoin is cut somewhere in its first ~60 kB
    cuts = [rng.randrange(2_000, 40_000) for _ in range(24)]
    with cutting_proxy(port, cuts) as proxy:
        proc = run_cli(
            "stream",
            f"http://127.0.0.1:{proxy.port}",
            "--api-key",
            TEST_API_KEY,
            "-a",
            "firehose",
            "-m",
            "custom",
            "-i",
            json.dumps({"count": COUNT, "size": 100}),
            timeout=180,
        )
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proxy.cut_count >= 20
    assert [e["data"]["i"] for e in events if e["event"] == "custom"] == list(range(COUNT))
    assert [e["seq"] for e in events] == list(range(len(events)))


def test_a_stateless_run_cut_says_events_may_be_missing(server):
    port = urlsplit(server.url).port
    with cutting_proxy(port, [20_000]) as proxy:
        proc = run_cli(
            "stream",
            f"http://127.0.0.1:{proxy.port}",
            "--api-key",
            TEST_API_KEY,
            "-t",
            "none",
            "-a",
            "firehose",
            "-m",
            "custom",
            "-i",
            json.dumps({"count": COUNT, "size": 100}),
        )
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "lost after" in lines[0] and "events may be missing" in lines[0]
    assert proc.stdout.count("\n") > 10  # what arrived was printed


def test_what_the_server_sends_twice_on_a_rejoin_arrives_once():
    """langgraph-api's in-memory runtime stamps events ``{ms}-0`` (a millisecond's events
    share an id) and, under load, sends again live the events it put between subscribing
    the rejoin and replaying it.  A server that does both on every rejoin, and drops the
    connection four times: each event still arrives once, in order."""
    total = 300
    events = [(f"{1_700_000_000_000 + i // 7}-0", i) for i in range(total)]  # 7 per ms
    produced = [0]  # events the run has made so far

    def frame(event: str, data: object, sse_id: str | None = None) -> bytes:
        head = f"event: {event}\n" + (f"id: {sse_id}\n" if sse_id else "")
        body = (head + f"data: {json.dumps(data)}\n\n").encode()
        return f"{len(body):x}\r\n".encode() + body + b"\r\n"  # chunked, as the server

    async def respond(writer, head: str) -> None:
        last = next(
            (line.split(":", 1)[1].strip() for line in head.split("\r\n")
             if line.lower().startswith("last-event-id:")),
            None,
        )  # fmt: skip
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\n\r\n"
        )
        before = produced[0]
        produced[0] = min(total, before + 70)
        if last is None:  # the run's first request
            writer.write(frame("metadata", {"run_id": "run-1", "attempt": 1}))
            todo = events[: produced[0]]
        else:  # the replay (ids compared as strings, as the server does), then live
            replay = [e for e in events[:before] if e[0] > last]
            todo = replay + events[max(0, before - 5) : produced[0]]
        for sse_id, i in todo:
            writer.write(frame("custom", {"i": i}, sse_id))
        await writer.drain()
        if produced[0] < total:
            writer.transport.abort()  # the connection drops mid-run
            return
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    server = RawServer(respond)
    try:
        proc = run_cli(
            "stream", server.url, "-t", "3f0b7a5e-0000-4000-8000-000000000001",
            "-a", "g", "-m", "custom", "-i", "{}", timeout=60,
        )  # fmt: skip
    finally:
        server.stop()
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [e["data"]["i"] for e in got if e["event"] == "custom"] == list(range(total))
