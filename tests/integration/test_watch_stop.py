"""Stopping a watch (w, then x) on a real server's thread: lgtui stops showing it and
says so -- "stopped watching", never "cancelled" (the thread's runs are other clients')."""

from __future__ import annotations

from graphs.auth import TEST_API_KEY
from helpers.ui import screen_text, wait_for, wait_for_text, wait_for_toast

from lgtui.sources.base import RunRequest
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp


async def test_a_stopped_watch_says_so(server):
    app = LgtuiApp(
        RemoteSource(server.url, api_key=TEST_API_KEY), request=RunRequest("agent", {"topic": "x"})
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await pilot.press("w")
        await wait_for(pilot, lambda: bool(app.session.request.get("watch")) and app.running)
        await wait_for_text(pilot, "watching")
        await pilot.press("x")
        await wait_for_toast(pilot, "Stopped watching the thread (its runs go on).")
        await wait_for(pilot, lambda: not app.running, timeout=30)
        await wait_for_text(pilot, "stopped watching")
        assert " cancelled " not in screen_text(app)
