"""Regenerate the screenshots in this folder: every screen of lgtui, made from the files in
recordings/ (the same screens the snapshot tests check; see tests/helpers/screens.py).

    python screenshots/make.py [NAME ...]     (default: all of them)
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers.screens import SCREENS  # noqa: E402

SIZE = (130, 40)


async def shoot(screen) -> None:
    app = screen.make()
    async with app.run_test(size=SIZE) as pilot:
        await screen.before(pilot)
        await pilot.pause(0.3)
        app.save_screenshot(str(HERE / f"{screen.name}.svg"))
    print(f"wrote {screen.name}.svg  ({screen.caption})")


def main() -> None:
    os.chdir(ROOT)  # the replays show their path as given: recordings/NAME.msgpack
    wanted = set(sys.argv[1:])
    unknown = wanted - {s.name for s in SCREENS}
    if unknown:
        raise SystemExit(f"unknown screens: {', '.join(sorted(unknown))}")
    for screen in SCREENS:
        if not wanted or screen.name in wanted:
            asyncio.run(shoot(screen))
    if not wanted:  # screens that are gone
        keep = {f"{s.name}.svg" for s in SCREENS}
        for old in HERE.glob("*.svg"):
            if old.name not in keep:
                old.unlink()
                print(f"removed {old.name}")


if __name__ == "__main__":
    main()
