"""Capture files: every event of a run, recorded as it arrives, readable after a crash.

A capture is a sequence of msgpack maps, one after another, each with a kind ``k``
(see docs/capture-format.md):

    {"k": "header", "format": "lgtui-capture", "version": [1, 0], ...}   first, once
    {"k": "e", "t": 0.0123, "ev": "updates|node:id", "id": "17-0", "d": b'{"json": ...}'}
    {"k": "end", "status": "success", "events": 39, "detail": ""}      when the run ends

Readers skip kinds they do not know.  A file cut anywhere opens with every complete
record; a damaged record ends the readable part.  Only ``msgpack`` is needed to read.
"""

from __future__ import annotations

import errno
import io
import math
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import msgpack

from lgtui import __version__
from lgtui.capture_summary import TAIL_SIZE, Tally, summary_offset, tail_record
from lgtui.errors import LgtuiError
from lgtui.events import StreamEvent

FORMAT = "lgtui-capture"
VERSION = (1, 1)  # 1.1: a run of the thread-centric stream says so (`protocol`: 2)
FLUSH_INTERVAL = 0.1  # seconds: a killed process loses at most this much
_READ_CHUNK = 1 << 20
# Keys a header never carries, whatever the request held.
_SECRET_KEYS = {"api_key", "x-api-key", "authorization", "headers"}


class CaptureError(LgtuiError):
    """A file that is not a capture lgtui can read (bad input: exit 2)."""


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if str(k).lower() not in _SECRET_KEYS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def make_header(
    *,
    source_kind: str,
    target: str,
    assistant: str,
    thread_id: str | None,
    request: dict[str, Any],
    protocol: int = 1,
) -> dict[str, Any]:
    header: dict[str, Any] = {
        "k": "header",
        "format": FORMAT,
        "version": list(VERSION),
        "lgtui": __version__,
        "created": datetime.now(UTC).isoformat(),
        "source": source_kind,
        "target": target,
        "assistant": assistant,
        "thread_id": thread_id,
        "request": _scrub(request),
    }
    if protocol != 1:  # a v2 run's events are envelopes (lgtui/v2.py)
        header["protocol"] = protocol
    return header


def event_class(header: dict[str, Any]) -> type[StreamEvent]:
    """The class of a capture's events: `V2Event` for a run of the thread-centric stream."""
    if header.get("protocol") == 2:
        from lgtui.v2 import V2Event

        return V2Event
    return StreamEvent


def _pack_event(packer: msgpack.Packer, event: StreamEvent) -> bytes:
    record = {"k": "e", "t": event.t, "ev": event.event, "id": event.id, "d": event.raw}
    return cast(bytes, packer.pack(record))


MAX_RECORD = 255 << 20  # a record's bytes at most: what the reader (256 MiB) takes back
MAX_TRACEBACK = 64 << 10  # characters of an error's traceback kept in the end record


