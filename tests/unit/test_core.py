"""The UI-free core: import hygiene, the Session's answers, previews of hostile values."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import paths
from helpers.devserver import quiet_env

from lgtui.events import StreamEvent, split_event_name
from lgtui.preview import preview, safe_text
from lgtui.session import Session


def modules_loaded_by(code: str) -> set[str]:
    return modules_and_output(code)[0]


def modules_and_output(code: str) -> tuple[set[str], str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        env=quiet_env(),
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1])), out


def test_core_never_imports_textual(graphs_dir):
    loaded, out = modules_and_output(
        "import lgtui.events, lgtui.session, lgtui.engine, lgtui.preview, lgtui.cli\n"
        "import lgtui.sources.remote, lgtui.sources.embedded, lgtui.sources.loader\n"
        "import lgtui.store, lgtui.query, lgtui.timeline, lgtui.rundiff, lgtui.config\n"
        "import lgtui.graph_layout\n"
        "from lgtui.cli import main\n"
        f"main(['stream', {str(graphs_dir)!r}, '-a', 'agent', '-i', '{{\"topic\": \"x\"}}'])"
    )
    assert '"generate_joke"' in out  # the run really happened (in the engine host)
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
    # the graph ran in a process of its own: not even langgraph is imported here
    assert not any(m == "langgraph" or m.startswith("langgraph.") for m in loaded)


def test_headless_diff_never_imports_textual():
    recordings = paths.RECORDINGS
    loaded = modules_loaded_by(
        "from lgtui.cli import main\n"
        f"main(['diff', {str(recordings / 'chat.msgpack')!r}, "
        f"{str(recordings / 'tools.msgpack')!r}, '--text'])"
    )
    assert "lgtui.rundiff" in loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)


def test_help_imports_nothing_heavy():
    loaded = modules_loaded_by("from lgtui.cli import build_parser\nbuild_parser().format_help()")
    for heavy in ("textual", "langgraph", "httpx", "langchain_core", "rich"):
        assert heavy not in loaded, f"`lgtui --help` imports {heavy}"


def test_event_names():
    assert split_event_name("updates") == ("updates", ())
    assert split_event_name("updates|node_2:abc|inner:def") == (
        "updates",
        ("node_2:abc", "inner:def"),
    )
    assert split_event_name("messages/partial") == ("messages/partial", ())


def ev(seq: int, name: str, data) -> StreamEvent:
    return StreamEvent.from_data(seq, seq * 0.01, name, data)


def test_session_assembles_streamed_chunks_by_message_id():
    s = Session()
    meta = {"langgraph_node": "model"}
    chunks = [
        {"type": "AIMessageChunk", "id": "m1", "content": "Hel", "tool_call_chunks": []},
        {"type": "AIMessageChunk", "id": "m2", "content": "other", "tool_call_chunks": []},
        {
            "type": "AIMessageChunk",
            "id": "m1",
            "content": "lo",
            "tool_call_chunks": [{"name": "search", "args": '{"q": ', "id": "call1", "index": 0}],
        },
        {
            "type": "AIMessageChunk",
            "id": "m1",
            "content": "",
            "chunk_position": "last",
            "tool_call_chunks": [{"name": None, "args": '"cats"}', "id": None, "index": 0}],
        },
    ]
    for i, c in enumerate(chunks):
        s.append(ev(i, "messages", [c, meta]))
        if i == 2:  # half-streamed: half there
            m1 = s.messages["m1"]
            assert (m1.text, m1.complete) == ("Hello", False)
    m1, m2 = s.snapshot_messages()
    assert (m1.role, m1.node, m1.text, m1.complete, m1.chunks) == ("ai", "model", "Hello", True, 3)
    assert [(t.name, t.args, t.id) for t in m1.tool_calls] == [("search", '{"q": "cats"}', "call1")]
    assert m2.text == "other"
    assert len(s.tabs["messages"]) == 4


def test_session_messages_mode_replaces_with_the_accumulated_message():
    s = Session()
    s.append(ev(0, "messages/metadata", {"r1": {"metadata": {"langgraph_node": "gen"}}}))
    s.append(ev(1, "messages/partial", [{"type": "ai", "id": "r1", "content": "why"}]))
    s.append(ev(2, "messages/partial", [{"type": "ai", "id": "r1", "content": "why did"}]))
    s.append(
        ev(
            3,
            "messages/complete",
            [{"type": "tool", "id": "t1", "content": "42", "tool_call_id": "c1"}],
        )
    )
    r1, t1 = s.snapshot_messages()
    assert (r1.text, r1.node, r1.complete) == ("why did", "gen", False)
    assert (t1.role, t1.text, t1.tool_call_id, t1.complete) == ("tool", "42", "c1", True)
    assert s.row(2) == ("gen", "ai: why did")


def test_session_status_errors_interrupts_and_state():
    s = Session()
    s.append(ev(0, "metadata", {"run_id": "r-1", "attempt": 1}))
    s.append(ev(1, "values", {"q": "x"}))
    s.append(ev(2, "updates", {"__interrupt__": [{"value": {"question": "?"}, "id": "i1"}]}))
    s.append(
        ev(3, "values", {"q": "x", "__interrupt__": [{"value": {"question": "?"}, "id": "i1"}]})
    )
    assert s.run_id == "r-1"
    assert [(i.value, i.id) for i in s.interrupts] == [({"question": "?"}, "i1")]
    s.finish()
    assert s.status == "interrupted"
    assert s.values_at(()) == {
        "q": "x",
        "__interrupt__": [{"value": {"question": "?"}, "id": "i1"}],
    }

    s = Session()
    s.append(ev(0, "error", {"error": "KeyError", "message": "'topic'"}))
    s.finish()
    assert s.status == "error"
    assert (s.last_error().type, s.last_error().message) == ("KeyError", "'topic'")
    assert s.row(0) == ("", "KeyError: 'topic'")


def test_namespace_labels_are_short_but_unambiguous():
    s = Session()
    s.append(ev(0, "updates|node_2:aaaa1111-0000", {"x": {}}))
    s.append(ev(1, "updates|node_2:aaaa2222-0000", {"x": {}}))
    s.append(ev(2, "updates|node_2:aaaa1111-0000|inner:bbbb0000-1", {"y": {}}))
    labels = [s.ns_label(e.ns) for e in s.events]
    assert labels[0] == "node_2:aaaa"
    assert labels[1] == "node_2:aaaa2222" and labels[1] != labels[0]
    assert labels[2] == "node_2:aaaa/inner:bbbb"
    assert len(set(labels)) == 3


def test_namespace_labels_never_look_alike_nor_drive_the_terminal():
    s = Session()
    long_id = "x" * 40
    s.append(ev(0, f"updates|n:{long_id}a", {"x": {}}))
    s.append(ev(1, f"updates|n:{long_id}b", {"x": {}}))  # the same for 40 characters
    s.append(ev(1, f"updates|n:{long_id}c", {"x": {}}))
    s.append(ev(1, f"updates|n:{long_id}d", {"x": {}}))
    s.append(ev(1, f"updates|n:{long_id}e", {"x": {}}))
    s.append(ev(2, "updates|evil\x1b]0;pwned\x07:1", {"x": {}}))
    s.append(ev(3, "updates|evil\x1b]0;pwned\x07:1|deep:2|deeper:3", {"x": {}}))
    *alike, evil, _deep = (s.ns_label(e.ns) for e in s.events)
    assert len(set(alike)) == 5 and alike[-1] == "n:" + "x" * 36 + "#2"
    assert "\x1b" not in evil and "\\x1b]0;pwned\\x07" in evil
    fit = s.ns_label_fit(s.events[-1].ns, 14)  # cut at the front: the inner part stays
    assert len(fit) == 14 and fit.startswith("…") and fit.endswith("/deeper:3")


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"",
        b"[1, 2",
        b'{"a": ' * 1000,
        "\udcff".encode("utf-8", "surrogatepass"),
        b"\xff\xfe",
    ],
)
@pytest.mark.parametrize(
    "mode",
    [
        "updates",
        "values",
        "messages",
        "debug",
        "events",
        "error",
        "metadata",
        "custom",
        "messages/partial",
    ],
)
def test_session_survives_payloads_that_are_not_what_they_should_be(mode, payload):
    s = Session()
    s.append(StreamEvent(0, 0.0, mode, payload))
    s.append(StreamEvent(1, 0.0, mode, b'"a string"'))
    s.append(StreamEvent(2, 0.0, mode, b"[[], 3, null]"))
    s.finish()
    assert s.count == 3
    assert all(isinstance(s.row(i)[1], str) for i in range(3))


def test_previews_are_bounded_and_safe():
    big = {"k" * 10: "v" * 200_000, **{f"key{i}": i for i in range(10_000)}}
    text = preview(big, 80)
    assert len(text) <= 81 and text.endswith("…")
    deep: object = "bottom"
    for _ in range(1000):
        deep = [deep]
    assert preview(deep, 50).startswith("[[[[[[[")
    assert safe_text("\x1b[31mred\x1b[0m\n\u202e") == "\\x1b[31mred\\x1b[0m\\n\\u202e"
    assert "\x1b" not in preview({"a": "\x1b]0;t\x07"})


def test_graph_layout_follows_edges_and_survives_cycles():
    from lgtui.graph_layout import layout

    graph = {
        "nodes": [{"id": n} for n in ("__start__", "model", "tools", "__end__")],
        "edges": [
            {"source": "__start__", "target": "model"},
            {"source": "model", "target": "tools", "conditional": True},
            {"source": "model", "target": "__end__", "conditional": True},
            {"source": "tools", "target": "model"},
        ],
    }
    lay = layout(graph)
    assert lay.layers[0] == ["__start__"] and lay.layers[1] == ["model"]
    assert lay.layers[-1] == ["__end__"]
    assert ("tools", True) in lay.edges["model"]
    assert layout({"nodes": "junk", "edges": [1, 2]}).layers == []


def _graph(nodes, edges):
    return {
        "nodes": [{"id": n} for n in nodes],
        "edges": [{"source": a, "target": b, "conditional": c} for a, b, c in edges],
    }


AGENT = _graph(
    ["__start__", "model", "tools", "__end__"],
    [
        ("__start__", "model", False),
        ("model", "tools", True),
        ("model", "__end__", True),
        ("tools", "model", False),
    ],
)


def _box_at(lines: list[str], name: str) -> tuple[int, int, int]:
    """(row, left, right) of the box whose label line holds ``name``."""
    for row, line in enumerate(lines):
        col = line.find(f" {name} ")
        if col > 0 and line[:col].rstrip()[-1:] in ("│", "┃"):
            left = line.rindex(line[:col].rstrip()[-1], 0, col)
            right = min(line.index(c, col) for c in "│┃" if c in line[col:])
            return row, left, right
    raise AssertionError(f"no box for {name!r} in\n" + "\n".join(lines))


def test_graph_drawing_boxes_edges_and_loops():
    from lgtui.ui.graph_draw import draw_graph

    text = draw_graph(AGENT, running={"tools"}, finished={"model"})
    lines = text.plain.splitlines()
    start, model, tools, end = (_box_at(lines, n) for n in ("start", "model ✓", "tools ▶", "end"))
    assert start[0] < model[0] < tools[0] < end[0]  # top to bottom, one layer each
    # an arrow comes down into every box but the start: right above the box's top border
    for row, left, right in (model, tools, end):
        assert "▼" in lines[row - 2][left : right + 1]
    # model -> tools and model -> end are conditional: dashed lines leave model's box
    assert "╎" in lines[model[0] + 2]
    # tools -> model goes back up a lane right of every box, with an arrow pointing up
    lane = max(right for _, _, right in (start, model, tools, end)) + 1
    assert any("▲" in line[lane:] for line in lines[model[0] : tools[0]])
    # the running node has a heavy frame; the drawing is plain text, no markup
    assert "┏" in lines[tools[0] - 1] and "┃ tools ▶ ┃" in lines[tools[0]]
    styles = {str(span.style) for span in text.spans}
    assert "bold yellow" in styles and "green" in styles


def test_graph_drawing_of_odd_graphs():
    from lgtui.ui.graph_draw import draw_graph

    hostile = _graph(
        ["__start__", "[bold]x[/bold]", "\x1b[31mred", "宽字符", "__end__", "island"],
        [
            ("__start__", "[bold]x[/bold]", False),
            ("[bold]x[/bold]", "[bold]x[/bold]", True),  # a self loop
            ("[bold]x[/bold]", "宽字符", False),
            ("[bold]x[/bold]", "__end__", True),  # skips a layer
            ("宽字符", "\x1b[31mred", False),
            ("\x1b[31mred", "__end__", False),
            ("[bold]x[/bold]", "nowhere", False),  # an edge to a node that is not there
        ],
    )
    plain = draw_graph(hostile).plain
    assert "[bold]x[/bold]" in plain and "\\x1b[31mred" in plain and "\x1b" not in plain
    assert "宽字符" in plain and "island" in plain
    assert draw_graph({"nodes": [], "edges": []}).plain == "(the graph has no nodes)"
    # a graph too big to draw says so (the screen lists it instead)
    many = _graph(
        ["__start__", *(f"n{i}" for i in range(400))],
        [("__start__", f"n{i}", False) for i in range(400)],
    )
    assert draw_graph(many, max_cells=10_000) is None


def test_library_frames_are_folded_and_the_users_kept():
    from lgtui.tracebacks import fold_library_frames

    text = (
        "Traceback (most recent call last):\n"
        '  File "/v/lib/python3.11/site-packages/langgraph/pregel/main.py", line 3, in astream\n'
        "    async for _ in runner.atick(\n"
        '  File "/v/lib/python3.11/site-packages/langgraph/_retry.py", line 9, in run\n'
        "    return await task.proc.ainvoke(task.input, config)\n"
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        '  File "/home/me/agent/graph.py", line 30, in act\n'
        '    raise RuntimeError("boom")\n'
        '  File "/usr/lib/python3.11/asyncio/tasks.py", line 1, in helper\n'
        "    x()\n"
        "RuntimeError: boom\n"
        "During task with name 'act'"
    )
    assert fold_library_frames(text).splitlines() == [
        "Traceback (most recent call last):",
        "  … 2 library frames (langgraph) …",
        '  File "/home/me/agent/graph.py", line 30, in act',
        '    raise RuntimeError("boom")',
        "  … 1 library frame (python) …",
        "RuntimeError: boom",
        "During task with name 'act'",
    ]
