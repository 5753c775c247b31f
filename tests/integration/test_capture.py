"""Captures: recorded as they stream, read back whole or cut, exported, summarized."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgpack
import pytest
from graphs.auth import TEST_API_KEY
from helpers import paths
from helpers.cli import assert_one_clean_line, run_cli
from helpers.devserver import quiet_env

from lgtui.capture import (
    FORMAT,
    CaptureError,
    CaptureWriter,
    iter_records,
    make_header,
    read_capture,
)
from lgtui.events import StreamEvent
from lgtui.session import Session, state_of


@pytest.fixture(scope="module")
def server_capture(server, tmp_path_factory) -> tuple[Path, str]:
    """A real server run of the agent graph with every state-bearing mode, and its stdout."""
    path = tmp_path_factory.mktemp("cap") / "agent.msgpack"
    proc = run_cli(
        "stream",
        server.url,
        "-a",
        "agent",
        "-i",
        '{"topic": "ice cream"}',
        "--api-key",
        TEST_API_KEY,
        "-m",
        "updates,values,debug,messages-tuple,custom,checkpoints,tasks",
        "-o",
        str(path),
    )
    assert proc.returncode == 0, proc.stderr
    return path, proc.stdout


def test_export_reproduces_what_stream_printed(server_capture):
    path, stdout = server_capture
    proc = run_cli("export", str(path))
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == stdout


def test_export_to_a_file(server_capture, tmp_path):
    path, stdout = server_capture
    out = tmp_path / "events.jsonl"
    assert run_cli("export", str(path), "-o", str(out)).returncode == 0
    assert out.read_text() == stdout


def test_state_at_every_checkpoint_equals_what_the_server_sent(server_capture):
    path, _ = server_capture
    capture = read_capture(path)
    session = Session()
    for e in capture.events:
        session.append(e)
    checked = 0
    for e in capture.events:
        is_checkpoint = e.mode == "checkpoints" or (
            e.mode == "debug" and e.data.get("type") == "checkpoint"
        )
        if e.ns or not (is_checkpoint or e.mode == "values"):
            continue
        source, values = session.state_at(e.seq)
        assert source == e.seq
        assert values == state_of(e)
        checked += 1
    assert checked >= 10
    # and through the command line, at a few of them
    for e in [e for e in capture.events if e.mode == "checkpoints"][:3]:
        proc = run_cli("export", str(path), "--state-at", str(e.seq))
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == e.data["values"]


def test_state_at_between_checkpoints_is_the_last_state_before(server_capture):
    path, _ = server_capture
    events = read_capture(path).events
    update = next(e for e in events if e.mode == "updates" and "generate_joke" in e.data)
    proc = run_cli("export", str(path), "--state-at", str(update.seq))
    assert json.loads(proc.stdout) == {"topic": "ice cream and cats"}  # the joke is not in yet


def test_state_at_with_only_updates_says_so(graphs_dir, tmp_path):
    path = tmp_path / "updates.msgpack"
    assert (
        run_cli(
            "stream",
            str(graphs_dir),
            "-a",
            "agent",
            "-i",
            '{"topic": "x"}',
            "-m",
            "updates",
            "-o",
            str(path),
        ).returncode
        == 0
    )
    proc = run_cli("export", str(path), "--state-at", "2")
    assert proc.returncode == 1
    assert_one_clean_line(proc.stderr, "no state at event 2", "values, debug or checkpoints")
    proc = run_cli("export", str(path), "--state-at", "999")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "--state-at 999", "events 0 to")


def test_info(server_capture):
    path, stdout = server_capture
    proc = run_cli("info", str(path))
    assert proc.returncode == 0, proc.stderr
    lines = stdout.splitlines()
    run_id = json.loads(lines[0])["data"]["run_id"]
    assert "assistant    agent" in proc.stdout
    assert f"events       {len(lines)} over" in proc.stdout
    assert "status       success" in proc.stdout
    assert run_id in proc.stdout
    assert "TRUNCATED" not in proc.stdout
    info = json.loads(run_cli("info", str(path), "--json").stdout)
    assert info["events"] == len(lines)
    assert info["modes"]["messages"] == sum(
        1 for line in lines if json.loads(line)["mode"] == "messages"
    )
    assert info["namespaces"] == {"(root)": len(lines)}
    assert info["truncated"] is False and info["source"] == "remote"
    assert info["request"]["stream_mode"][0] == "updates"


def test_no_secret_reaches_the_capture(server_capture):
    path, _ = server_capture
    assert TEST_API_KEY.encode() not in path.read_bytes()


def test_a_capture_cut_at_any_byte_keeps_every_complete_record(server_capture, tmp_path):
    path, _ = server_capture
    data = path.read_bytes()
    full = read_capture(path).events
    cut_points = sorted(
        set(range(1, 400, 7))
        | set(range(400, len(data), max(1, len(data) // 150)))
        | {len(data) - 1}
    )
    cut_file = tmp_path / "cut.msgpack"
    boundaries = {end for end, _ in iter_records(path)}
    seen_truncated = 0
    for cut in cut_points:
        cut_file.write_bytes(data[:cut])
        try:
            capture = read_capture(cut_file)
        except CaptureError as exc:
            assert "not an lgtui capture" in exc.message  # cut inside the header
            continue
        assert [(e.event, e.raw) for e in capture.events] == [
            (e.event, e.raw) for e in full[: len(capture.events)]
        ]
        if cut in boundaries:  # cut between two records: a shorter capture, whole
            assert capture.truncated_at is None and capture.damage == ""
            continue
        assert capture.truncated_at is not None and capture.truncated_at <= cut
        assert f"truncated at byte {capture.truncated_at}" in capture.damage
        seen_truncated += 1
    assert seen_truncated > 100
    cut_file.write_bytes(data[: len(data) // 2])
    proc = run_cli("info", str(cut_file))
    assert proc.returncode == 0
    assert "TRUNCATED    truncated at byte" in proc.stdout
    proc = run_cli("export", str(cut_file))
    assert proc.returncode == 0
    assert_one_clean_line(proc.stderr, "warning", "truncated at byte")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (os.urandom(4096), "not an lgtui capture"),
        (b'{"events": [1, 2, 3]}\n', "not an lgtui capture"),
        (
            msgpack.packb({"k": "header", "format": FORMAT, "version": [2, 0]}),
            "newer than this lgtui reads",
        ),
        (
            msgpack.packb({"k": "header", "format": "something-else", "version": [1, 0]}),
            "not an lgtui capture",
        ),
        (msgpack.packb([1, 2, 3]) * 10, "not an lgtui capture"),
    ],
    ids=["empty", "random", "json", "newer-major", "other-format", "not-a-map"],
)
@pytest.mark.parametrize("command", ["info", "export", "replay"])
def test_files_that_are_not_captures(tmp_path, content, message, command):
    path = tmp_path / "bad.msgpack"
    path.write_bytes(content)
    proc = run_cli(command, str(path))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, str(path), message)


@pytest.mark.parametrize("command", ["info", "export", "replay"])
def test_missing_path_and_folder(tmp_path, command):
    proc = run_cli(command, str(tmp_path / "nope.msgpack"))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "no such file")
    proc = run_cli(command, str(tmp_path))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "is a folder")


def write_capture(path: Path, records: list[dict], events: list[StreamEvent]) -> None:
    header = make_header(
        source_kind="remote", target="http://x", assistant="a", thread_id=None, request={}
    )
    writer = CaptureWriter(path, header)
    for e in events:
        writer.write(e)
    for r in records:
        writer.write_record(r)
    writer.close("success")


def test_unknown_record_kinds_are_skipped_and_odd_payloads_kept_raw(tmp_path):
    path = tmp_path / "odd.msgpack"
    events = [
        StreamEvent(0, 0.0, "metadata", b'{"run_id": "r1", "attempt": 1}'),
        StreamEvent(1, 0.1, "updates", b"this is not json [bold]x[/]"),
        StreamEvent(2, 0.2, "custom", b'{"ok": 1}'),
    ]
    write_capture(path, [{"k": "some-future-record", "x": 1}], events)
    capture = read_capture(path)
    assert [e.event for e in capture.events] == ["metadata", "updates", "custom"]
    assert capture.skipped == 1 and capture.end["status"] == "success"
    lines = [json.loads(line) for line in run_cli("export", str(path)).stdout.splitlines()]
    assert lines[1]["data"] == "this is not json [bold]x[/]"
    assert lines[2]["data"] == {"ok": 1}


def test_records_reach_the_disk_within_100_ms(tmp_path):
    path = tmp_path / "live.msgpack"
    header = make_header(
        source_kind="remote", target="t", assistant="a", thread_id=None, request={}
    )
    writer = CaptureWriter(path, header)
    try:
        writer.write(StreamEvent(0, 0.0, "custom", b'{"n": 1}'))
        time.sleep(0.25)
        assert [e.raw for e in read_capture(path).events] == [
            b'{"n": 1}'
        ]  # no close, no flush call
    finally:
        writer.close(None)


def test_sigkill_while_recording_loses_at_most_the_last_100_ms(graphs_dir, tmp_path):
    path = tmp_path / "killed.msgpack"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lgtui",
            "stream",
            str(graphs_dir),
            "-a",
            "firehose",
            "-m",
            "custom",
            "-i",
            '{"count": 10000000, "size": 100}',
            "-o",
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=quiet_env(),
    )
    try:
        deadline = time.monotonic() + 30
        while (not path.exists() or path.stat().st_size < 200_000) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    capture = read_capture(path)
    assert len(capture.events) > 1000
    assert [e.data["i"] for e in capture.events[1:]] == list(range(len(capture.events) - 1))
    assert capture.end is None  # no footer: the process never got to write it
    proc = run_cli("info", str(path))
    assert proc.returncode == 0 and "no end record" in proc.stdout


def test_a_full_disk_stops_recording_not_the_run(graphs_dir):
    proc = run_cli(
        "stream",
        str(graphs_dir),
        "-a",
        "agent",
        "-i",
        '{"topic": "x"}',
        "-m",
        "updates",
        "-o",
        "/dev/full",
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 3  # every event still printed
    assert_one_clean_line(proc.stderr, "recording stopped: the disk is full")


RECORDINGS = paths.RECORDINGS


@pytest.mark.parametrize(
    ("name", "status", "modes"),
    [
        ("chat", "success", {"messages", "updates", "values", "debug", "custom"}),
        ("tools", "success", {"messages", "updates"}),
        ("subgraph", "success", {"updates", "values", "debug"}),
        ("interrupt", "interrupted", {"updates", "values"}),
        ("resume", "success", {"values"}),
        ("error", "error", {"error"}),
        ("research", "success", {"messages", "custom", "debug", "tasks", "checkpoints"}),
        ("triage-question", "success", {"messages", "updates", "values", "debug"}),
        ("triage-refund", "success", {"messages", "updates", "values", "debug"}),
        ("events", "success", {"events", "updates", "debug"}),
    ],
)
def test_the_bundled_recordings_are_real_and_readable(name, status, modes):
    info = json.loads(run_cli("info", str(RECORDINGS / f"{name}.msgpack"), "--json").stdout)
    assert info["status"] == status and not info["truncated"]
    assert info["source"] == "remote"  # recorded from a real langgraph dev
    assert modes <= set(info["modes"])
    if name == "subgraph":
        assert any(ns.startswith("node_2:") for ns in info["namespaces"])
    capture = read_capture(RECORDINGS / f"{name}.msgpack")
    session = Session()
    for e in capture.events:
        session.append(e)
    session.finish(capture.end["status"])
    if name == "resume":
        assert session.state_at(session.count - 1)[1] == {"q": "name?", "answer": "Bob"}
    if name == "interrupt":
        assert session.interrupts[0].value == {"question": "name?"}


def test_the_reader_in_the_format_docs_reads_a_real_capture():
    doc = (paths.ROOT / "docs" / "capture-format.md").read_text()
    code = (
        doc.split("## A reader in 20 lines of Python", 1)[1]
        .split("```python", 1)[1]
        .split("```", 1)[0]
    )
    namespace: dict = {}
    exec(compile(code, "capture-format.md", "exec"), namespace)
    header, events = namespace["read"](RECORDINGS / "subgraph.msgpack")
    exported = [
        json.loads(line)
        for line in run_cli("export", str(RECORDINGS / "subgraph.msgpack")).stdout.splitlines()
    ]
    assert header["assistant"] == "sub"
    assert [(e["seq"], e["event"], e["mode"], e["ns"], e["id"], e["data"]) for e in events] == [
        (e["seq"], e["event"], e["mode"], e["ns"], e["id"], e["data"]) for e in exported
    ]


# -- private files, never clobbered -----------------------------------------------------------


def test_a_capture_given_with_o_is_a_private_file(graphs_dir, tmp_path):
    import stat

    proc = run_cli(
        "stream",
        str(graphs_dir),
        "-a",
        "agent",
        "-i",
        '{"topic": "x"}',
        "-o",
        str(tmp_path / "r.msgpack"),
    )
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "r.msgpack").st_mode) == 0o600


def test_default_names_are_unique_and_private(tmp_path, monkeypatch):
    import os
    import stat

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from lgtui.recorder import Recorder

    paths = []
    for _ in range(9):  # nine runs within a second, of one assistant
        recorder = Recorder(
            None, source_kind="embedded", target="x", request={"assistant": "agent"}
        )
        recorder.write(
            StreamEvent.from_data(0, 0.0, "metadata", {"run_id": "r"}),
            run_id="01a2-same-prefix",
            thread_id=None,
        )
        recorder.close("success")
        paths.append(recorder.path)
    assert len(set(paths)) == 9 and all(p.exists() for p in paths)
    folder = tmp_path / "data" / "lgtui" / "captures"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder.parent).st_mode) == 0o700
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in paths)
    assert "01a2-same-prefix" in paths[0].name


def test_an_existing_capture_is_refused_unless_forced(graphs_dir, tmp_path):
    target = tmp_path / "keep.msgpack"
    target.write_bytes(b"the user's earlier recording")
    args = ["stream", str(graphs_dir), "-a", "agent", "-i", '{"topic": "x"}', "-o", str(target)]
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, f"{target} exists: --force replaces it")
    assert target.read_bytes() == b"the user's earlier recording"
    proc = run_cli("open", str(graphs_dir), "--record", str(target))
    assert proc.returncode == 2 and "exists" in proc.stderr
    proc = run_cli(*args, "--force")
    assert proc.returncode == 0, proc.stderr
    assert read_capture(target).events


def test_two_processes_on_one_capture_lose_nothing(tmp_path):
    """The second writer of a file another process is writing is told, not silently mixed in."""
    import subprocess
    import sys

    target = tmp_path / "one.msgpack"
    from lgtui.capture import CaptureWriter, make_header

    writer = CaptureWriter(
        target,
        make_header(source_kind="x", target="x", assistant="a", thread_id=None, request={}),
        overwrite=True,
    )
    try:
        code = (
            "from lgtui.recorder import Recorder\n"
            "from lgtui.events import StreamEvent\n"
            f"r = Recorder({str(target)!r}, source_kind='x', target='x', request={{}}, overwrite=True)\n"
            "r.write(StreamEvent.from_data(0, 0.0, 'metadata', {}), run_id='r', thread_id=None)\n"
            "print(r.error)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert "is being written by another process" in out.stdout, out.stderr
    finally:
        writer.close("success")
    assert read_capture(target).header is not None


def test_info_reads_a_finished_recordings_own_summary(tmp_path):
    """A recording whose run ended ends with a summary and a tail that finds it: `info`
    reads those (the same answer as reading every record, `--verify`); damage in the
    middle only --verify sees; a file cut short, or a tail that points anywhere, is read
    whole and says what it finds."""
    from lgtui.capture import summarize
    from lgtui.capture_summary import TAIL_SIZE

    path = tmp_path / "run.msgpack"
    writer = CaptureWriter(path, make_header(
        source_kind="remote", target="t", assistant="a", thread_id=None, request={}))  # fmt: skip
    for i, (name, raw) in enumerate([
        ("metadata", b'{"run_id": "r1", "attempt": 1}'), ("values", b'{"x": 1}'),
        ("updates|sub:1", b'{"__interrupt__": [{"value": 1}]}'), ("error", b'{"error": "E"}'),
    ]):  # fmt: skip
        writer.write(StreamEvent(i, i / 10, name, raw))
    writer.close("error", "boom")
    fast, whole = summarize(path), summarize(path, verify=True)
    assert fast == whole
    assert (fast["events"], fast["errors"], fast["interrupts"], fast["status"]) == (
        4,
        1,
        1,
        "error",
    )
    assert fast["runs"] == [{"run_id": "r1", "first_event": 0}]
    assert fast["namespaces"] == {"(root)": 3, "sub:1": 1}
    data = path.read_bytes()
    # a byte flipped inside the events: the summary does not see it; --verify does
    broken = tmp_path / "broken.msgpack"
    middle = data.index(b'{"x": 1}')
    broken.write_bytes(data[: middle - 3] + b"\xc1" + data[middle - 2 :])
    assert summarize(broken)["damage"] == ""
    assert summarize(broken, verify=True)["damage"].startswith("damaged record")
    # a tail pointing at garbage, or past the end: read whole, no error
    for at in (3, len(data) * 2, len(data) - TAIL_SIZE - 1):
        hostile = tmp_path / "hostile.msgpack"
        hostile.write_bytes(data[:-8] + at.to_bytes(8, "big"))
        info = summarize(hostile)
        assert info["events"] == 4, at
    # cut short: the tail is gone, every record before the cut is read
    cut = tmp_path / "cut.msgpack"
    cut.write_bytes(data[: len(data) - TAIL_SIZE - 5])
    info = summarize(cut)
    assert info["events"] == 4 and info["truncated"]
    proc = run_cli("info", str(path), "--verify")
    assert proc.returncode == 0 and "events       4 over 0.300 s" in proc.stdout
