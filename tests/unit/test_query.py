"""The search language, on real captures: which events each kind of term finds."""

from __future__ import annotations

import pytest
from helpers.paths import RECORDINGS

from lgtui.capture import read_capture
from lgtui.query import CheckpointSubject, EventSearch, QueryError, parse, parse_path, resolve
from lgtui.session import Session


def session_of(name: str) -> Session:
    session = Session()
    for event in read_capture(RECORDINGS / f"{name}.msgpack").events:
        session.append(event)
    return session


def found(session: Session, text: str) -> list[int]:
    search = EventSearch(session, parse(text))
    while not search.done:
        search.advance()
    return list(search.matched)


@pytest.fixture(scope="module")
def tools() -> Session:
    return session_of("tools")


def test_mode_terms_match_the_wire_mode(tools):
    updates = found(tools, "mode:updates")
    assert updates == list(tools.tabs["updates"])
    both = found(tools, "mode:updates,values")
    assert both == sorted([*tools.tabs["updates"], *tools.tabs["values"]])
    # messages-tuple is named as the user streams it; on the wire it is "messages"
    assert found(tools, "mode:messages-tuple") == list(tools.tabs["messages"])
    everything_else = found(tools, "-mode:debug")
    assert not set(everything_else) & set(tools.tabs["debug"])
    assert len(everything_else) == tools.count - len(tools.tabs["debug"])


def test_node_and_namespace_terms():
    sub = session_of("subgraph")
    inner = found(sub, "ns:node_2")
    assert inner and all(sub.ns_at(s) for s in inner)
    assert set(found(sub, "ns:root")) == {s for s in range(sub.count) if not sub.ns_at(s)}
    nodes = found(sub, "node:subgraph_node_1")
    assert nodes and all("subgraph_node_1" in sub.row(s)[0] for s in nodes)


def test_text_is_case_insensitive_and_phrases_keep_spaces(tools):
    sunny = found(tools, "SUNNY")
    assert sunny == found(tools, "sunny")
    assert all(b"sunny" in tools.events[s].raw.lower() for s in sunny)
    phrase = found(tools, '"sunny in Paris today"')
    assert phrase and set(phrase) < set(sunny)
    assert found(tools, "sunny -mode:messages") == [
        s for s in sunny if tools.events[s].mode != "messages"
    ]


def test_a_path_reads_the_payload_and_values_reaches_the_state(tools):
    # the last message of the state: on values events and on checkpoints alike
    hits = found(tools, "values.messages[-1].content~sunny")
    modes = {tools.events[s].mode for s in hits}
    assert modes == {"values", "debug"}
    for seq in hits:
        state = tools.state_at(seq)[1]
        assert "sunny" in state["messages"][-1]["content"].lower()
    # a path straight into an updates payload, compared as JSON
    asked = [
        s
        for s in tools.tabs["updates"]
        if (tools.events[s].data.get("model") or {}).get("messages", [{}])[0].get("tool_calls")
    ]
    assert len(asked) == 1  # the model asked for the weather tool once
    assert found(tools, "model.messages[0].tool_calls[0].args.city=Paris") == asked
    assert found(tools, "model.messages[0].tool_calls[0].args.city=Rome") == []
    # a bare path: present and not null -- states holding a fourth message
    fourth = found(tools, "values.messages[3]")
    assert fourth and fourth == [
        s
        for s in found(tools, "mode:values,debug")
        if (state := tools.state_at(s)) and s == state[0] and len(state[1]["messages"]) > 3
    ]


def test_every_term_must_hold(tools):
    a, b = set(found(tools, "mode:values")), set(found(tools, "sunny"))
    assert set(found(tools, "mode:values sunny")) == a & b


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"unclosed', "a quote opened at character 1 is not closed"),
        ("mode:", "mode: needs a value"),
        ("values.x~", "nothing after ~"),
    ],
)
def test_queries_that_cannot_be_read_say_where(text, message):
    with pytest.raises(QueryError, match=message):
        parse(text)


def test_how_a_query_was_read_is_said_back():
    query = parse('mode:updates -node:tools values.messages[-1].content~joke "a b" x.y=3')
    assert query.describe() == (
        "mode updates · not node has 'tools' · values.messages[-1].content contains 'joke'"
        " · text 'a b' · x.y = 3"
    )
    assert query.highlights == ["joke", "a b"]


def test_paths():
    assert parse_path('values.messages[-1]["odd key"].content') == [
        "values",
        "messages",
        -1,
        "odd key",
        "content",
    ]
    doc = {"a": [{"b": 1}, {"b": None}], "3": "x"}
    assert resolve(doc, ["a", -1, "b"]) is None
    assert resolve(doc, ["a", 0, "b"]) == 1
    assert resolve(doc, [3]) == "x"
    from lgtui.query import _MISSING

    assert resolve(doc, ["a", 5]) is _MISSING
    assert resolve(doc, ["a", "b"]) is _MISSING


def test_hostile_payloads_never_crash_a_search():
    """Events whose payloads are not what the terms expect are no match, not an error."""
    from lgtui.events import StreamEvent

    session = Session()
    raws = [b"not json", b"[1,2", b'{"a": {"b": [1]}}', b"null", b'"[bold]x[/]"', b"\xff\xfe"]
    for i, raw in enumerate(raws):
        session.append(StreamEvent(i, i / 10, "custom", raw))
    assert found(session, "a.b[0]=1") == [2]
    assert found(session, "a.b[9].c") == []
    assert found(session, "[bold]") == [4]
    assert found(session, "-a.b") == [0, 1, 3, 4, 5]


def test_a_search_of_a_long_run_goes_a_slice_at_a_time():
    from lgtui.events import StreamEvent

    session = Session()
    for i in range(20_000):
        session.append(StreamEvent(i, i / 1000, "custom", b'{"i": %d}' % i))
    search = EventSearch(session, parse("i=19999"))
    ticks = iter(range(10**6))
    search.advance(budget=10, clock=lambda: next(ticks))  # a "clock" 1 unit per check
    assert 0 < search.scanned < session.count  # stopped when its budget ran out
    while not search.done:
        search.advance()
    assert list(search.matched) == [19_999]


def test_checkpoints_of_a_history_are_searched_the_same_way():
    item = {
        "values": {"messages": [{"type": "ai", "content": "It is sunny"}]},
        "next": ["tools"],
        "tasks": [{"name": "tools"}],
        "metadata": {"source": "loop", "step": 2},
        "checkpoint": {"checkpoint_ns": ""},
    }
    subject = CheckpointSubject(item)
    assert parse("values.messages[-1].content~sunny").matches(subject)
    assert parse("node:tools mode:loop ns:root").matches(subject)
    assert not parse("mode:input").matches(subject)
    assert parse("SUNNY").matches(subject)
    # a path is tried in the checkpoint, then in its state
    assert parse("messages[-1].type=ai").matches(subject)
    assert parse("metadata.step=2").matches(subject)
    assert not parse("messages[-1].type=human").matches(subject)
