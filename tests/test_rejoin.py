"""Dropped connections mid-stream: resumable runs are rejoined with Last-Event-ID."""

from __future__ import annotations

import json
import random
from urllib.parse import urlsplit

from conftest import run_cli
from faultproxy import cutting_proxy
from graphs.auth import TEST_API_KEY

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
