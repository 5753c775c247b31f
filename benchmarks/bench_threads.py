"""Thread browser and checkpoint history against a real `langgraph dev` holding
10,000 threads and a thread with 1,000 checkpoints.

    python benchmarks/bench_threads.py [--threads 10000] [--checkpoints 1000]

Prints: time until the first page of threads is on screen, key presses answered while
scrolling through pages (worst and median), and time until the first page of a
1,000-checkpoint history is on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from graphs.auth import TEST_API_KEY  # noqa: E402
from helpers.devserver import start_dev_server  # noqa: E402


async def populate(url: str, threads: int, checkpoints: int) -> str:
    import httpx

    headers = {"x-api-key": TEST_API_KEY}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        sem = asyncio.Semaphore(32)

        async def one(i: int) -> None:
            async with sem:
                r = await client.post("/threads", json={"metadata": {"bench": i}})
                r.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(threads)))
        print(f"created {threads:,} threads in {time.perf_counter() - start:.1f} s")
        # one thread with a long history: a run, then many state updates
        r = await client.post("/threads", json={})
        thread_id = r.json()["thread_id"]
        r = await client.post(
            f"/threads/{thread_id}/runs/wait",
            json={"assistant_id": "agent", "input": {"topic": "x"}},
        )
        r.raise_for_status()
        start = time.perf_counter()
        for i in range(checkpoints):
            r = await client.post(
                f"/threads/{thread_id}/state",
                json={"values": {"topic": f"t{i}"}, "as_node": "refine_topic"},
            )
            r.raise_for_status()
        print(f"wrote {checkpoints:,} checkpoints in {time.perf_counter() - start:.1f} s")
        return thread_id


async def measure(url: str, thread_id: str) -> None:
    from textual.widgets import DataTable, Tree

    from lgtui.sources.remote import RemoteSource
    from lgtui.ui.app import LgtuiApp
    from lgtui.ui.screens.history import HistoryScreen
    from lgtui.ui.screens.threads import ThreadsScreen

    app = LgtuiApp(RemoteSource(url, api_key=TEST_API_KEY), thread=thread_id, open_history=False)
    async with app.run_test(size=(160, 50)) as pilot:
        while app.assistants is None and app.screen is app.main:
            await pilot.pause(0.01)
        while app.screen is not app.main:
            app.pop_screen()
            await pilot.pause(0.01)
        start = time.perf_counter()
        app.push_screen(ThreadsScreen())
        while not (
            isinstance(app.screen, ThreadsScreen)
            and any(t.row_count for t in app.screen.query(DataTable))
        ):
            await pilot.pause(0.005)
        first = time.perf_counter() - start
        print(f"threads: first page on screen      {first * 1000:8.0f} ms   [target <= 500 ms]")
        latencies = []
        for _ in range(300):  # scroll down through several pages, one key at a time
            t0 = time.perf_counter()
            await pilot.press("down")
            latencies.append(time.perf_counter() - t0)
        rows = app.screen.query_one(DataTable).row_count
        print(
            f"threads: key press while scrolling  median {statistics.median(latencies) * 1000:.1f} ms, "
            f"worst {max(latencies) * 1000:.1f} ms ({rows:,} rows loaded on demand; a Pilot key press "
            "round trip, which includes Pilot waiting for the app to go idle)"
        )
        app.pop_screen()
        await pilot.pause(0.1)
        start = time.perf_counter()
        app.push_screen(HistoryScreen(thread_id))
        while not (
            isinstance(app.screen, HistoryScreen)
            and app.screen.checkpoints
            and any(t.root.children for t in app.screen.query(Tree))
        ):
            await pilot.pause(0.005)
        first = time.perf_counter() - start
        print(
            f"history: first page on screen      {first * 1000:8.0f} ms   [target <= 500 ms] ({len(app.screen.checkpoints)} checkpoints in the first page)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--checkpoints", type=int, default=1_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_dev_server(
            ROOT / "tests" / "graphs" / "langgraph.json", Path(tmp) / "server.log"
        ) as server,
    ):
        thread_id = asyncio.run(populate(server.url, args.threads, args.checkpoints))
        asyncio.run(measure(server.url, thread_id))


if __name__ == "__main__":
    main()
