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


async def _shoot(app, ready, shots: list[tuple[str, tuple[str, ...]]]) -> None:
    """Wait (bounded) until ``ready(app)``, then press each shot's keys and save an SVG."""
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 60
        while not ready(app):
            await pilot.pause(0.1)
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not get ready in 60 s")
        await pilot.pause(0.5)
        for name, keys in shots:
            await pilot.press(*keys)
            await pilot.pause(0.6)
            app.save_screenshot(str(HERE / f"{name}.svg"))
            print(f"wrote {name}.svg")


async def shoot(request: RunRequest, shots: list[tuple[str, tuple[str, ...]]]) -> None:
    """A live run of the bundled examples, once it has finished."""
    app = LgtuiApp(EmbeddedSource(bundled_examples()), request=request)
    await _shoot(app, lambda a: a.session is not None and a.session.status != "running", shots)


async def shoot_replay(capture: str, shots: list[tuple[str, tuple[str, ...]]]) -> None:
    """A replay of recordings/<capture>, once it has loaded."""
    from lgtui.ui.app import ReplayApp

    app = ReplayApp(str(HERE.parent / "recordings" / capture))
    await _shoot(app, lambda a: a.session is not None and not a.main.capture_loading, shots)


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
        "chat.msgpack",
        [
            ("replay-messages", ("g", "2", "0", "enter", "5")),
            ("replay-diff", ("1", "g", "3", "6", "enter", "D")),
        ],
    )
    await shoot_replay("error.msgpack", [("replay-error", ("e", "S"))])


if __name__ == "__main__":
    asyncio.run(main())
