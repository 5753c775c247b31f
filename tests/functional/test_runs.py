"""The run controller both front ends drive (`lgtui.runs`): one lifecycle for a run,
every failure of a source turned into words, one run at a time, recording as asked --
the same object under `lgtui stream` and the TUI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading

import pytest
from helpers.ui import wait_for, wait_for_toast

from lgtui.capture import read_capture
from lgtui.engine import Engine
from lgtui.errors import LgtuiError
from lgtui.events import StreamEvent
from lgtui.runs import Busy, RunController, SessionSink, stream_run
from lgtui.session import Session
from lgtui.sources.base import ConnectError, RunHandle, RunRequest
from lgtui.ui.app import LgtuiApp

SIZE = (100, 30)


class FlakySource:
    """A source that streams ``events`` events, then fails as told (or not)."""

    kind, target = "remote", "flaky://"
    warnings = ()

    def __init__(self, events: int = 3, fail: BaseException | None = None, gate=None) -> None:
        self.events, self.fail, self.gate = events, fail, gate

    async def list_assistants(self):
        if isinstance(self.fail, KeyError):
            raise self.fail  # a bug in a source, not one of lgtui's errors
        return [{"assistant_id": "a1", "graph_id": "flaky", "name": "flaky"}]

    async def get_graph(self, assistant, *, xray=True):
        return {"nodes": [{"id": "n"}], "edges": []}

    async def stream_run(self, request, handle):
        handle.run_id, handle.thread_id = "r1", "t1"
        for i in range(self.events):
            yield StreamEvent(i, i / 10, "custom", b'{"n": %d}' % i, run_id="r1")
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None and not isinstance(self.fail, KeyError):
            raise self.fail

    async def cancel_run(self, thread_id, run_id):
        return None

    async def aclose(self):
        return None


def sink() -> SessionSink:
    return SessionSink(Session(source_kind="remote", target="flaky://", assistant="flaky"))


@pytest.mark.parametrize(
    ("fail", "status", "detail"),
    [
        (None, "success", ""),
        (RuntimeError("boom"), "error", "RuntimeError: boom"),
        (ConnectError("the server went away"), "disconnected", "the server went away"),
    ],
)
async def test_one_lifecycle_says_how_every_run_ended(tmp_path, fail, status, detail):
    capture = tmp_path / "run.msgpack"
    runs = RunController(FlakySource(fail=fail), record=str(capture))
    into = sink()
    end = await runs.run(RunRequest("flaky", {}), into)
    assert (end.status, end.detail) == (status, detail)
    assert into.session.status == status and into.session.status_detail == detail
    assert into.session.count == 3 and into.session.thread_id == "t1"
    assert (end.error is None) == (fail is None)  # a failure reaches the caller as words
    if end.error is not None:
        assert isinstance(end.error, LgtuiError)
    read = read_capture(capture)
    assert [e.seq for e in read.events] == [0, 1, 2]
    assert read.end["status"] == status and read.graph == {"nodes": [{"id": "n"}], "edges": []}
    assert oct(capture.stat().st_mode & 0o777) == "0o600"


async def test_a_cancelled_run_ends_cancelled_and_its_recording_is_closed(tmp_path):
    gate = asyncio.Event()
    capture = tmp_path / "run.msgpack"
    runs = RunController(FlakySource(gate=gate), record=str(capture))
    into = sink()
    task = asyncio.ensure_future(runs.run(RunRequest("flaky", {}), into))
    for _ in range(200):
        if into.session.count == 3:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert into.session.status == "cancelled"
    assert read_capture(capture).end["status"] == "cancelled"


async def test_a_source_bug_is_an_error_with_words_not_an_exception():
    runs = RunController(FlakySource(fail=KeyError("assistant_id")))
    with pytest.raises(LgtuiError, match="KeyError: 'assistant_id'"):
        await runs.list_assistants()
    handle = RunHandle()
    end = await stream_run(FlakySource(fail=ValueError("bad")), RunRequest("x", {}), handle, sink())
    assert end.status == "error" and end.detail == "ValueError: bad"


def test_one_run_at_a_time_and_later_recordings_never_replace_a_file(tmp_path):
    gate = asyncio.Event()
    runs = RunController(
        FlakySource(gate=gate), record=str(tmp_path / "a.msgpack"), engine=Engine()
    )
    ended: list[Session] = []
    done = threading.Semaphore(0)

    def on_done(session: Session) -> None:
        ended.append(session)
        done.release()

    try:
        first = runs.start(RunRequest("flaky", {}), on_done)
        with pytest.raises(Busy, match="cancel it with x first"):
            runs.start(RunRequest("flaky", {}))
        assert runs.cancel()  # the source is asked, the stream ends
        assert done.acquire(timeout=20)
        assert ended == [first] and first.status == "interrupted" and first.cancelled
        assert not runs.cancel()  # nothing streams any more
        runs.engine.submit(_set(gate))
        second = runs.start(RunRequest("flaky", {}), on_done)
        assert done.acquire(timeout=20)
        assert ended == [first, second] and second.status == "success"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.msgpack", "a.msgpack"]
    finally:
        runs.close()


async def _set(event: asyncio.Event) -> None:
    event.set()


async def test_the_app_says_a_source_bug_and_keeps_running():
    app = LgtuiApp(FlakySource(fail=KeyError("assistant_id")))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_toast(pilot, "KeyError: 'assistant_id'")
        assert app.is_running
        shown = app.said_count
        await pilot.press("ctrl+n")  # asked again, said again
        await wait_for(pilot, lambda: app.said_count > shown)
        assert app.is_running


def test_lgtui_stream_says_a_source_failure_in_one_line(tmp_path, graphs_dir):
    """The CLI drives the same controller: a graph that fails ends with its words on
    stderr and the run-error exit code, the capture closed with the error in it."""
    capture = tmp_path / "c.msgpack"
    proc = subprocess.run(
        [sys.executable, "-m", "lgtui", "stream", str(graphs_dir), "--assistant", "failing",
         "--input", '{"topic": "boom"}', "-o", str(capture)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "the run failed" in proc.stderr and "Traceback" not in proc.stderr
    assert read_capture(capture).end["status"] == "error"
