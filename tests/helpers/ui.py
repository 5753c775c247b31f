"""Read what a user would see on the screen of an app under Pilot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.app import App


def screen_text(app: App) -> str:
    """The visible screen as plain text, one line per row (what a user would read).
    (Textual offers the screen only as an SVG, ~40 ms a call; this reads the compositor's
    lines, ~9 ms: the one place the tests touch Textual's internals.)"""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def wait_for(
    pilot, predicate: Callable[[], bool], timeout: float = 20.0, what: str = ""
) -> None:
    """Pause until ``predicate()`` holds; bounded in time."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}{_seen(pilot.app)}")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


def _seen(app: App) -> str:
    """What was on screen and focused when a wait gave up (for the failure's message)."""
    try:
        return f"\n--- {app.screen!r}, focus {app.focused!r} ---\n{screen_text(app)}"
    except Exception as exc:  # the app is gone: say so, never hide the timeout
        return f"\n(no screen: {exc!r})"


async def wait_for_text(pilot, *texts: str, timeout: float = 20.0) -> str:
    """Pause until every one of ``texts`` is on screen; return the screen."""
    await wait_for(
        pilot,
        lambda: all(t in screen_text(pilot.app) for t in texts),
        timeout,
        f"{texts!r} on screen",
    )
    return screen_text(pilot.app)


def toasts(app) -> str:
    """What the app said in toasts, each whole (on screen they wrap at the toast's width)."""
    return "\n".join(said.message for said in app.said)


async def wait_for_toast(pilot, *fragments: str) -> str:
    app = pilot.app
    await wait_for(
        pilot, lambda: all(f in toasts(app) for f in fragments), what=f"toast {fragments}"
    )
    return toasts(app)


_CHARS = {
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "space": " ",
    "question_mark": "?",
}


def _post_key(app: App, key: str) -> None:
    """The key as the terminal driver posts it (its character, where it has one)."""
    from textual import events

    app.post_message(events.Key(key, _CHARS.get(key, key if len(key) == 1 else None)))


async def press_quickly(pilot, *keys: str) -> None:
    """Keys as the terminal driver posts them, each taken by the screen before the next --
    without Pilot's wait for the whole process to go idle (~150 ms a key while the app's
    own timers run), for tests that press hundreds."""
    app = pilot.app
    for key in keys:
        _post_key(app, key)
        await pilot.pause(0)
        await pilot.pause(0)


async def quit_with(pilot, key: str = "q", timeout: float = 20.0) -> None:
    """Press the key that ends the app and wait, bounded, until it has asked to exit.
    (Pilot.press and Pilot.pause wait for the animator and the screen; an animation
    started while the app shuts down is never finished, so they may never return.)"""
    app = pilot.app
    _post_key(app, key)
    deadline = time.monotonic() + timeout
    while not getattr(app, "_exit", False):
        if time.monotonic() > deadline:
            raise AssertionError(f"{key} did not end the app in {timeout} s")
        await asyncio.sleep(0.02)
