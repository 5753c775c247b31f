"""A run's events, compact in memory, the oldest on disk.

`EventStore` keeps an event as columns rather than as an object: its payload bytes, its
time in an array of doubles, its name and run id as indexes into small tables, its SSE
id.  A `StreamEvent` is made again when one is read (a microsecond; the last few hundred
read are kept).  That is ~120 bytes an event less than a list of objects: a
1,000,000-event replay fits in 1.4 times its file.

A live run can stream millions of events: the newest ``window`` payloads (and SSE ids)
stay in memory; older ones are written, a batch at a time, to an unnamed temporary file
(deleted by the OS when lgtui exits, however it exits) and read back on demand when a
list scrolls to them -- what stays in memory of such an event is ~20 bytes of columns.
Readers on the UI thread and the appending engine thread may interleave: a payload is on
disk before its slot is cleared, and the file is only touched under the store's lock.
"""

from __future__ import annotations

import tempfile
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import IO, overload

import msgpack

from lgtui.events import StreamEvent

DEFAULT_WINDOW = 50_000  # events whose payloads stay in memory
NO_SPILL = 1 << 62  # a window for events that live elsewhere already (a capture read whole)
BATCH = 10_000  # events moved to disk at a time
_READ_CACHE = 512  # events made again and kept, for a list scrolling through them


class _Table:
    """Distinct values (event names, run ids) and their indexes."""

    __slots__ = ("index", "values")

    def __init__(self) -> None:
        self.values: list[str | None] = []
        self.index: dict[str | None, int] = {}

    def add(self, value: str | None) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


class EventStore(Sequence[StreamEvent]):
    def __init__(self, window: int | None = None, batch: int | None = None) -> None:
        # the module's defaults are read now, so a test or a benchmark can change them
        self.window = DEFAULT_WINDOW if window is None else window
        self.batch = BATCH if batch is None else batch
        self._t = array("d")
        self._name = array("I")
        self._names = _Table()
        self._run = array("I")
        self._runs = _Table()
        self._raw: list[bytes | None] = []  # None: on disk
        self._ids: list[str | None] = []
        self._seq: dict[int, int] = {}  # events whose own seq is not their position
        self._spilled = 0  # payloads [0, _spilled) live on disk
        self._offsets = array("q")
        self._lengths = array("I")
        self._file: IO[bytes] | None = None
        self._size = 0
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, StreamEvent] = OrderedDict()
        self.spill_error: str | None = None  # why payloads stay in memory, if disk failed
        # the class events are made again as: a run speaks one protocol (v1 StreamEvent,
        # v2 V2Event), taken from its first event
        self.kind: type[StreamEvent] = StreamEvent

    # -- writing -----------------------------------------------------------------------

    def append(self, event: StreamEvent) -> None:
        position = len(self._raw)
        if not position:
            self.kind = type(event)
        if event.seq != position:
            self._seq[position] = event.seq
        self._t.append(event.t)
        self._name.append(self._names.add(event.event))
        self._run.append(self._runs.add(event.run_id))
        self._ids.append(event.id)
        self._raw.append(event.raw)  # last: an event counts once its columns are all there
        if position + 1 - self._spilled >= self.window + self.batch:
            self._spill()

    def _spill(self) -> None:
        if self.spill_error is not None:
            return
        start, end = self._spilled, self._spilled + self.batch
        packer = msgpack.Packer(use_bin_type=True)
        chunks, offsets, lengths = [], [], []
        offset = self._size
        for i in range(start, end):
            blob = packer.pack((self._raw[i], self._ids[i]))
            chunks.append(blob)
            offsets.append(offset)
            lengths.append(len(blob))
            offset += len(blob)
        try:
            with self._lock:
                if self._file is None:
                    self._file = tempfile.TemporaryFile(prefix="lgtui-events-")
                self._file.seek(self._size)
                self._file.writelines(chunks)  # no joined copy (see CaptureWriter.flush)
                self._file.flush()
                self._size = offset
                self._offsets.extend(offsets)
                self._lengths.extend(lengths)
                for i in range(start, end):
                    self._raw[i] = None
                    self._ids[i] = None
                self._spilled = end
        except OSError as exc:  # a full disk: keep everything in memory instead
            self.spill_error = f"could not move old events to disk: {exc.strerror or exc}"

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> StreamEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[StreamEvent]: ...
    def __getitem__(self, index: int | slice) -> StreamEvent | list[StreamEvent]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._raw)))]
        n = len(self._raw)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("event index out of range")
        with self._lock:
            cached = self._cache.get(index)
            if cached is not None:
                self._cache.move_to_end(index)
                return cached
            raw, sse_id = self._raw[index], self._ids[index]
            if raw is None:  # on disk
                assert self._file is not None
                self._file.seek(self._offsets[index])
                raw, sse_id = msgpack.unpackb(self._file.read(self._lengths[index]), raw=False)
            event = self.kind(
                self._seq.get(index, index),
                self._t[index],
                self._names.values[self._name[index]] or "",
                raw,
                id=sse_id,
                run_id=self._runs.values[self._run[index]],
            )
            self._cache[index] = event
            if len(self._cache) > _READ_CACHE:
                self._cache.popitem(last=False)
            return event

    def __iter__(self) -> Iterator[StreamEvent]:
        for i in range(len(self._raw)):
            yield self[i]

    def __reversed__(self) -> Iterator[StreamEvent]:
        for i in range(len(self._raw) - 1, -1, -1):
            yield self[i]

    def t_at(self, index: int) -> float:
        """The time of event ``index``, without making the event."""
        return self._t[index]

    @property
    def times(self) -> array[float]:
        """Every event's time, in order (for bisecting by time)."""
        return self._t

    def name_at(self, index: int) -> str:
        """The wire name of event ``index``, without making the event."""
        return self._names.values[self._name[index]] or ""

    def raw_at(self, index: int) -> bytes:
        """The payload bytes of event ``index`` (read from disk if it was moved there)."""
        raw = self._raw[index]
        return raw if raw is not None else self[index].raw

    @property
    def spilled(self) -> int:
        """How many of the oldest events have their payload on disk."""
        return self._spilled

    @property
    def disk_bytes(self) -> int:
        return self._size

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
