"""Server-sent events read within bounds, whatever the server sends.

httpx-sse gathers a whole line before it looks at it, and httpx inflates a compressed
body as fast as it arrives: a gzip bomb (2 MB that inflate to 2 GiB, all one line) or
an endless line would take all the memory there is.  Here the body is read raw,
inflated a bounded piece at a time (gzip, deflate), and split into lines as bytes; a
line or an event over the limit is dropped as it arrives and counted, so the stream goes
on and the user is told what was cut.  The events are what the SSE spec says they are
(``event``, ``data`` joined by newlines, ``id``, ``retry``; comments ignored).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

MAX_EVENT_BYTES = 128 * 1024 * 1024  # one event's data; a bigger one is dropped
INFLATE_STEP = 1024 * 1024  # bytes inflated at a time


class BodyError(Exception):
    """The body cannot be read (an encoding we do not inflate, corrupt compression)."""


@dataclass
class SSE:
    event: str
    data: str
    id: str


@dataclass
class Cut:
    """What the reader dropped: events over the limit, with their sizes so far."""

    events: int = 0
    largest: int = 0


class Inflater:
    """Raw body bytes to content bytes, a bounded piece at a time."""

    def __init__(self, encoding: str) -> None:
        encoding = (encoding or "identity").strip().lower()
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise BodyError(
                f"the server sent a body encoded as {encoding!r}, which lgtui does not read"
            )

    def feed(self, raw: bytes) -> list[bytes]:
        if self._z is None:
            return [raw] if raw else []
        out = []
        try:
            data = self._z.decompress(raw, INFLATE_STEP)
            while data:
                out.append(data)
                pending = self._z.unconsumed_tail
                if not pending:
                    break
                data = self._z.decompress(pending, INFLATE_STEP)
        except zlib.error as exc:
            raise BodyError(f"the server's compressed body is corrupt ({exc})") from None
        return out


class SSEParser:
    """Bytes in, events out; lines longer than the event limit are skipped, not kept."""

    def __init__(self, max_event: int = MAX_EVENT_BYTES) -> None:
        self.max_event = max_event
        self.cut = Cut()
        self._line = bytearray()
        self._skipping = False  # inside a line (or event) already over the limit
        self._dropping_event = False
        self._event = ""
        self._data: list[str] = []
        self._data_size = 0
        self._id = ""
        self._last_cr = False

    def feed(self, chunk: bytes) -> list[SSE]:
        out: list[SSE] = []
        if self._last_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the \n of a \r\n split across chunks
        self._last_cr = chunk.endswith(b"\r")
        start = 0
        n = len(chunk)
        while start < n:
            # the next line end: \n, \r\n or \r
            nl = chunk.find(b"\n", start)
            cr = chunk.find(b"\r", start)
            ends = [i for i in (nl, cr) if i != -1]
            if not ends:
                self._add(chunk[start:])
                break
            end = min(ends)
            self._add(chunk[start:end])
            step = 2 if chunk[end : end + 2] == b"\r\n" else 1
            start = end + step
            sse = self._line_done()
            if sse is not None:
                out.append(sse)
        return out

    def _add(self, piece: bytes) -> None:
        if self._skipping:
            self.cut.largest += len(piece)
            return
        self._line += piece
        if len(self._line) + self._data_size > self.max_event:
            self._skipping = True
            self._dropping_event = True
            self.cut.largest = max(self.cut.largest, len(self._line) + self._data_size)
            self._line = bytearray()

    def _line_done(self) -> SSE | None:
        if self._skipping:
            self._skipping = False
            return None
        line = self._line.decode("utf-8", "replace")
        self._line = bytearray()
        if not line:  # a blank line dispatches the event
            dropped = self._dropping_event
            sse = None
            if self._data and not dropped:
                sse = SSE(self._event or "message", "\n".join(self._data), self._id)
            if dropped:
                self.cut.events += 1
            self._event, self._data, self._data_size = "", [], 0
            self._dropping_event = False
            return sse
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data" and not self._dropping_event:
            self._data.append(value)
            self._data_size += len(value)
        elif field == "id" and "\0" not in value:
            self._id = value
        return None


async def read_events(
    chunks: AsyncIterator[bytes],
    encoding: str,
    on_bytes: Callable[[], None] | None = None,
    max_event: int = MAX_EVENT_BYTES,
) -> AsyncIterator[tuple[SSE | None, Cut]]:
    """``(event, cut so far)`` from a raw body; ``(None, cut)`` when something was dropped."""
    inflater = Inflater(encoding)
    parser = SSEParser(max_event)
    reported = 0
    async for raw in chunks:
        if on_bytes is not None:
            on_bytes()
        for data in inflater.feed(raw):
            for sse in parser.feed(data):
                yield sse, parser.cut
            if parser.cut.events != reported:
                reported = parser.cut.events
                yield None, parser.cut
    # an event the body ended inside of is not an event (the SSE spec drops it)


async def read_capped(
    chunks: AsyncIterator[bytes], encoding: str, limit: int
) -> tuple[bytes, bool]:
    """At most ``limit`` content bytes of a body; True when there was more."""
    inflater = Inflater(encoding)
    out = bytearray()
    async for raw in chunks:
        for data in inflater.feed(raw):
            room = limit - len(out)
            out += data[:room]
            if len(data) > room:
                return bytes(out), True
    return bytes(out), False
