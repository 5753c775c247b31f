"""Captures at scale: a 1,000,000-event capture built from the real event shapes in
recordings/, then writer speed, `lgtui info` time, time to the replay's first frame,
random seeks and peak memory.

    python benchmarks/bench_capture.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
RECORDINGS = ["chat", "tools", "subgraph", "error", "interrupt"]


def real_events():
    from lgtui.capture import read_capture

    out = []
    for name in RECORDINGS:
        out.extend(read_capture(ROOT / "recordings" / f"{name}.msgpack").events)
    return out


def build(path: Path, n: int) -> float:
    """Write ``n`` events cycling through the real shapes; returns events/s of the writer."""
    from lgtui.capture import CaptureWriter, make_header
    from lgtui.events import StreamEvent

    shapes = real_events()
    events = []
    t = 0.0
    for i in range(n):  # prepared up front: the writer alone is timed
        src = shapes[i % len(shapes)]
        t += 0.0004
        events.append(StreamEvent(i, t, src.event, src.raw, id=src.id))
    header = make_header(
        source_kind="remote",
        target="http://127.0.0.1:2024",
        assistant="agent",
        thread_id="t",
        request={"stream_mode": ["updates", "values", "debug", "messages-tuple", "custom"]},
    )
    start = time.perf_counter()
    writer = CaptureWriter(path, header)
    for e in events:
        writer.write(e)
    writer.close("success")
    return n / (time.perf_counter() - start)


def info_time(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lgtui", "info", str(path)], check=True, capture_output=True
    )
    return time.perf_counter() - start


def _replay_child(path: str, seeks: int, out) -> None:
    """In a fresh process: first frame, full load, random seeks, peak memory."""
    from lgtui.ui.app import ReplayApp

    async def run() -> dict:
        start = time.perf_counter()
        app = ReplayApp(path)
        result: dict = {}
        async with app.run_test(size=(160, 50)) as pilot:
            while (
                app.session is None or app.session.count == 0 or "event 0 /" not in _timeline(app)
            ):
                await pilot.pause(0.005)
            result["first_frame"] = time.perf_counter() - start
            while app.main.capture_loading:
                await pilot.pause(0.05)
            result["loaded"] = time.perf_counter() - start
            result["events"] = app.session.count
            screen = app.main
            rng = random.Random(7)
            times = []
            for _ in range(seeks):
                target = rng.randrange(app.session.count)
                t0 = time.perf_counter()
                app.collector.touched()  # as the key press that would have asked for it
                screen.seek(target)  # moves the cursor and redraws every view from the Session
                times.append(time.perf_counter() - t0)
                await pilot.pause(0)
            result["seek_p50"] = statistics.median(times)
            result["seek_p99"] = sorted(times)[int(len(times) * 0.99) - 1]

            # search and the timeline over the whole run: how long until done, and the
            # longest the app's loop was busy meanwhile (what a key press could have waited)
            lags: list[float] = []

            async def probe() -> None:
                while True:
                    t0 = time.perf_counter()
                    await asyncio.sleep(0.01)
                    lags.append(time.perf_counter() - t0 - 0.01)

            watcher = asyncio.ensure_future(probe())
            screen.seek(app.session.count - 1)
            await pilot.press("slash", *"sunny")
            t0 = time.perf_counter()
            while screen.search is None or not screen.search.done:
                await pilot.pause(0.05)
            result["search_s"] = time.perf_counter() - t0
            result["search_matches"] = len(screen.search.matched)
            result["search_lag"] = max(lags)
            await pilot.press("escape", "escape")
            lags.clear()
            t0 = time.perf_counter()
            await pilot.press("8")
            view = screen.query_one("TimelineView")
            while view.timeline is None or view.timeline.pending:
                await pilot.pause(0.05)
            result["timeline_s"] = time.perf_counter() - t0
            result["timeline_tasks"] = len(view.timeline.tasks)
            result["timeline_lag"] = max(lags)
            watcher.cancel()
        return result

    def _timeline(app) -> str:
        try:
            return str(app.main.query_one("#timeline").render())
        except Exception:
            return ""

    result = asyncio.run(run())
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out.put(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seeks", type=int, default=300)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.msgpack"
        rate = build(path, args.events)
        size = path.stat().st_size
        print(
            f"capture      {args.events:,} events from recordings/ shapes, {size / 2**20:,.0f} MiB"
        )
        print(f"writer       {rate:>12,.0f} events/s   [target >= 50,000/s]")
        print(f"lgtui info   {info_time(path):>12.2f} s          [target <= 2 s]")
        queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=_replay_child, args=(str(path), args.seeks, queue))
        child.start()
        r = queue.get(timeout=900)
        child.join(60)
        print(
            f"first frame  {r['first_frame']:>12.2f} s          [target <= 1 s]  (whole file loaded in {r['loaded']:.1f} s, {r['events']:,} events)"
        )
        print(f"seek p50     {r['seek_p50'] * 1000:>12.1f} ms")
        print(f"seek p99     {r['seek_p99'] * 1000:>12.1f} ms         [target <= 50 ms]")
        print(
            f"peak memory  {r['peak_rss'] / 2**20:>12,.0f} MiB = {r['peak_rss'] / size:.2f}x the file   [target <= 1.5x]"
        )
        print(
            f"search       {r['search_s']:>12.1f} s          to search every event for a word "
            f"({r['search_matches']:,} matches); the app was busy at most "
            f"{r['search_lag'] * 1000:.0f} ms at a time meanwhile"
        )
        print(
            f"timeline     {r['timeline_s']:>12.1f} s          to read every task "
            f"({r['timeline_tasks']:,} tasks); the app was busy at most "
            f"{r['timeline_lag'] * 1000:.0f} ms at a time meanwhile"
        )


if __name__ == "__main__":
    main()
