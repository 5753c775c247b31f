"""The server going away, coming back, or falling silent: what the user sees, what is kept."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from graphs.auth import TEST_API_KEY
from helpers.devserver import quiet_env, start_dev_server
from helpers.faultproxy import cutting_proxy
from helpers.paths import GRAPHS
from helpers.ui import wait_for, wait_for_text

from lgtui.capture import read_capture
from lgtui.sources.base import RunHandle, RunRequest
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp

SIZE = (150, 45)


async def stream_watching_link(source, request, handle, on_event=None, timeout=120.0):
    """Every event of a run, and each connection state the handle went through."""
    events, states = [], []

    async def watch() -> None:
        while True:
            state = "stalled" if handle.stalled_for() else handle.link
            if not states or states[-1] != state:
                states.append(state)
            await asyncio.sleep(0.05)

    watcher = asyncio.ensure_future(watch())
    try:
        async with asyncio.timeout(timeout):
            async for event in source.stream_run(request, handle):
                events.append(event)
                if on_event:
                    on_event(event)
    finally:
        watcher.cancel()
        await source.aclose()
    return events, states


def custom_numbers(events) -> list[int]:
    return [e.data["i"] for e in events if e.event == "custom"]


async def test_server_away_then_back_the_run_is_rejoined_with_nothing_lost(server):
    count = 3000
    with cutting_proxy(urlsplit(server.url).port) as proxy:
        source = RemoteSource(
            f"http://127.0.0.1:{proxy.port}", api_key=TEST_API_KEY, reconnect_for=30
        )
        request = RunRequest("firehose", {"count": count, "pause": 0.001}, stream_mode=["custom"])
        handle = RunHandle()
        outage: list[float] = []

        def on_event(event) -> None:
            if event.seq == 300:  # the server goes away for 2 s mid-run
                proxy.outage()
                outage.append(time.monotonic())
                threading.Timer(2.0, proxy.restore).start()

        events, states = await stream_watching_link(source, request, handle, on_event)
    assert custom_numbers(events) == list(range(count))
    assert [e.seq for e in events] == list(range(len(events)))
    assert states[:3] == ["connected", "reconnecting", "connected"], states
    assert handle.rejoins >= 3  # refused while away, with backoff, then back
    assert handle.link == "connected"


async def test_a_silent_server_shows_stalled_and_recovers(server):
    count = 2000  # ~10 s of run: still streaming when frozen, on a busy machine too
    with cutting_proxy(urlsplit(server.url).port) as proxy:
        source = RemoteSource(
            f"http://127.0.0.1:{proxy.port}", api_key=TEST_API_KEY, stall_after=1.0
        )
        request = RunRequest("firehose", {"count": count, "pause": 0.005}, stream_mode=["custom"])
        app = LgtuiApp(source, request=request)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.session is not None and app.session.count > 50)
            proxy.freeze()
            screen = await wait_for_text(pilot, " stalled ", "no data from the server for")
            assert " running " in screen  # the run is not given up for silence
            await pilot.press("2")  # the screen answers keys meanwhile
            await wait_for_text(pilot, "Updates")
            proxy.thaw()
            screen = await wait_for_text(pilot, " success ", timeout=60)
            assert " stalled " not in screen
            assert custom_numbers(app.session.events) == list(range(count))


async def test_heartbeats_keep_a_quiet_stream_from_stalling(server):
    # The node is silent for 8 s; the server sends `: heartbeat` every 5 s, so the
    # longest gap between bytes stays under 6 s (without heartbeats it would be 8).
    source = RemoteSource(server.url, api_key=TEST_API_KEY, stall_after=6.0)
    request = RunRequest("firehose", {"count": 3, "quiet": 8.0}, stream_mode=["custom"])
    handle = RunHandle()
    events, states = await stream_watching_link(source, request, handle)
    assert custom_numbers(events) == [0, 1, 2]
    assert states == ["connected"], states


async def test_server_killed_mid_run_then_restarted(tmp_path):
    """SIGKILL a real `langgraph dev` mid-run: the app says it is reconnecting, the
    capture so far reads back whole, and when the server is back (without the run, as
    an in-memory server restarts empty) the run ends as disconnected saying so."""
    capture = tmp_path / "run.msgpack"
    with start_dev_server(GRAPHS / "langgraph.json", tmp_path / "server.log") as dev:
        source = RemoteSource(dev.url, api_key=TEST_API_KEY, reconnect_for=120)
        request = RunRequest("firehose", {"count": 5000, "pause": 0.01}, stream_mode=["custom"])
        app = LgtuiApp(source, request=request, record=str(capture))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.session is not None and app.session.count > 100)
            dev.kill()
            screen = await wait_for_text(pilot, " reconnecting ")
            assert " running " in screen
            seen = app.session.count
            await asyncio.sleep(0.3)  # the recorder flushes every 100 ms
            partial = read_capture(capture)
            assert partial.complete and partial.end is None  # still being written
            assert [e.data for e in partial.events] == [e.data for e in app.session.events[:seen]]

            await asyncio.to_thread(dev.restart)
            screen = await wait_for_text(
                pilot, " disconnected ", "came back without run", timeout=90
            )
            assert f"events after #{seen - 1} are" in screen
            assert f"events after #{seen - 1} are missing" in app.session.status_detail
            assert app.session.count == seen

            # the app goes on with the restarted server: a new run starts from the dialog
            await pilot.press("ctrl+n")
            await wait_for_text(pilot, "firehose", "Start")

    final = read_capture(capture)
    assert final.complete and final.end is not None
    assert final.end.get("status") == "disconnected"
    assert len(final.events) == seen
    assert custom_numbers(final.events) == list(range(len(custom_numbers(final.events))))


def test_stream_says_on_stderr_when_the_server_stalls_and_when_it_is_back(server):
    with cutting_proxy(urlsplit(server.url).port) as proxy:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "lgtui", "stream", f"http://127.0.0.1:{proxy.port}"),
                *("--api-key", TEST_API_KEY, "-a", "firehose", "-m", "custom"),
                *("--stall-after", "1", "-i", json.dumps({"count": 300, "pause": 0.005})),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=quiet_env(),
        )
        try:
            for _ in range(20):  # the run is under way
                assert proc.stdout.readline()
            proxy.freeze()
            time.sleep(2.5)
            proxy.thaw()
            _out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    assert proc.returncode == 0, err
    # the freeze, said once and its end once; a busy machine may add a stall of its own
    # (a 1 s threshold), said the same way: each stall is followed by its end
    lines = err.splitlines()
    pair = ["lgtui: stalled: no data from the server for 1s", "lgtui: connected again"]
    assert lines and len(lines) % 2 == 0 and lines == pair * (len(lines) // 2), err
    assert "Traceback" not in err
