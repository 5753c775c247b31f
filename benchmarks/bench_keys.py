"""Key press to paint, on an ordinary run and on hostile payloads (issue 5, item 6).

Runs the bundled test graphs in-process and times, for each key, how long from the key
reaching the app to the next frame being painted (the frame rendered to terminal bytes,
which headless mode otherwise skips).  Baseline: the same keys on the small `agent` run,
measured in the same process.  Hostile: the `hostile` graph with ``huge: true`` — a
10 MB string holding markup and control characters, a 10,000-key dict, 100-level nesting.

    python benchmarks/bench_keys.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from lgtui.sources.base import RunRequest  # noqa: E402
from lgtui.sources.embedded import EmbeddedSource  # noqa: E402
from lgtui.ui.app import LgtuiApp  # noqa: E402

# tab switches, moving through events (each selection fills the payload/state panes),
# the panes themselves, the JSON tree
KEYS = ["2", "end", "home", "3", "end", "1", "down", "down", "up", "end", "S", "D", "P", "7"]


async def key_to_paint(app: LgtuiApp, key: str) -> tuple[float, float] | None:
    """Seconds from posting ``key`` to the first frame painted after it (the key is
    answered), and to the frame that completes the panes it refills (they wait for the
    cursor to rest DETAIL_DELAY = 120 ms, so a held arrow key does not rebuild them)."""
    painted: list[float] = []
    original = app._display

    def spy(screen, renderable) -> None:
        original(screen, renderable)
        if renderable is not None:
            # what a real terminal driver would do with the frame
            "".join(renderable.render_segments(app.console))
            painted.append(time.perf_counter())

    app._display = spy  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        app.simulate_key(key)
        deadline = start + 3
        while not painted and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        if not painted:
            return None  # the key changed nothing on screen (e.g. home at the top)
        first = painted[0] - start
        # an idle screen paints nothing: the key is done when 250 ms pass without a frame
        while time.perf_counter() < deadline:
            before = len(painted)
            await asyncio.sleep(0.25)
            if len(painted) == before:
                break
        return first, painted[-1] - start
    finally:
        app._display = original  # type: ignore[method-assign]


async def measure(assistant: str, run_input: dict, repeat: int) -> tuple[list[float], list[float]]:
    source = EmbeddedSource(str(ROOT / "tests" / "graphs"))
    request = RunRequest(assistant, run_input, stream_mode=["updates", "values", "custom"])
    app = LgtuiApp(source, request=request)
    firsts: list[float] = []
    settles: list[float] = []
    async with app.run_test(size=(150, 45)) as pilot:
        deadline = time.monotonic() + 120
        while (app.session is None or app.session.status == "running") and (
            time.monotonic() < deadline
        ):
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        for _ in range(repeat):
            for key in KEYS:
                answer = await key_to_paint(app, key)
                if os.environ.get("BENCH_VERBOSE"):
                    print(key, answer)
                if answer is None:
                    continue
                first, settled = answer
                firsts.append(first)
                settles.append(settled)
    return firsts, settles


def summary(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (
        f"{name:<34} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   "
        f"worst {ms[-1]:6.1f} ms   ({len(ms)} keys)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base, base_settled = asyncio.run(measure("agent", {"topic": "cats"}, args.repeat))
    hostile, hostile_settled = asyncio.run(measure("hostile", {"huge": True}, args.repeat))
    print("key press -> first frame after it (the key answered):")
    print(summary("  baseline: agent run", base))
    print(summary("  hostile: 10 MB / 10k keys / 100 deep", hostile))
    print("key press -> last frame of the panes it refills (after the 120 ms rest):")
    print(summary("  baseline: agent run", base_settled))
    print(summary("  hostile: 10 MB / 10k keys / 100 deep", hostile_settled))
    print(
        f"ratio hostile/baseline, key answered: median "
        f"{statistics.median(hostile) / statistics.median(base):.2f}x, worst "
        f"{max(hostile) / max(base):.2f}x   [target: every key answered <= 100 ms]"
    )


if __name__ == "__main__":
    main()
