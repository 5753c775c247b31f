"""The Messages tab is the conversation: the state's messages (the user's input, earlier
turns, tool results) with what streamed, and a mark where this run began."""

from __future__ import annotations

from helpers.ui import wait_for, wait_for_text

from lgtui.conversation import conversation
from lgtui.events import StreamEvent
from lgtui.session import Session
from lgtui.sources.base import RunHandle, RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp


def ask(question: str, thread: str = "new") -> RunRequest:
    return RunRequest(
        "tools", {"messages": [{"role": "user", "content": question}]}, thread_id=thread
    )


async def test_two_turns_of_a_thread(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    try:
        sessions = []
        thread = "new"
        for question in ("weather in Paris?", "and tomorrow?"):
            request = ask(question, thread)
            session = Session(request=request.describe())
            handle = RunHandle()
            async for event in source.stream_run(request, handle):
                session.append(event)
            thread = handle.thread_id
            sessions.append(session)
    finally:
        await source.aclose()
    first, second = (conversation(s) for s in sessions)
    assert [(m.role, m.text) for m in first.messages] == [
        ("human", "weather in Paris?"),
        ("ai", ""),
        ("tool", "It is sunny in Paris, 21°C."),
        ("ai", "It is sunny in Paris today, 21 degrees."),
    ]
    assert first.first_new == 0 and first.messages[1].tool_calls[0].name == "get_weather"
    assert first.messages[3].chunks > 1  # the answer as it streamed, with its chunks
    assert [m.role for m in second.messages] == ["human", "ai", "tool", "ai", "human", "ai"]
    assert second.first_new == 4 and second.messages[4].text == "and tomorrow?"
    # as of an event before the answer streamed, the conversation stops there
    before = conversation(
        sessions[0], as_of=sessions[0].messages[next(iter(sessions[0].messages))].first_seq
    )
    assert len(before.messages) < len(first.messages)


def test_messages_in_the_openai_form_and_tool_results_as_dicts():
    session = Session(request={"input": {"messages": [{"role": "user", "content": "hi"}]}})
    state = {
        "messages": [
            {"role": "user", "content": "earlier question"},
            {"role": "assistant", "content": "earlier answer"},
            {"role": "user", "content": "hi"},
            {"role": "tool", "content": {"temp": 21}, "tool_call_id": "call_1"},
        ]
    }
    session.append(StreamEvent.from_data(0, 0.0, "values", {"messages": state["messages"][:3]}))
    session.append(StreamEvent.from_data(1, 0.1, "values", state))
    talk = conversation(session)
    assert [m.role for m in talk.messages] == ["human", "ai", "human", "tool"]
    assert talk.messages[3].tool_call_id == "call_1"
    assert talk.first_new == 2  # the run's own input is where it begins


async def test_the_messages_tab_shows_the_whole_conversation(graphs_dir):
    app = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=ask("weather in Paris?"))
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await pilot.press("5")
        await wait_for_text(
            pilot,
            "── this run ──",
            "weather in Paris?",
            "in the state",
            "get_weather",
            "21 degrees",
        )
