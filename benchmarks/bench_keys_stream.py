"""Keys while a run streams in (issue 16): key-to-paint during a remote stream of ~10,000+
events a second, beside the same keys on the same app once the stream has ended.

A loopback server in a process of its own replays a real `langgraph dev` response body
(``data/agent.sse``: tokens, tool calls, updates, values) at a paced rate; the app
(headless, in this process) streams it with `lgtui connect`'s source while the keys users
press most are sent one at a time: tabs, arrows, page up/down, home/end, ``/``, a word
typed, enter (the search), escape (enter on a row of a live list has no binding).  A key
is timed from the moment it is posted to the first frame painted (rendered to terminal
bytes) after the app has handled it (its binding ran, or the search line took the
character).

    python benchmarks/bench_keys_stream.py [--rate 12000] [--presses 240]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stream import DATA, _blocks, free_port, read_request, serve_forever  # noqa: E402

# tabs, moving, paging, the ends, a search typed and run and closed
KEYS = [
    *["1", "down", "down", "down", "up", "pagedown", "pageup", "end", "home"],
    *["2", "down", "up", "3", "down", "5", "8", "down", "1"],
    *["slash", "t", "o", "o", "l", "enter", "escape"],
]
TICK = 0.01  # the server writes every 10 ms


def _paced(port: int, rate: int, seconds: float, ready) -> None:
    first, rest = _blocks(DATA / "agent.sse")
    per_tick = max(1, int(rate * TICK))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            b"connection: close\r\n\r\n" + first
        )
        try:
            await stream(writer)
        except ConnectionError:  # the app went away first
            pass

    async def stream(writer: asyncio.StreamWriter) -> None:
        start = time.perf_counter()
        sent, i = 0, 0
        while time.perf_counter() - start < seconds:
            due = int((time.perf_counter() - start) * rate)
            if sent < due:
                chunk = []
                for _ in range(min(due - sent, per_tick * 4)):
                    chunk.append(rest[i % len(rest)])
                    i += 1
                writer.write(b"".join(chunk))
                sent += len(chunk)
                await writer.drain()
            await asyncio.sleep(TICK)
        writer.write(b"event: end\r\ndata: null\r\n\r\n")
        await writer.drain()
        writer.close()

    serve_forever(handle, port, ready)


async def press(app, key: str) -> float | None:
    """Seconds from posting ``key`` to the first frame painted after the app handled it;
    None when nothing handled it (a key with no binding in this state)."""
    from textual.widgets import Input

    handled: list[float] = []
    painted: list[float] = []
    display, check = app._display, app._check_bindings
    on_key = Input._on_key

    def spy(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and handled:
            "".join(renderable.render_segments(app.console))  # what a terminal gets
            painted.append(time.perf_counter())

    async def checking(k: str, priority: bool = False) -> bool:
        done = await check(k, priority)
        if done and not handled:
            handled.append(time.perf_counter())
        return done

    async def typing(self, event) -> None:
        await on_key(self, event)
        if not handled:
            handled.append(time.perf_counter())

    app._display, app._check_bindings, Input._on_key = spy, checking, typing
    try:
        start = time.perf_counter()
        app.simulate_key(key)
        deadline = start + 5
        while not painted and time.perf_counter() < deadline:
            if not handled and time.perf_counter() > start + 1:
                return None  # no binding took it in this state (enter on a live list)
            await asyncio.sleep(0.0005)
        return painted[0] - start if painted else None
    finally:
        app._display, app._check_bindings, Input._on_key = display, check, on_key


async def keys(app, presses: int, while_streaming: bool) -> list[float]:
    rng = random.Random(7)
    times: list[float] = []
    sent = 0
    while len(times) < presses and sent < presses * 3:
        for key in KEYS:
            if while_streaming and app.session.status != "running":
                return times
            answer = await press(app, key)
            sent += 1
            if answer is not None:
                times.append(answer)
            elif os.environ.get("BENCH_VERBOSE"):
                print(f"  {key}: nothing handled it", file=sys.stderr)
            await asyncio.sleep(rng.uniform(0.02, 0.06))  # a person's pace, roughly
    return times


def summary(name: str, times: list[float], extra: str = "") -> str:
    if not times:
        return f"{name:<34} no keys answered"
    ms = sorted(t * 1000 for t in times)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{name:<34} median {statistics.median(ms):6.1f} ms   p99 {p99:6.1f} ms   "
        f"max {ms[-1]:6.1f} ms   ({len(ms)} keys){extra}"
    )


async def run(url: str, presses: int) -> tuple[list[float], float, list[float]]:
    from lgtui.sources.base import RunRequest
    from lgtui.sources.remote import RemoteSource
    from lgtui.ui.app import LgtuiApp

    app = LgtuiApp(RemoteSource(url), request=RunRequest("agent", thread_id=None))
    async with app.run_test(size=(150, 45)) as pilot:
        deadline = time.monotonic() + 60
        while (app.session is None or app.session.count < 5000) and time.monotonic() < deadline:
            await pilot.pause(0.02)
        start, count0 = time.perf_counter(), app.session.count
        during = await keys(app, presses, while_streaming=True)
        rate = (app.session.count - count0) / (time.perf_counter() - start)
        deadline = time.monotonic() + 300
        while app.session.status == "running" and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        after = await keys(app, presses, while_streaming=False)
    return during, rate, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=12000, help="events a second sent")
    parser.add_argument("--presses", type=int, default=240)
    parser.add_argument("--seconds", type=float, default=45.0, help="how long the run streams")
    args = parser.parse_args()
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(
        target=_paced, args=(port, args.rate, args.seconds, ready), daemon=True
    )
    server.start()
    ready.wait(10)
    try:
        during, rate, after = asyncio.run(run(f"http://127.0.0.1:{port}", args.presses))
    finally:
        server.terminate()
    print(f"key press -> first frame after the key was handled ({args.rate:,} events/s sent)")
    print(summary("  baseline: the run ended", after))
    print(
        summary(
            "  during the stream",
            during,
            f"   taken {rate:,.0f} events/s meanwhile   [target p99 <= 50 ms, max <= 100 ms]",
        )
    )


if __name__ == "__main__":
    main()
