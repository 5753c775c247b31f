"""Throughput, refresh rate, memory and start-up of the live pipeline, against a baseline
measured in the same run.

A loopback server (its own process) answers every request with recorded `langgraph dev`
response bodies (benchmarks/data/*.sse), repeated to the number of events asked for, as
fast as the socket takes them.  Then, in one run:

  ceiling     raw httpx + httpx-sse + orjson.loads per event (the fastest a client can go)
  source      lgtui's RemoteSource + Session.append (everything but the screen)
  app         the whole Textual app, headless: events/s, screen refreshes/s, events lost
  memory      RSS growth for 100,000 events of ~1 kB through source + Session
  --help      wall time of `lgtui --help`, best of 5

    python benchmarks/bench_stream.py [--events 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _blocks(path: Path) -> tuple[bytes, list[bytes]]:
    """(metadata block, the other event blocks) of a recorded body."""
    raw = path.read_bytes()
    blocks = [b + b"\r\n\r\n" for b in raw.split(b"\r\n\r\n") if b.strip()]
    return blocks[0], blocks[1:]


def build_body(events: int, kind: str) -> bytes:
    first, rest = _blocks(DATA / ("agent.sse" if kind == "mixed" else "firehose-100.sse"))
    out = [first]
    n = 1
    while n < events:
        for block in rest:
            if n >= events:
                break
            out.append(block)
            n += 1
    return b"".join(out)


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """(head, body) of one HTTP/1.1 request."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head, (await reader.readexactly(length) if length else b"")


def serve_forever(handle, port: int, ready) -> None:
    """Serve ``handle`` on 127.0.0.1:``port`` until the process ends; ``ready`` set once up."""

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _serve(port: int, bodies: dict[str, bytes], ready) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, body_in = await read_request(reader)
        kind = "mixed" if b'"mixed"' in body_in else "large"
        body = bodies[kind]
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            b"connection: close\r\n\r\n"
        )
        view = memoryview(body)
        for i in range(0, len(body), 1 << 16):
            writer.write(view[i : i + (1 << 16)])
            await writer.drain()
        writer.close()

    serve_forever(handle, port, ready)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def ceiling(url: str, kind: str) -> tuple[int, float]:
    import httpx
    import orjson
    from httpx_sse import aconnect_sse

    n = 0
    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=None) as client:
        async with aconnect_sse(
            client, "POST", url + "/runs/stream", json={"assistant_id": kind}
        ) as es:
            async for sse in es.aiter_sse():
                orjson.loads(sse.data)
                n += 1
    return n, time.perf_counter() - start


async def source_session(url: str, kind: str):
    from lgtui.session import Session
    from lgtui.sources.base import RunHandle, RunRequest
    from lgtui.sources.remote import RemoteSource

    source = RemoteSource(url)
    session = Session()
    start = time.perf_counter()
    async for event in source.stream_run(RunRequest(kind, thread_id=None), RunHandle()):
        session.append(event)
    elapsed = time.perf_counter() - start
    await source.aclose()
    return session, elapsed


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _memory_child(url: str, kind: str, out) -> None:
    """In a fresh process: RSS growth while source + Session take the whole run."""
    import lgtui.session
    import lgtui.sources.remote  # noqa: F401  (imports are not the run's cost)

    gc.collect()
    before = rss_mb()
    session, _ = asyncio.run(source_session(url, kind))
    gc.collect()
    out.put((rss_mb() - before, session.count))


def memory_growth(url: str, kind: str) -> tuple[float, int]:
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_memory_child, args=(url, kind, queue))
    child.start()
    result = queue.get(timeout=300)
    child.join(30)
    return result


async def whole_app(url: str, kind: str, events: int) -> dict[str, float]:
    from lgtui.sources.base import RunRequest
    from lgtui.sources.remote import RemoteSource
    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.main import MainScreen

    refreshes = 0
    original = MainScreen.refresh_from_session

    def counting(self: MainScreen) -> None:
        nonlocal refreshes
        before = self._version
        original(self)
        if self._version != before:
            refreshes += 1

    MainScreen.refresh_from_session = counting  # type: ignore[method-assign]
    try:
        app = LgtuiApp(RemoteSource(url), request=RunRequest(kind, thread_id=None))
        async with app.run_test(size=(160, 50)) as pilot:
            start = time.perf_counter()
            deadline = start + 300
            while app.session is None or app.session.status == "running":
                await pilot.pause(0.02)
                if time.perf_counter() > deadline:
                    raise RuntimeError("the app did not finish in 300 s")
            elapsed = time.perf_counter() - start
            await pilot.pause(0.2)  # one more refresh shows the last events
            shown = app.screen.query_one("#list-all").row_count
            got = app.session.count
    finally:
        MainScreen.refresh_from_session = original  # type: ignore[method-assign]
    return {
        "events": got,
        "seconds": elapsed,
        "rate": got / elapsed,
        "refresh_hz": refreshes / elapsed,
        "lost": events - got,
        "shown": shown,
    }


def help_time() -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lgtui", "--help"], capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    n = args.events

    bodies = {"mixed": build_body(n, "mixed"), "large": build_body(n, "large")}
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, bodies, ready), daemon=True)
    server.start()
    ready.wait(10)
    url = f"http://127.0.0.1:{port}"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    print(f"recorded langgraph dev bodies replayed over loopback, {n:,} events per run")
    try:
        for kind, label in (
            ("mixed", "chat run (updates, values, debug, messages-tuple, custom)"),
            ("large", "custom events of ~1 kB"),
        ):
            size = len(bodies[kind])
            print(f"\n== {label}: {size / 2**20:.1f} MiB")
            c_n, c_t = asyncio.run(ceiling(url, kind))
            print(f"ceiling  httpx-sse + orjson      {c_n / c_t:>10,.0f} events/s  ({c_t:.2f} s)")
            session, s_t = asyncio.run(source_session(url, kind))
            grown, counted = memory_growth(url, kind)
            print(
                f"source + Session                 {session.count / s_t:>10,.0f} events/s  ({s_t:.2f} s)  "
                f"= {session.count / s_t / (c_n / c_t):.2f}x ceiling   [target >= 0.5x]"
            )
            print(
                f"memory   source + Session        {grown:>10,.0f} MB for {session.count:,} events "
                f"({grown * 2**20 / counted:,.0f} B/event)   [target <= 300 MB for 100k x 1 kB]"
            )
            assert session.count == n, f"lost {n - session.count} events"
            del session
            gc.collect()
            app = asyncio.run(whole_app(url, kind, n))
            print(
                f"whole app (headless Textual)     {app['rate']:>10,.0f} events/s  ({app['seconds']:.2f} s)  "
                f"screen refreshes {app['refresh_hz']:.1f}/s, events lost {app['lost']}, rows shown {app['shown']:,}"
                f"   [target >= 20,000/s, >= 10 refreshes/s, 0 lost]"
            )
        print(
            f"\nlgtui --help                     {help_time() * 1000:>10,.0f} ms   [target < 300 ms]"
        )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
