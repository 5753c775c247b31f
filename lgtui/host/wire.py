"""The bytes between lgtui and its engine host: length-prefixed frames on a socket pair.

A frame is ``>I`` (length of what follows), one kind byte, then the body:

- ``J`` a JSON message: a request ``{"id", "op", "args"}``, a reply ``{"id", "ok"}`` or
  ``{"id", "err": {...}}``, or a stream's ``{"id", "info"}`` / ``{"id", "end"}``, and the
  host's first word ``{"hello": ...}``;
- ``E`` a batch of a stream's events: ``>I`` request id, ``>I`` count, then per event
  ``>H`` name length, the name (UTF-8), ``>d`` seconds since the stream opened, ``>I``
  payload length and the payload: the JSON bytes the server would have sent.

Only the standard library and orjson (which langgraph brings): the host runs in the
user's environment, where lgtui's own dependencies may be missing.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

JSON, EVENTS = b"J", b"E"
MAX_FRAME = 512 * 1024 * 1024  # one frame; a bigger one is a broken peer
BATCH_BYTES = 4 * 1024 * 1024  # the host starts a new batch past this
# A line the host writes to its stdout and stderr at a run's end, after what the run
# printed; the app waits for it (never shows it) before saying the run ended.
LOG_MARK = "\x00lgtui:mark:"

_HEAD = struct.Struct(">IB")
_BATCH = struct.Struct(">II")
_NAME = struct.Struct(">H")
_EVENT = struct.Struct(">dI")


class WireError(Exception):
    """The peer sent something that is not a frame."""


def json_frame(message: dict[str, Any]) -> bytes:
    body = orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS)
    return _HEAD.pack(len(body) + 1, JSON[0]) + body


def events_frame(request_id: int, events: Iterable[tuple[str, float, bytes]]) -> bytes:
    """``events`` as ``(name, t, payload)``; names longer than 65,535 bytes are cut."""
    parts = [b""]
    count = 0
    for name, t, payload in events:
        raw_name = name.encode("utf-8", "replace")[:0xFFFF]
        parts.append(_NAME.pack(len(raw_name)))
        parts.append(raw_name)
        parts.append(_EVENT.pack(t, len(payload)))
        parts.append(payload)
        count += 1
    parts[0] = _BATCH.pack(request_id, count)
    body = b"".join(parts)
    return _HEAD.pack(len(body) + 1, EVENTS[0]) + body


def parse_events(body: bytes) -> tuple[int, list[tuple[str, float, bytes]]]:
    """The request id and events of an ``E`` frame's body."""
    try:
        request_id, count = _BATCH.unpack_from(body, 0)
        pos = _BATCH.size
        out = []
        view = memoryview(body)
        for _ in range(count):
            (name_len,) = _NAME.unpack_from(body, pos)
            pos += _NAME.size
            name = bytes(view[pos : pos + name_len]).decode("utf-8", "replace")
            pos += name_len
            t, size = _EVENT.unpack_from(body, pos)
            pos += _EVENT.size
            if pos + size > len(body):
                raise WireError("an event runs past the end of its frame")
            out.append((name, t, bytes(view[pos : pos + size])))
            pos += size
    except struct.error as exc:
        raise WireError(f"a malformed event batch ({exc})") from None
    return request_id, out


class FrameReader:
    """Frames out of a byte stream that arrives in pieces."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Every complete ``(kind, body)`` the bytes so far hold."""
        self._buf += data
        buf = self._buf
        pos = 0
        while len(buf) - pos >= _HEAD.size:
            length, kind = _HEAD.unpack_from(buf, pos)
            if length < 1 or length > MAX_FRAME:
                raise WireError(f"a frame of {length:,} bytes")
            end = pos + 4 + length
            if len(buf) < end:
                break
            yield bytes([kind]), bytes(buf[pos + _HEAD.size : end])
            pos = end
        if pos:
            del buf[:pos]


def recv_frame(sock: socket.socket) -> tuple[bytes, bytes] | None:
    """One frame from a blocking socket; None at the end of the stream."""
    head = _recv_exactly(sock, _HEAD.size)
    if head is None:
        return None
    length, kind = _HEAD.unpack(head)
    if length < 1 or length > MAX_FRAME:
        raise WireError(f"a frame of {length:,} bytes")
    body = _recv_exactly(sock, length - 1)
    if body is None:
        return None
    return bytes([kind]), body


def _recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def loads(body: bytes) -> Any:
    return orjson.loads(body)
