"""Chat (M), against a real `langgraph dev` and the embedded engine alike: the thread's
whole conversation (every run's messages, the user's too), tool calls folded to a line
and unfolded, tokens and latency per answer; a message typed at the bottom is sent with
enter as a new run on the thread and its answer streams in place; shift+enter and ctrl+j
make new lines; an empty message, a second one while a run streams, a run without a
thread, a source without threads and a graph without messages are each said."""

from __future__ import annotations

import re

from helpers.paths import RECORDINGS
from helpers.recorded import RecordedSource
from helpers.ui import screen_text, wait_for, wait_for_text, wait_for_toast

from lgtui.sources.base import RunRequest
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.chat import ChatInput, ChatScreen, ToolLine

SIZE = (110, 40)
WEATHER = {"messages": [{"role": "human", "content": "What is the weather in Paris?"}]}


def said(text: str) -> dict:
    return {"messages": [{"role": "human", "content": text}]}


async def finished(pilot, app, before=None) -> None:
    await wait_for(
        pilot,
        lambda: app.session is not before and app.session.status == "success",
        timeout=60,
        what="the run's end",
    )


async def open_chat(pilot, app) -> ChatScreen:
    await pilot.press("M")
    await wait_for(
        pilot, lambda: isinstance(app.screen, ChatScreen) and app.screen.loaded, what="the chat"
    )
    return app.screen


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def test_every_run_of_the_thread_as_a_chat(source):
    app = LgtuiApp(source, request=RunRequest("chat", WEATHER))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await finished(pilot, app)
        first = app.session
        # a second run on the thread, started as the main screen starts them
        app.start_run(app.controller.follow_up("chat", first.thread_id, input=said("thanks a lot")))
        await finished(pilot, app, first)
        assert app.session.thread_id == first.thread_id
        await open_chat(pilot, app)
        text = await wait_for_text(
            pilot,
            "What is the weather in Paris?",  # the first run: the user's message,
            "It is sunny in Paris today.",  # the answer after the tool's
            "thanks a lot",  # the second run's
            "You said: thanks a lot",
        )
        assert [row.strip() for row in text.splitlines()].count("you") == 2
        # the tool call on one line, name and arguments; its result folded under it
        assert re.search(r'▸ ⚙ get_weather \{"city": "Paris"\}', text)
        assert "forecast for Paris" not in text
        # the tokens each answer reported, and how long it took (from the history)
        assert "tokens in 12 · out 7" in text
        answers = re.findall(r"assistant · (\d+\.\d\d)s · tokens in \d+ · out \d+", text)
        assert len(answers) == 3, text
        # enter on the tool call unfolds its arguments and result; enter again folds them
        await pilot.press("tab", "tab")  # the message line -> the conversation -> the call
        assert isinstance(app.focused, ToolLine)
        await pilot.press("enter")
        text = await wait_for_text(pilot, "↳ forecast for Paris: sunny, 21°C", "▾ ⚙ get_weather")
        assert '"city": "Paris"' in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: "forecast for Paris" not in screen_text(app), what="folded")
        # ctrl+o unfolds every call, and folds them again
        await pilot.press("ctrl+o")
        await wait_for_text(pilot, "↳ forecast for Paris: sunny, 21°C")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "forecast for Paris" not in screen_text(app), what="folded")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main, what="escape: back")
        await open_chat(pilot, app)
        await pilot.press("tab")  # (q types in the message line: from the conversation)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is app.main, what="q: back")


async def test_sending_a_message_from_the_chat(source):
    app = LgtuiApp(source, request=RunRequest("chat", WEATHER))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await finished(pilot, app)
        first = app.session
        chat = await open_chat(pilot, app)
        line = chat.query_one(ChatInput)
        assert app.focused is line
        # an empty message is not sent (nor one of blanks)
        await pilot.press("enter")
        await wait_for_toast(pilot, "Nothing to send")
        await pilot.press("space", "enter")
        assert app.session is first and app.screen is chat
        line.clear()
        # shift+enter and ctrl+j start new lines; enter sends
        await type_text(pilot, "hello")
        await pilot.press("shift+enter")
        await type_text(pilot, "big")
        await pilot.press("ctrl+j")
        await type_text(pilot, "world")
        assert line.text == "hello\nbig\nworld"
        assert app.session is first
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session is not first, what="a run started")
        second = app.session
        assert line.text == ""
        assert second.thread_id == first.thread_id
        assert second.assistant == "chat"
        assert second.request["input"] == said("hello\nbig\nworld")
        assert "messages-tuple" in second.request["stream_mode"]
        text = await wait_for_text(pilot, "You said: hello")
        assert re.search(r"^ hello\s*\n big\s*\n world\s*$", text, re.M), text
        await finished(pilot, app, first)
        await wait_for(pilot, lambda: chat.run is None, what="the thread read again")
        text = await wait_for_text(pilot, "You said: hello")
        assert text.count("You said: hello") == 1  # (the streamed answer is the thread's now)
        # while an answer streams, a message is not sent: said, and kept in the line
        await type_text(pilot, "tell me slowly")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session is not second, what="the slow run")
        slow = app.session
        await wait_for_text(pilot, "You said: tell me slowly", "streaming…")
        await type_text(pilot, "again")
        await pilot.press("enter")
        await wait_for_toast(pilot, "A run is streaming")
        assert line.text == "again"
        assert app.session is slow and slow.status == "running"
        # back on the main screen, x cancels it; the chat then shows the thread as it is
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main)
        await pilot.press("x")
        await wait_for(pilot, lambda: slow.status != "running", timeout=30, what="cancelled")
        await open_chat(pilot, app)
        await wait_for_text(pilot, "tell me slowly", "You said: hello")


async def test_a_run_without_a_thread_has_no_chat(source):
    app = LgtuiApp(source, request=RunRequest("chat", WEATHER, thread_id=None))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await finished(pilot, app)
        await pilot.press("M")
        await wait_for_toast(pilot, "No thread yet")
        assert app.screen is app.main


async def test_a_graph_without_messages_says_so(source):
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "cats"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await finished(pilot, app)
        chat = await open_chat(pilot, app)
        text = await wait_for_text(pilot, "this graph's state has no messages")
        assert "joke" in text  # (the keys it has)
        assert not chat.query_one(ChatInput).display
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main)


async def test_a_source_without_threads_has_no_chat():
    app = LgtuiApp(RecordedSource(RECORDINGS / "research.msgpack"), request=RunRequest("x", {}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        assert app.session.thread_id  # (the run had one: the source keeps none)
        await pilot.press("M")
        await wait_for_toast(pilot, "This source has no threads")
        assert app.screen is app.main