class CaptureWriter:
    """Appends records to a capture; buffered, flushed to the OS at least every 100 ms.

    A write error (a full disk, a vanished folder) stops recording and is kept in
    ``error``; it never raises into the run being recorded.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        header: dict[str, Any],
        *,
        flush_interval: float = FLUSH_INTERVAL,
        overwrite: bool = False,
        unique: bool = False,
    ) -> None:
        from lgtui.files import open_private, open_unique, private_folder

        self.path = Path(path)
        if not self.path.parent.exists():  # a folder lgtui makes is private
            private_folder(self.path.parent)
        self.error: str | None = None
        self.events = 0
        self.tally = Tally(v2=header.get("protocol") == 2)  # what `lgtui info` will say
        self._packer = msgpack.Packer(use_bin_type=True)
        self._buffer: list[bytes] = []
        self._size = 0  # bytes of the records so far (where the next one starts)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        # private (0600 in a 0700 folder), never over another file unless asked, locked
        if unique:
            self._file: BinaryIO | None
            self._file, self.path = open_unique(self.path)
        else:
            self._file = open_private(self.path, overwrite=overwrite)
        self._append(self._packer.pack(header))
        self.flush()
        self._flusher = threading.Thread(
            target=self._flush_loop, args=(flush_interval,), name="lgtui-capture", daemon=True
        )
        self._flusher.start()

    def _flush_loop(self, interval: float) -> None:
        while not self._closed.wait(interval):
            self.flush()

    def write(self, event: StreamEvent) -> None:
        if self.error is not None:
            return
        record = _pack_event(self._packer, event)
        if len(record) > MAX_RECORD:  # the reader could not take it back: keep its place
            stub = StreamEvent(
                event.seq,
                event.t,
                event.event,
                b'{"lgtui": "an event of %d bytes, too big to record"}' % len(event.raw),
                id=event.id,
            )
            record = _pack_event(self._packer, stub)
        with self._lock:
            self._append(record)
            self.events += 1
            self.tally.add(event.event, event.t, event.raw)

    def write_record(self, record: dict[str, Any]) -> None:
        if self.error is not None:
            return
        with self._lock:
            self._append(self._packer.pack(record))

    def _append(self, record: bytes) -> None:
        self._buffer.append(record)
        self._size += len(record)

    def flush(self) -> None:
        with self._lock:
            if not self._buffer or self._file is None or self.error is not None:
                return
            # record by record: one big joined copy per flush would be a large short-lived
            # allocation each time, which fragments the heap of a long-running process
            buffer, self._buffer = self._buffer, []
            try:
                self._file.writelines(buffer)
                self._file.flush()
            except OSError as exc:
                reason = (
                    "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
                )
                self.error = f"recording stopped: {reason} ({self.path})"

    def close(
        self, status: str | None = None, detail: str = "", traceback: str | None = None
    ) -> None:
        if self._file is None:
            return
        if status is not None:
            end: dict[str, Any] = {
                "k": "end",
                "status": status,
                "events": self.events,
                "detail": detail,
                "ended": datetime.now(UTC).isoformat(),
            }
            if traceback:  # an embedded run's error, in the user's code
                end["traceback"] = traceback[-MAX_TRACEBACK:]
            self.write_record(end)
            with self._lock:  # the summary, and the tail that finds it (capture_summary.py)
                at = self._size
                self._append(self._packer.pack(self.tally.record(end)))
                self._append(tail_record(at))
        self._closed.set()
        self.flush()
        with self._lock:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None


# -- reading ------------------------------------------------------------------------------


@dataclass
class Capture:
    """What a capture file holds, as far as it could be read."""

    path: Path
    header: dict[str, Any]
    events: list[StreamEvent] = field(default_factory=list)
    end: dict[str, Any] | None = None
    size: int = 0
    truncated_at: int | None = None  # byte offset where readable records stop, if short
    damage: str = ""  # why reading stopped early
    skipped: int = 0  # records of kinds this version does not know
    graph: dict[str, Any] | None = None  # the assistant's graph, when it was recorded
    # An embedded run's model and tool calls, input and output (lgtui/host/calls.py)
    calls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.truncated_at is None


def _check_header(first: Any, path: Path) -> dict[str, Any]:
    if not isinstance(first, dict) or first.get("k") != "header" or first.get("format") != FORMAT:
        raise CaptureError(f"{path}: not an lgtui capture (no {FORMAT} header)")
    version = first.get("version")
    major = (
        version[0]
        if isinstance(version, list) and version and isinstance(version[0], int)
        else None
    )
    if major is None:
        raise CaptureError(f"{path}: capture header has no valid version")
    if major > VERSION[0]:
        raise CaptureError(
            f"{path}: capture format version {major}.x is newer than this lgtui reads "
            f"({VERSION[0]}.x); upgrade lgtui to open it"
        )
    return first


def iter_records(path: Path | bytes) -> Iterator[tuple[int, Any]]:
    """(end offset, record) for every complete record; raises _Damaged at a bad byte.
    ``path`` may be a capture's bytes, read from memory."""
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=256 << 20)
    with io.BytesIO(path) if isinstance(path, bytes) else open(path, "rb") as f:
        while True:
            chunk = f.read(_READ_CHUNK)
            if not chunk:
                break
            unpacker.feed(chunk)
            while True:
                try:
                    record = unpacker.unpack()
                except msgpack.OutOfData:
                    break
                except (
                    ValueError,
                    TypeError,  # e.g. a map whose key is a list
                    msgpack.UnpackException,
                    msgpack.ExtraData,
                    RecursionError,
                ) as exc:
                    raise _Damaged(unpacker.tell(), str(exc) or type(exc).__name__) from None
                yield unpacker.tell(), record


