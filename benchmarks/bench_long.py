"""A run of 1,000,000 events through the whole app: memory stays bounded (issue 5, item 8).

A loopback server (its own process) streams the recorded `langgraph dev` chat run
(benchmarks/data/agent.sse: updates, values, debug, messages-tuple, custom) over and over,
generated as it goes, until the count asked for.  The headless app takes it all, recording
to a capture as it does by default, in a fresh child process, and its resident memory is
sampled as the events arrive.  Baseline, in the same run: the same app with every event
kept in memory (the store's disk window switched off).

    python benchmarks/bench_long.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from bench_stream import DATA, _blocks, free_port, read_request, rss_mb, serve_forever  # noqa: E402

MESSAGE_ID = b"lc_run--01a20a1d-923d-7668-bcfc-23088cf6a1d9"  # the recorded run's message


def _serve(port: int, events: int, ready) -> None:
    first, rest = _blocks(DATA / "agent.sse")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head, _ = await read_request(reader)
        if not head.startswith(b"POST /runs/stream "):
            # the app also asks for the assistant's graph (to keep it in the capture):
            # this server has none, as a server without the assistant would answer
            writer.write(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
                b'content-length: 23\r\nconnection: close\r\n\r\n{"detail":"not found"}\n'
            )
            writer.close()
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            b"connection: close\r\n\r\n" + first
        )
        sent, chunk, cycle = 1, [], 0
        while sent < events:
            # each repetition is a new message, as in a real long run
            cycle += 1
            message_id = b"lc_run--01a20a1d-923d-7668-bcfc-%012d" % cycle
            for block in rest:
                block = block.replace(MESSAGE_ID, message_id)
                if sent >= events:
                    break
                chunk.append(block)
                sent += 1
            if len(chunk) > 500 or sent >= events:
                writer.write(b"".join(chunk))
                chunk = []
                await writer.drain()
        writer.close()

    serve_forever(handle, port, ready)


def _child(url: str, events: int, keep_all: bool, out) -> None:
    import lgtui.store

    if keep_all:
        lgtui.store.DEFAULT_WINDOW = lgtui.store.NO_SPILL
    from lgtui.sources.base import RunRequest
    from lgtui.sources.remote import RemoteSource
    from lgtui.ui.app import LgtuiApp

    capture = Path(tempfile.mkdtemp()) / "long.msgpack"

    async def run() -> dict:
        app = LgtuiApp(RemoteSource(url), request=RunRequest("agent", thread_id=None))
        app.record = str(capture)
        samples: list[tuple[int, float]] = []
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause(0.5)
            base = rss_mb()
            start = time.perf_counter()
            while app.session is None or app.session.status == "running":
                await pilot.pause(0.5)
                if app.session is not None:
                    samples.append((app.session.count, rss_mb() - base))
                if time.perf_counter() - start > 900:
                    raise RuntimeError("the app did not finish in 900 s")
            elapsed = time.perf_counter() - start
            await pilot.press("end")  # the newest events, then the oldest: read from disk
            await pilot.press("home")
            await pilot.pause(0.5)  # the payload pane waits for the cursor to rest
            screen = "".join(
                seg.text for strip in app.screen._compositor.render_strips() for seg in strip
            )
            shown = "#0 metadata" in screen
            session = app.session
            return {
                "count": session.count,
                "seconds": elapsed,
                "samples": samples,
                "peak": max(m for _, m in samples),
                "final": samples[-1][1],
                "spilled": session.events.spilled,
                "disk": session.events.disk_bytes,
                "capture": capture.stat().st_size if capture.exists() else 0,
                "oldest_shown": shown,
            }

    out.put(asyncio.run(run()))
    capture.unlink(missing_ok=True)


def measure(url: str, events: int, keep_all: bool) -> dict:
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_child, args=(url, events, keep_all, queue))
    child.start()
    result = queue.get(timeout=1000)
    child.join(30)
    return result


def at(samples: list[tuple[int, float]], count: int) -> float:
    for n, mb in samples:
        if n >= count:
            return mb
    return samples[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    n = args.events
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, n, ready), daemon=True)
    server.start()
    ready.wait(10)
    url = f"http://127.0.0.1:{port}"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{n:,} events of the recorded chat run through the headless app, recording on")
    marks = [m for m in (100_000, 250_000, 500_000, 750_000, 1_000_000) if m <= n]
    try:
        runs = [("bounded (default)", measure(url, n, keep_all=False))]
        if not args.no_baseline:
            runs.append(("everything in memory (baseline)", measure(url, n, keep_all=True)))
        for label, r in runs:
            growth = "  ".join(f"{m // 1000}k:{at(r['samples'], m):5.0f}" for m in marks)
            print(
                f"\n{label}: {r['count']:,} events in {r['seconds']:.1f} s "
                f"({r['count'] / r['seconds']:,.0f}/s)\n"
                f"  RSS growth MB at  {growth}\n"
                f"  peak {r['peak']:.0f} MB, at the end {r['final']:.0f} MB; "
                f"{r['spilled']:,} events on disk ({r['disk'] / 2**20:.0f} MiB), "
                f"capture {r['capture'] / 2**20:.0f} MiB; oldest event shown after home: "
                f"{r['oldest_shown']}"
            )
        if len(runs) == 2:
            print(
                f"\nbounded / baseline at the end: {runs[0][1]['final'] / runs[1][1]['final']:.2f}x"
            )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
