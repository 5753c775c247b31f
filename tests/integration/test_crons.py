"""Crons (C): a real `langgraph dev`'s scheduled runs listed read-only, the selected one
whole; a source without crons (the embedded engine) says so."""

from __future__ import annotations

import httpx
from graphs.auth import TEST_API_KEY
from helpers.ui import wait_for, wait_for_text, wait_for_toast

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.crons import CronsScreen


async def test_a_servers_crons_are_listed(server):
    headers = {"x-api-key": TEST_API_KEY}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
        made = await client.post(
            "/runs/crons",
            json={"assistant_id": "agent", "schedule": "17 4 * * 1", "input": {"topic": "x"}},
        )
        assert made.status_code == 200, made.text
        cron_id = made.json()["cron_id"]
    app = LgtuiApp(RemoteSource(server.url, api_key=TEST_API_KEY))
    try:
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.screen is not app.main and app.screen.query("#input"))
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.main)
            await pilot.press("C")
            await wait_for(pilot, lambda: isinstance(app.screen, CronsScreen))
            await wait_for_text(
                pilot, "17 4 * * 1", "agent", cron_id[:8], "(a new thread each run)"
            )
            await pilot.press("q")
            await wait_for(pilot, lambda: app.screen is app.main)
    finally:
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
            await client.delete(f"/runs/crons/{cron_id}")


async def test_a_source_without_crons_says_so(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "x"}))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.press("C")
        await wait_for_toast(pilot, "This source has no crons")
        assert app.screen is app.main
    source.close()
