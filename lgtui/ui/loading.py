"""A capture read into a `Session`, on a worker thread: `lgtui replay`, and a recorded
run opened from the runs of a thread.  Every way the file can be wrong ends the
session with words (an ERROR status), never "loading" forever."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lgtui.capture import CaptureError, read_capture, read_header
from lgtui.session import ERROR, Session
from lgtui.store import NO_SPILL

FREEZE_EVERY = 50_000  # events loaded between two gc.freeze() calls


class Stopped(Exception):
    """The app is closing: the loader stops."""


def session_for(path: Path, kind: str = "replay") -> Session:
    """An empty Session for the capture at ``path`` (its header read for the assistant,
    thread and request; a bad header is the loader's to say)."""
    try:
        header = read_header(path)
    except CaptureError:
        header = {}
    request = header.get("request") if isinstance(header.get("request"), dict) else {}
    thread = header.get("thread_id")
    return Session(
        source_kind=kind,
        target=str(path),
        assistant=str(header.get("assistant") or ""),
        thread_id=thread if isinstance(thread, str) else None,
        request=request,
        window=NO_SPILL,  # the capture holds the events already
    )


def load_capture(path: Path, session: Session, cancelled: Callable[[], bool]) -> Any:
    """Read the capture into ``session`` and finish it as the capture ended; the capture
    (None when it could not be read: said on the session).  `Stopped` when ``cancelled``
    says so (checked every ten thousand events)."""
    loaded = 0

    def take(event: Any) -> None:
        nonlocal loaded
        session.append(event)
        loaded += 1
        if not loaded % 10_000 and cancelled():
            raise Stopped
        if not loaded % FREEZE_EVERY:
            # the events stay for the app's life: out of the garbage collector's sight,
            # or each full collection would walk a million of them (~0.8 s)
            gc.freeze()

    try:
        capture = read_capture(path, on_event=take, keep=False)
    except CaptureError as exc:
        session.finish(ERROR, exc.message)
        return None
    except Stopped:
        raise
    except Exception as exc:  # a capture no check foresaw: said, never "loading" forever
        session.finish(ERROR, f"the capture could not be read: {type(exc).__name__}: {exc}")
        return None
    end = capture.end or {}
    status = end.get("status") if isinstance(end.get("status"), str) else None
    if isinstance(end.get("traceback"), str):
        session.traceback = end["traceback"]
    session.finish(status, str(end.get("detail") or ""))
    gc.freeze()
    return capture
