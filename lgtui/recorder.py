"""Recording runs: where captures go by default, and the `Recorder` a live run writes
through (the file is made on the run's first event; the graph record waits for it)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from lgtui.capture import CaptureWriter, make_header
from lgtui.events import StreamEvent
from lgtui.files import InUse


def capture_folder() -> Path:
    """``<user data>/lgtui/captures``, only the user's (0700)."""
    from platformdirs import user_data_path

    from lgtui.files import private_folder, tighten

    root = user_data_path("lgtui")
    folder = private_folder(root / "captures")
    tighten(root)
    tighten(folder)
    return folder


def default_capture_path(assistant: str, run_id: str = "") -> Path:
    """``<user data>/captures/YYYYmmdd-HHMMSS-<assistant>[-<run id>].msgpack``: the whole
    run id, and a taken name gets a ``-2`` (`CaptureWriter(unique=True)`)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in assistant)[:40] or "run"
    run = "".join(c if c.isalnum() or c == "-" else "_" for c in run_id)[:64]
    name = f"{stamp}-{safe}" + (f"-{run}" if run else "") + ".msgpack"
    return capture_folder() / name


_RUN_IN_NAME = re.compile(
    r"-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-\d+)?\.msgpack$"
)


def recorded_runs(known: dict[str, str] | None = None) -> dict[str, Path]:
    """Run id -> the capture lgtui recorded of it: the default folder's (named after the
    run, the newest when several), and the ones this app wrote elsewhere (``known``)."""
    found: dict[str, Path] = {}
    try:
        entries = sorted(capture_folder().glob("*.msgpack"), key=lambda p: p.name)
    except OSError:
        entries = []
    for path in entries:  # (names start with the time: the newest comes last)
        match = _RUN_IN_NAME.search(path.name)
        if match:
            found[match.group(1)] = path
    for run_id, where in (known or {}).items():
        if Path(where).is_file():
            found[run_id] = Path(where)
    return found


class Recorder:
    """Records one run: the file is created on the first event, when the run id is known.

    ``path`` None means the default place (`default_capture_path`).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        *,
        source_kind: str,
        target: str,
        request: dict[str, Any],
        overwrite: bool = False,
        unique: bool = False,
    ) -> None:
        self.explicit = Path(path) if path is not None else None
        self.overwrite = overwrite
        self.unique = unique or self.explicit is None  # a taken name gets -2, -3...
        self.source_kind = source_kind
        self.target = target
        self.request = request
        self.writer: CaptureWriter | None = None
        self._error: str | None = None
        self._pending: list[dict[str, Any]] = []  # records that arrived before the file

    @property
    def path(self) -> Path | None:
        return self.writer.path if self.writer is not None else self.explicit

    @property
    def error(self) -> str | None:
        return self._error or (self.writer.error if self.writer is not None else None)

    def write(self, event: StreamEvent, *, run_id: str | None, thread_id: str | None) -> None:
        if self.writer is None:
            if self._error is not None:
                return
            path = self.explicit or default_capture_path(
                str(self.request.get("assistant", "")), run_id or ""
            )
            header = make_header(
                source_kind=self.source_kind,
                target=self.target,
                assistant=str(self.request.get("assistant", "")),
                thread_id=thread_id,
                request=self.request,
                protocol=event.protocol,
            )
            try:
                self.writer = CaptureWriter(
                    path, header, overwrite=self.overwrite, unique=self.unique
                )
            except FileExistsError:
                self._error = f"recording off: {path} exists (--force replaces it)"
                return
            except InUse:
                self._error = f"recording off: {path} is being written by another process"
                return
            except OSError as exc:
                self._error = f"recording off: cannot write {path}: {exc.strerror or exc}"
                return
            for record in self._pending:
                self.writer.write_record(record)
            self._pending.clear()
        self.writer.write(event)

    def add_record(self, record: dict[str, Any]) -> None:
        """A record that is not an event (e.g. the graph), written as soon as the file exists."""
        if self.writer is not None:
            self.writer.write_record(record)
        else:
            self._pending.append(record)

    def close(self, status: str | None, detail: str = "", traceback: str | None = None) -> None:
        if self.writer is not None:
            self.writer.close(status, detail, traceback)
