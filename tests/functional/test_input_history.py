"""The New run dialog remembers the inputs each assistant ran (ctrl+up / ctrl+down, as a
shell's history), in a private file beside config.toml; another assistant starts on a
new thread unless a thread id is typed on purpose."""

from __future__ import annotations

import json

from helpers.ui import wait_for, wait_for_text
from textual.widgets import Input, Select, TextArea

from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.new_run import NewRunScreen


async def dialog(pilot, app) -> NewRunScreen:
    await wait_for(
        pilot, lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#input")
    )
    return app.screen


async def run(pilot, app, text: str) -> None:
    screen = await dialog(pilot, app)
    screen.query_one("#assistant", Select).value = "agent"
    screen.query_one("#input", TextArea).load_text(text)
    before = app.session
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: app.session is not before and app.session.status == "success")


async def test_inputs_come_back_with_ctrl_up_and_a_new_assistant_gets_a_new_thread(
    graphs_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("LGTUI_CONFIG", str(tmp_path / "config.toml"))
    source = EmbeddedSource(str(graphs_dir))
    app = LgtuiApp(source)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await run(pilot, app, '{"topic": "one"}')
        await pilot.press("ctrl+n")
        await run(pilot, app, '{"topic": "two"}')
        saved = tmp_path / "inputs.json"
        await wait_for(pilot, lambda: saved.exists() and "two" in saved.read_text())
        assert json.loads(saved.read_text())["agent"] == ['{"topic": "one"}', '{"topic": "two"}']
        assert oct(saved.stat().st_mode & 0o777) == "0o600"
        await pilot.press("ctrl+n")
        screen = await dialog(pilot, app)
        area = screen.query_one("#input", TextArea)
        area.load_text('{"topic": "typed"}')
        seen = []
        for key in ("ctrl+up", "ctrl+up", "ctrl+up", "ctrl+down", "ctrl+down"):
            await pilot.press(key)
            seen.append(area.text)
        assert seen == [
            '{"topic": "two"}', '{"topic": "one"}', '{"topic": "one"}',  # (the oldest: stays)
            '{"topic": "two"}', '{"topic": "typed"}',  # and back to what was typed
        ]  # fmt: skip
        await wait_for_text(pilot, "what you typed")
        # the thread of the last run is offered; another assistant means a new thread
        thread = screen.query_one("#thread", Input)
        assert thread.value == app.session.thread_id
        screen.query_one("#assistant", Select).value = "tools"
        await wait_for(pilot, lambda: thread.value == "new")
        await wait_for_text(pilot, "a new thread for another assistant")
    source.close()
