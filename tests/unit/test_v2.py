"""The thread-centric stream (v2) in the Session: what a real `langgraph dev` sent
(tests/reference/v2, recorded by tests/reference/record.py) read into the run's agents,
tool calls, messages, interrupts, errors and status; captures of it; hostile envelopes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from lgtui.capture import read_capture, summarize
from lgtui.messages import BlockMessages, Message
from lgtui.recorder import Recorder
from lgtui.session import Session
from lgtui.sources.sse import SSEParser
from lgtui.tokens import Usage, answer_usage
from lgtui.v2 import V2Event, event_of, root_terminal, wanted

REFERENCE = Path(__file__).parents[1] / "reference" / "v2"


def events_of(name: str) -> list[V2Event]:
    parser = SSEParser()
    sses = parser.feed((REFERENCE / f"{name}.sse").read_bytes())
    return [
        event_of(i, i / 100, sse.data.encode(), sse_event=sse.event, sse_id=sse.id)
        for i, sse in enumerate(s for s in sses if s.data)
    ]


def session_of(name: str, assistant: str = "") -> Session:
    session = Session(source_kind="remote", assistant=assistant)
    session.extend(events_of(name))
    session.finish()
    return session


def test_a_research_run_its_agents_tools_and_answer():
    session = session_of("research", "research")
    assert session.protocol == 2 and session.status == "success"
    assert session.run_id and session.run_id in events_of("research")[0].raw.decode()
    tree = session.agents.tree()
    assert [(depth, a.name, a.status) for depth, a in tree] == [
        (0, "research", "completed"),
        (1, "research", "completed"),
    ]
    sub = tree[1][1]
    assert sub.ns[0].startswith("research:") and sub.duration is not None
    (call,) = session.tools.snapshot()
    assert (call.name, call.args, call.status) == (
        "search",
        {"query": "langgraph streaming"},
        "success",
    )
    assert call.ns == sub.ns and "3 results" in call.output_text()
    answer = [m for m in session.messages.values() if m.role == "ai" and m.complete]
    assert answer and answer[-1].text.startswith("LangGraph streams every step")
    assert answer[-1].usage and answer[-1].usage["input_tokens"] == 20
    # the tabs: values and lifecycle filed where they are listed
    assert len(session.tabs["values"]) > 0 and len(session.tabs["agents"]) == 4
    names = [session.row(s)[1] for s in session.tabs["agents"]]
    assert names[0] == "running" and names[-1] == "completed"


def test_an_interrupt_and_an_error_end_the_run_as_the_server_says():
    stopped = session_of("interrupt")
    assert stopped.status == "interrupted"
    (asked,) = stopped.interrupts
    assert asked.value == {"question": "name?"} and asked.id and asked.ns == ()
    assert stopped.row(asked.seq)[0] == "__interrupt__"
    failed = session_of("error")
    assert failed.status == "error"
    assert [e.message for e in failed.errors] == ["cannot handle topic 'boom!'"]
    assert root_terminal(failed.events[-1]) == "failed"


def test_a_tool_call_seen_only_in_the_state_is_listed_once():
    """The tools graph's model asks for the call without streaming it: the call and its
    answer are only in the values events."""
    session = session_of("tools")
    (call,) = session.tools.snapshot()
    assert call.name == "get_weather" and call.args == {"city": "Paris"}
    assert call.output_text() == "It is sunny in Paris, 21°C."
    streamed = [m for m in session.messages.values() if m.chunks]
    assert streamed and streamed[-1].text == "It is sunny in Paris today, 21 degrees."


def test_a_v2_capture_reads_back_as_v2_events(tmp_path):
    events = events_of("research")
    path = tmp_path / "run.msgpack"
    recorder = Recorder(
        path, source_kind="remote", target="http://x", request={"assistant": "research"}
    )
    for event in events:
        recorder.write(event, run_id="r", thread_id="t")
    recorder.close("success")
    capture = read_capture(path)
    assert capture.header["protocol"] == 2 and capture.header["version"] == [1, 1]
    assert all(isinstance(e, V2Event) for e in capture.events)
    assert [e.raw for e in capture.events] == [e.raw for e in events]
    info = summarize(path)
    assert info["protocol"] == 2 and info["events"] == len(events)
    assert info["modes"]["messages"] > 50 and len(info["runs"]) == 1
    replay = Session(source_kind="replay")
    replay.extend(capture.events)
    replay.finish()
    assert len(replay.tools) == 1 and len(replay.agents) == 2


def test_content_blocks_assemble_text_reasoning_and_streamed_tool_calls():
    blocks = BlockMessages()
    messages: dict[str, Message] = {}
    ns = ("agent:1",)
    script = [
        {"event": "message-start", "role": "ai", "id": "m1"},
        {"event": "content-block-start", "index": 0, "content": {"type": "reasoning", "reasoning": ""}},
        {"event": "content-block-delta", "index": 0, "delta": {"type": "reasoning-delta", "reasoning": "think "}},
        {"event": "content-block-delta", "index": 0, "delta": {"type": "reasoning-delta", "reasoning": "hard"}},
        {"event": "content-block-start", "index": 1, "content": {"type": "text", "text": ""}},
        {"event": "content-block-delta", "index": 1, "delta": {"type": "text-delta", "text": "Hi"}},
        {"event": "content-block-delta", "index": 1, "delta": {"type": "text-delta", "text": "!"}},
        {"event": "content-block-start", "index": 2,
         "content": {"type": "tool_call_chunk", "id": "c1", "name": "search", "args": ""}},
        {"event": "content-block-delta", "index": 2, "delta": {"type": "tool-call-delta", "args": '{"q": '}},
        {"event": "content-block-delta", "index": 2, "delta": {"type": "tool-call-delta", "args": '"x"}'}},
        {"event": "content-block-finish", "index": 2,
         "content": {"type": "tool_call", "id": "c1", "name": "search", "args": {"q": "x"}}},
        {"event": "message-finish", "usage": {
            "input_tokens": 100, "output_tokens": 20, "total_tokens": 120,
            "input_token_details": {"cache_read": 80}, "output_token_details": {"reasoning": 12},
        }},
    ]  # fmt: skip
    for seq, data in enumerate(script):
        blocks.take(seq, ns, data, messages)
        if seq == 9:  # mid-stream: the arguments as streamed so far
            assert messages["m1"].tool_calls[0].args == '{"q": "x"}'
    msg = messages["m1"]
    assert msg.text == "Hi!" and msg.complete and msg.ns == ns
    assert msg.reasoning == "think hard"
    assert [(c.name, c.id, c.args) for c in msg.tool_calls] == [("search", "c1", '{"q":"x"}')]
    assert answer_usage(msg.usage) == "tokens in 100 (80 cached) · out 20 (12 reasoning)"
    total = Usage()
    total.add_report(msg.usage)
    total.add_report(msg.usage)
    assert total.describe() == "200 in (160 cached) / 40 out (24 reasoning) / 240 total"
    # block events with no message open in their namespace change nothing
    assert (
        blocks.take(99, ("other",), {"event": "content-block-delta", "index": 0}, messages) is None
    )


def test_what_a_subscription_takes():
    def envelope(method: str, ns: list[str], data: object = None) -> dict:
        return {"type": "event", "method": method, "params": {"namespace": ns, "data": data}}

    assert wanted(envelope("input.requested", []), ["input"], None, None)
    assert not wanted(envelope("values", []), ["messages"], None, None)
    assert wanted(envelope("custom", [], {"name": "progress"}), ["custom:progress"], None, None)
    assert not wanted(envelope("custom", [], {"name": "other"}), ["custom:progress"], None, None)
    # a prefix without a task id matches every task of that node; depth counts below it
    assert wanted(envelope("values", ["agent:1", "tools:2"]), None, [["agent"]], 1)
    assert not wanted(envelope("values", ["agent:1", "tools:2"]), None, [["agent"]], 0)
    assert not wanted(envelope("values", ["other:1"]), None, [["agent"]], None)
    assert not wanted(envelope("values", ["agent:9"]), None, [["agent:1"]], None)


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'"text"',
        b"not json at all",
        b'{"type":"event","method":"messages","params":"x"}',
        b'{"type":"event","method":"lifecycle","params":{"namespace":"root","data":[1]}}',
        b'{"type":"event","method":"input.requested","params":{"namespace":[],"data":{"interrupt_id":[]}}}',
        b'{"type":"event","method":"tools","params":{"namespace":[1,{}],"data":{"tool_call_id":5}}}',
        b'{"type":"event","method":"messages","params":{"namespace":[],"data":{"event":"content-block-delta"}}}',
        b'{"type":"event","method":"values","params":{"namespace":[],"data":{"messages":[{"type":"ai","tool_calls":[{"id":1}]}]}}}',
        b'{"type":"event","method":"lifecycle","params":{"namespace":[],"data":{"event":"failed","error":{"x":1}}}}',
    ],
)
def test_hostile_envelopes_are_shown_not_fatal(raw):
    session = Session()
    session.append(event_of(0, 0.0, raw))
    session.append(event_of(1, 0.1, raw))
    session.finish()
    assert session.count == 2
    for seq in range(2):
        node, summary = session.row(seq)
        assert isinstance(node, str) and isinstance(summary, str)
    line = session.events[0].to_json_line()  # (what `lgtui stream` prints of it)
    try:
        expected = orjson.loads(raw)
    except orjson.JSONDecodeError:
        expected = raw.decode()
    assert orjson.loads(line) == expected