class _Damaged(Exception):
    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The header of a capture; CaptureError when the file is not one lgtui can read."""
    path = Path(path)
    read_capture_checks(path)
    try:
        for _, record in iter_records(path):
            return _check_header(record, path)
    except _Damaged as exc:
        raise CaptureError(f"{path}: not an lgtui capture ({exc.reason})") from None
    raise CaptureError(f"{path}: not an lgtui capture (no complete header record)")


def _event_from(
    record: dict[str, Any],
    seq: int,
    names: dict[str, str],
    kind: type[StreamEvent] = StreamEvent,
) -> StreamEvent | None:
    name = record.get("ev")
    raw = record.get("d")
    if not isinstance(name, str):
        return None
    name = names.setdefault(name, name)  # one string per distinct name
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "replace")
    elif not isinstance(raw, bytes):
        import orjson

        try:
            raw = orjson.dumps(raw)
        except TypeError:
            raw = repr(raw).encode()
    t = record.get("t")
    sse_id = record.get("id")
    # a time that is not a finite number (NaN, inf, a string) reads as 0: every clock
    # downstream (timeline, playback, rates) can count on it
    seconds = float(t) if isinstance(t, int | float) and not isinstance(t, bool) else 0.0
    return kind(
        seq,
        seconds if math.isfinite(seconds) else 0.0,
        name,
        raw,
        id=sse_id if isinstance(sse_id, str) else None,
    )


def _opened(source: str | os.PathLike[str] | bytes) -> tuple[Path, int, Path | bytes]:
    """(the name to say, size, what iter_records reads) of a capture file or its bytes."""
    if isinstance(source, bytes):
        return Path("<memory>"), len(source), source
    path = Path(source)
    read_capture_checks(path)
    return path, path.stat().st_size, path


def read_capture(
    source: str | os.PathLike[str] | bytes, *, on_event: Any = None, keep: bool = True
) -> Capture:
    """Read a capture (a file, or its bytes); every complete record before a cut or damage
    is kept.

    ``on_event(event)`` is called for each event as it is read (replay streams through it);
    with ``keep=False`` the events are only handed to it, not kept in ``Capture.events``.
    """
    path, size, data = _opened(source)
    capture: Capture | None = None
    names: dict[str, str] = {}
    last_end = 0
    count = 0
    made_as: type[StreamEvent] = StreamEvent
    try:
        for end, record in iter_records(data):
            if capture is None:
                capture = Capture(path=path, header=_check_header(record, path), size=size)
                made_as = event_class(capture.header)
                last_end = end
                continue
            last_end = end
            kind = record.get("k") if isinstance(record, dict) else None
            if kind == "e":
                event = _event_from(record, count, names, made_as)
                if event is None:
                    capture.skipped += 1
                    continue
                count += 1
                if keep:
                    capture.events.append(event)
                if on_event is not None:
                    on_event(event)
            elif kind == "end":
                capture.end = record
            elif kind == "graph" and isinstance(record.get("graph"), dict):
                capture.graph = record["graph"]
            elif kind == "call":
                if isinstance(record.get("key"), str) and record.get("kind") in ("model", "tool"):
                    capture.calls.append(record)
            elif not _index_kind(kind):
                capture.skipped += 1
    except _Damaged as exc:
        if capture is None:
            raise CaptureError(f"{path}: not an lgtui capture ({exc.reason})") from None
        capture.truncated_at = last_end
        capture.damage = f"damaged record at byte {last_end}: {exc.reason}"
        return capture
    except PermissionError:
        raise CaptureError(f"{path}: cannot read: permission denied") from None
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if capture is None:
        raise CaptureError(f"{path}: not an lgtui capture (no complete header record)")
    if last_end < size:
        capture.truncated_at = last_end
        capture.damage = f"truncated at byte {last_end} of {size}"
    return capture


def summarize(source: str | os.PathLike[str] | bytes, *, verify: bool = False) -> dict[str, Any]:
    """What `lgtui info` prints (of a file, or its bytes).  A file whose run ended while
    it was recorded says it in its last records: three reads (the header, the tail, the
    summary); else, or with ``verify``, one pass over every record, no events built."""
    path, size, data = _opened(source)
    if not verify and not isinstance(data, bytes):
        found = _summary_of_file(path, size)
        if found is not None:
            return found
    header: dict[str, Any] | None = None
    tally = Tally()
    end = None
    skipped = 0
    last_end = 0
    damage = ""
    try:
        for offset, record in iter_records(data):
            if header is None:
                header = _check_header(record, path)
                tally.v2 = header.get("protocol") == 2
                last_end = offset
                continue
            last_end = offset
            kind = record.get("k") if isinstance(record, dict) else None
            if kind == "e" and isinstance(record.get("ev"), str):
                tally.add(record["ev"], record.get("t"), record.get("d"))
            elif kind == "end":
                end = record
            elif not _index_kind(kind) and kind not in ("graph", "call"):
                skipped += 1
    except _Damaged as exc:
        if header is None:
            raise CaptureError(f"{path}: not an lgtui capture ({exc.reason})") from None
        damage = f"damaged record at byte {last_end}: {exc.reason}"
    if header is None:
        raise CaptureError(f"{path}: not an lgtui capture (no complete header record)")
    if not damage and last_end < size:
        damage = f"truncated at byte {last_end} of {size}"
    info = _info(path, size, header, tally, end)
    info.update(
        skipped_records=skipped,
        truncated=bool(damage),
        truncated_at=last_end if damage else None,
        damage=damage,
    )
    return info


_INDEX_KINDS = frozenset({"summary", "tail"})  # a file's own index of itself, not events


def _index_kind(kind: Any) -> bool:
    return isinstance(kind, str) and kind in _INDEX_KINDS


def _summary_of_file(path: Path, size: int) -> dict[str, Any] | None:
    """`summarize` from the summary a recording wrote when its run ended; None when the
    file has none that reads back (then it is read whole)."""
    if size < TAIL_SIZE * 2:
        return None
    try:
        with open(path, "rb") as f:
            f.seek(size - TAIL_SIZE)
            at = summary_offset(f.read(TAIL_SIZE))
            if at is None or not 0 < at < size - TAIL_SIZE:
                return None
            f.seek(at)
            record = msgpack.unpackb(f.read(size - TAIL_SIZE - at), raw=False, strict_map_key=False)
    except (OSError, ValueError, TypeError, msgpack.UnpackException, RecursionError):
        return None
    header = read_header(path)
    found = Tally.of_record(record, header.get("protocol") == 2)
    if found is None:
        return None
    tally, end = found
    info = _info(path, size, header, tally, end)
    info.update(skipped_records=0, truncated=False, truncated_at=None, damage="")
    return info


def _info(
    path: Path, size: int, header: dict[str, Any], tally: Tally, end: dict[str, Any] | None
) -> dict[str, Any]:
    modes: dict[str, int] = {}
    namespaces: dict[str, int] = {}
    for name, n in tally.by_name.items():
        mode, _, ns = name.partition("|")
        modes[mode] = modes.get(mode, 0) + n
        namespaces[ns or "(root)"] = namespaces.get(ns or "(root)", 0) + n
    if end is not None:
        status = str(end.get("status"))
    elif tally.errors:
        status = "error (no end record)"
    elif tally.interrupts:
        status = "interrupted (no end record)"
    else:
        status = "unknown (no end record)"
    last_t = tally.last_t
    return {
        "path": str(path),
        "size": size,
        "format": f"{_text(header.get('format'))} "
        + ".".join(str(v) for v in header.get("version", []) if isinstance(v, int)),
        # the header is the file's word: every field in the type readers expect
        "lgtui": _text(header.get("lgtui")),
        "created": _text(header.get("created")),
        "source": _text(header.get("source")),
        "target": _text(header.get("target")),
        "assistant": _text(header.get("assistant")),
        "thread_id": _text(header.get("thread_id")) or None,
        "request": _request_of(header.get("request")),
        "protocol": 2 if tally.v2 else 1,
        "events": tally.events,
        "duration": round(last_t, 6) if last_t is not None else 0.0,
        "modes": dict(sorted(modes.items(), key=lambda kv: -kv[1])),
        "namespaces": dict(sorted(namespaces.items(), key=lambda kv: -kv[1])),
        "runs": tally.runs,
        "status": status,
        "errors": tally.errors,
        "interrupts": tally.interrupts,
    }


def _text(value: Any) -> str:
    """A header field as text, whatever the file holds there."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)[:1000]


def _request_of(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    out = dict(value)
    modes = out.get("stream_mode")
    out["stream_mode"] = [str(m) for m in modes] if isinstance(modes, list) else []
    out["subgraphs"] = out.get("subgraphs") is True
    return out


def read_capture_checks(path: Path) -> None:
    """The checks every reader makes before reading: exists, a file, not empty, readable."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CaptureError(f"{path}: no such file") from None
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if path.is_dir():
        raise CaptureError(f"{path}: is a folder, not a capture file")
    if size == 0:
        raise CaptureError(f"{path}: empty file, not an lgtui capture")
    if not os.access(path, os.R_OK):
        raise CaptureError(f"{path}: cannot read: permission denied")
