"""The app driven with Pilot, against a real server and in-process graphs: what is on screen."""

from __future__ import annotations

import re

import pytest
from graphs.auth import TEST_API_KEY
from helpers.devserver import free_port
from helpers.ui import quit_with, screen_text, wait_for, wait_for_text

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.new_run import NewRunScreen

SIZE = (150, 45)


@pytest.fixture(scope="module")
def embedded(graphs_dir):
    return EmbeddedSource(str(graphs_dir))


def remote(server) -> RemoteSource:
    return RemoteSource(server.url, api_key=TEST_API_KEY)


async def dialog_shown(pilot, app: LgtuiApp) -> None:
    """Until the New run dialog is up with its widgets composed."""
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, NewRunScreen)
            and app.screen.query("#input")
            and app.screen.query("SelectOverlay")
            and app.screen.query("SelectCurrent #label")
        ),
        what="dialog",
    )


def done(app: LgtuiApp):
    return lambda: app.session is not None and app.session.status != "running"


async def test_live_run_from_a_server_fills_every_tab(server):
    app = LgtuiApp(remote(server), request=RunRequest("agent", {"topic": "ice cream"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app), what="run end")
        screen = await wait_for_text(pilot, " success ", "agent", "refine_topic", "generate_joke")
        assert "events 39" in screen
        assert f"server {server.url}" in screen
        await pilot.press("2")  # Updates
        screen = await wait_for_text(pilot, 'topic: "ice cream and cats"')
        await pilot.press("5")  # Messages: tokens assembled into one message
        screen = await wait_for_text(pilot, "why did the cat sit on the ice cream? to be cool")
        assert "generate_joke" in screen
        await pilot.press("7")  # Custom
        await wait_for_text(pilot, 'progress: "refining"', 'progress: "done"')
        await pilot.press("4")  # Debug: checkpoints and tasks
        await wait_for_text(pilot, "checkpoint step", "task start", "task result")


async def test_selecting_an_event_shows_its_payload(embedded):
    app = LgtuiApp(
        embedded, request=RunRequest("agent", {"topic": "ice cream"}, stream_mode=["updates"])
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        await pilot.press("1", "home")
        await wait_for_text(pilot, "#0 metadata")
        await pilot.press("down")
        screen = await wait_for_text(pilot, "#1 updates refine_topic")
        assert 'topic: "ice cream and cats"' in screen


async def test_messages_assemble_tool_calls_and_tool_results(embedded):
    request = RunRequest(
        "tools",
        {"messages": [{"role": "user", "content": "weather?"}]},
        stream_mode=["messages-tuple"],
    )
    app = LgtuiApp(embedded, request=request)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        await pilot.press("5")
        screen = await wait_for_text(
            pilot,
            "get_weather",
            "It is sunny in Paris, 21°C.",
            "It is sunny in Paris today, 21 degrees.",
        )
        assert '{"city":"Paris"}' in screen.replace(" ", "")
        assert "tool" in screen


async def test_error_event_stays_on_screen(server):
    app = LgtuiApp(remote(server), request=RunRequest("failing", {"topic": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        await wait_for_text(pilot, "✖ error ValueError", " error ")
        assert app.session.status == "error"
        await pilot.press("2", "3", "1")  # the banner stays whatever tab is shown
        assert "✖ error ValueError" in screen_text(app)


async def test_interrupt_is_shown_with_its_value(embedded):
    app = LgtuiApp(embedded, request=RunRequest("hitl", {"q": "your name?"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        await wait_for_text(pilot, "⏸ interrupt", 'question: "your name?"', " interrupted ")


async def test_subgraph_events_grouped_by_namespace(embedded):
    app = LgtuiApp(
        embedded, request=RunRequest("sub", {"foo": "foo"}, stream_mode=["updates"], subgraphs=True)
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        screen = await wait_for_text(pilot, "all namespaces", "root", "node_2:", "subgraph_node_1")
        ns_label = app.session.ns_label(next(ns for ns in app.session.namespaces if ns))
        assert ns_label.startswith("node_2:") and len(ns_label) == len("node_2:") + 4
        await pilot.press("s")  # root only
        await wait_for(pilot, lambda: "subgraph_node_1" not in screen_text(app), what="root filter")
        await pilot.press("s")  # the subgraph only
        screen = await wait_for_text(pilot, "subgraph_node_1", "subgraph_node_2")
        assert not re.search(r"\bnode_1 \{", screen)  # the root's node_1 update is filtered out


async def test_hostile_state_is_shown_literally(embedded):
    app = LgtuiApp(
        embedded, request=RunRequest("hostile", {}, stream_mode=["updates", "values", "custom"])
    )
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, done(app))
        await pilot.press("2")
        screen = await wait_for_text(pilot, "[bold]fill[/bold]")
        assert "[bold red]x[/] [@click=app.quit]q[/]" in screen
        assert "\\x1b[31mred\\x1b[0m" in screen
        assert "\x1b" not in screen
        assert "漢字テキスト" in screen
        # select the update: its payload tree holds the same values, literally
        await pilot.press("end")
        screen = await wait_for_text(pilot, "(200,000 chars, enter to view)")
        assert "[@click=app.quit]q[/]" in screen
        assert "deep: {1} {level1: {level2: {level3:" in screen  # 60 levels deep, opened on demand
        await pilot.press("7")
        await wait_for_text(pilot, "[bold red]x[/]")
        assert app.is_running
        await pilot.press("1", "up", "down")  # still answering keys
        assert app.is_running


async def test_huge_hostile_values_are_cut_for_display_and_viewable_whole(embedded):
    """A 10 MB string with markup and control characters inside, a 10,000-key dict and
    100 levels of nesting: shown cut, literally, opened whole on demand, keys still work."""
    from lgtui.ui.screens.value import ValueScreen
    from lgtui.ui.widgets.long_text import LongText

    app = LgtuiApp(
        embedded,
        request=RunRequest("hostile", {"huge": True}, stream_mode=["updates", "values"]),
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app), timeout=60)
        await pilot.press("3", "end")  # Values: the last state
        screen = await wait_for_text(pilot, "(10,000,104 chars, enter to view)", "many: {10000}")
        assert "\x00" not in screen and "\x1b" not in screen
        tree = app.screen.query_one("#state")  # the Values tab shows the state pane
        node = next(n for n in tree.root.children if str(n.label.plain).startswith("big:"))
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ValueScreen), what="value viewer")
        screen = await wait_for_text(pilot, "10,000,104 characters (esc to close)", "BBBBBBBB")
        view = app.screen.query_one(LongText)
        # the markup and control characters in the middle, on their row, literally
        middle = "".join(view.row_text(r) for r in range(view.rows))
        assert len(middle) > 10_000_000
        assert "[bold red]x[/] [@click=app.quit]q[/]" in middle
        assert "\\x1b[31mred\\x1b[0m" in middle and "\\x07EEEE" in middle
        assert not any(c in middle for c in "\x00\x07\x1b")  # escaped, never raw
        await pilot.press("end")
        await wait_for_text(pilot, "EEEEEEEE")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ValueScreen), what="closed")
        # 100 levels: open one level at a time, as deep as wanted
        deep = next(n for n in tree.root.children if str(n.label.plain).startswith("deep:"))
        for _ in range(100):
            deep.expand()
            for _ in range(100):  # the children are made when the expansion is handled
                if deep.children:
                    break
                await pilot.pause()
            deep = deep.children[0]
        assert str(deep.label.plain) == 'level100: "bottom"'
        await pilot.press("1", "up", "down", "2")
        assert app.is_running


async def test_new_run_dialog_rejects_invalid_json(embedded):
    app = LgtuiApp(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_shown(pilot, app)
        area = app.screen.query_one("#input")
        area.text = '{\n  "topic": oops\n}'
        await wait_for_text(pilot, "invalid JSON at line 2, column 12")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "nothing was sent")
        assert app.session is None and isinstance(app.screen, NewRunScreen)
        assert area.cursor_location == (1, 11)
        area.text = '{"topic": "ok"}'
        app.screen.query_one("#assistant").value = "agent"
        await pilot.press("ctrl+s")
        await wait_for(pilot, done(app))
        assert app.session.assistant == "agent"
        await wait_for_text(pilot, " success ", "refine_topic")


async def test_server_error_keeps_the_app_running(server):
    app = LgtuiApp(remote(server), request=RunRequest("nope", {}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, done(app))
        await wait_for_text(pilot, "HTTP 422", "Invalid assistant: 'nope'")
        assert app.is_running
        app.last_request.assistant = "agent"
        app.last_request.input = {"topic": "y"}
        await pilot.press("r")
        await wait_for(
            pilot, lambda: app.session.assistant == "agent" and app.session.status == "success"
        )


async def test_unreachable_server_is_reported_and_the_app_keeps_running():
    app = LgtuiApp(RemoteSource(f"http://127.0.0.1:{free_port()}"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_text(pilot, "cannot reach")
        assert app.is_running
        await quit_with(pilot)
    assert not app.is_running


async def test_cancel_a_running_run(embedded):
    request = RunRequest("firehose", {"count": 3_000_000, "size": 60}, stream_mode=["custom"])
    app = LgtuiApp(embedded, request=request)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count > 100)
        await pilot.press("x")
        await wait_for(pilot, done(app), timeout=30)
        # what a server says of a cancelled run, and that it was the user
        assert app.session.status == "interrupted" and app.session.cancelled
        await wait_for_text(pilot, " interrupted ", "cancelled by you")


async def test_cancel_a_server_run_shows_the_servers_status(server):
    request = RunRequest("firehose", {"count": 3_000_000, "size": 60}, stream_mode=["custom"])
    app = LgtuiApp(remote(server), request=request)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count > 100)
        await pilot.press("x")
        await wait_for(pilot, done(app), timeout=30)
        assert app.session.status == "interrupted" and app.session.cancelled
        await wait_for_text(pilot, " interrupted ", "cancelled by you")


async def test_breakpoints_from_the_new_run_dialog(embedded):
    app = LgtuiApp(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_shown(pilot, app)
        app.screen.query_one("#assistant").value = "agent"
        app.screen.query_one("#input").text = '{"topic": "x"}'
        app.screen.query_one("#interrupt-before").value = "generate_joke"
        await pilot.press("ctrl+s")
        await wait_for(pilot, done(app))
        assert app.session.status == "interrupted"
        await wait_for_text(pilot, "⏸ interrupt (breakpoint)", " interrupted ")
        assert app.last_request.interrupt_before == ["generate_joke"]
