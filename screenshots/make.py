"""Regenerate the screenshots in this folder from the bundled example graphs (in-process).

python screenshots/make.py
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from lgtui.cli import bundled_examples
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp

HERE = Path(__file__).parent
SIZE = (140, 40)


async def shoot(request: RunRequest, shots: list[tuple[str, tuple[str, ...]]]) -> None:
    app = LgtuiApp(EmbeddedSource(bundled_examples()), request=request)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 60
        while app.session is None or app.session.status == "running":
            await pilot.pause(0.1)
            if time.monotonic() > deadline:
                raise RuntimeError("run did not finish")
        await pilot.pause(0.5)
        for name, keys in shots:
            await pilot.press(*keys)
            await pilot.pause(0.6)
            app.save_screenshot(str(HERE / f"{name}.svg"))
            print(f"wrote {name}.svg")


async def shoot_replay(name: str, capture: str, shots: list[tuple[str, tuple[str, ...]]]) -> None:
    from lgtui.ui.app import ReplayApp

    app = ReplayApp(str(HERE.parent / "recordings" / capture))
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 60
        while app.session is None or app.main.capture_loading:
            await pilot.pause(0.1)
            if time.monotonic() > deadline:
                raise RuntimeError("capture did not load")
        await pilot.pause(0.3)
        for shot, keys in shots:
            await pilot.press(*keys)
            await pilot.pause(0.6)
            app.save_screenshot(str(HERE / f"{shot}.svg"))
            print(f"wrote {shot}.svg")


async def main() -> None:
    research = RunRequest("research", {"topic": "LangGraph streaming"}, subgraphs=True)
    await shoot(
        research,
        [
            ("live-run-all", ("1", "up", "up", "up")),
            ("live-run-messages", ("5",)),
            ("live-run-updates", ("2", "up")),
            ("live-run-debug", ("4", "up")),
            ("live-run-subgraph", ("1", "s", "s")),
        ],
    )
    await shoot(RunRequest("approval", {"request": "the launch"}), [("interrupt", ("2",))])
    await shoot_replay(
        "replay",
        "chat.msgpack",
        [
            ("replay-messages", ("g", "2", "0", "enter", "5")),
            ("replay-diff", ("1", "g", "3", "6", "enter", "D")),
        ],
    )
    await shoot_replay("replay-error", "error.msgpack", [("replay-error", ("e", "S"))])


if __name__ == "__main__":
    asyncio.run(main())
