"""The Chat screen's data (lgtui/chat.py): a thread's messages in both forms, tool results
under their calls, each answer's latency from the history, the message just sent shown
until the run's state holds it."""

from __future__ import annotations

from lgtui.chat import PENDING, latencies, merged, state_messages, thread_messages, turns
from lgtui.ui.screens.chat import chat_modes


def test_langchain_dumps_and_openai_dicts_alike():
    values = {
        "messages": [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "snow"},
            {
                "type": "ai",
                "id": "a2",
                "content": "It snows.",
                "usage_metadata": {"input_tokens": 3, "output_tokens": 2},
            },
        ]
    }
    messages = thread_messages(values)
    assert [m.role for m in messages] == ["human", "ai", "tool", "ai"]
    call = messages[1].tool_calls[0]
    assert (call.name, call.args, call.id) == ("get_weather", '{"city": "Oslo"}', "c1")
    shown = turns(messages, {"a2": 1.5})
    assert [t.msg.role for t in shown] == ["human", "ai", "ai"]  # the result under its call
    assert shown[1].results[0].text == "snow"
    assert shown[2].latency == 1.5 and shown[2].msg.usage["output_tokens"] == 2


def test_a_state_without_messages():
    assert thread_messages({"topic": "cats"}) is None
    assert thread_messages(None) == [] and thread_messages({}) == []  # (no run yet)
    assert state_messages([{"role": "user", "content": "hi"}]) == [  # a list state
        {"role": "user", "content": "hi"}
    ]


def test_latency_is_the_step_that_added_the_answer():
    def checkpoint(cid, parent, when, ids):
        return {
            "checkpoint": {"checkpoint_id": cid},
            "parent_checkpoint": {"checkpoint_id": parent} if parent else None,
            "created_at": f"2026-01-01T10:00:{when}+00:00",
            "values": {"messages": [{"type": t, "id": i, "content": ""} for t, i in ids]},
        }

    history = [  # newest first, as the source lists them
        checkpoint("c3", "c2", "04.000", [("human", "h1"), ("ai", "a1"), ("ai", "a2")]),
        checkpoint("c2", "c1", "01.250", [("human", "h1"), ("ai", "a1")]),
        checkpoint("c1", None, "00.000", [("human", "h1")]),
    ]
    assert latencies(history) == {"a1": 1.25, "a2": 2.75}
    assert latencies([]) == {}


def test_the_message_sent_shows_until_the_state_holds_it():
    thread = thread_messages({"messages": [{"type": "human", "id": "h1", "content": "hi"}]})
    shown = merged(thread, None, "and then?")
    assert [m.id for m in shown] == ["h1", PENDING]
    assert shown[-1].role == "human" and shown[-1].text == "and then?"


def test_the_modes_a_chat_run_streams():
    assert chat_modes(["custom"]) == ["custom", "messages-tuple", "values"]
    assert chat_modes(["messages", "debug"]) == ["messages", "debug"]
