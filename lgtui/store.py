"""A run's events with bounded memory: the newest in memory, the rest on disk.

A live run can stream millions of events.  `EventStore` keeps the newest ``window``
events as objects; older ones are written, a batch at a time, to an unnamed temporary
file (deleted by the OS when lgtui exits, however it exits) and read back on demand
when a list scrolls to them.  In memory an old event then costs two array slots
(offset and length) and one list slot: about 24 bytes instead of its object and
payload.  Readers on the UI thread and the appending engine thread may interleave:
an event is on disk before its slot is cleared, and the file is only touched under
the store's lock.
"""

from __future__ import annotations

import tempfile
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import overload

import msgpack

from lgtui.events import StreamEvent

DEFAULT_WINDOW = 50_000  # events kept as objects
NO_SPILL = 1 << 62  # a window for events that live elsewhere already (a capture read whole)
BATCH = 10_000  # events moved to disk at a time
_READ_CACHE = 512  # spilled events read back and kept, for a list scrolling through them


class EventStore(Sequence[StreamEvent]):
    def __init__(self, window: int | None = None, batch: int | None = None) -> None:
        # the module's defaults are read now, so a test or a benchmark can change them
        self.window = DEFAULT_WINDOW if window is None else window
        self.batch = BATCH if batch is None else batch
        self._events: list[StreamEvent | None] = []
        self._spilled = 0  # events [0, _spilled) live on disk
        self._offsets = array("q")
        self._lengths = array("l")
        self._file = None
        self._size = 0
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, StreamEvent] = OrderedDict()
        self.spill_error: str | None = None  # why events stay in memory, if disk failed

    # -- writing -----------------------------------------------------------------------

    def append(self, event: StreamEvent) -> None:
        self._events.append(event)
        if len(self._events) - self._spilled >= self.window + self.batch:
            self._spill()

    def _spill(self) -> None:
        if self.spill_error is not None:
            return
        start, end = self._spilled, self._spilled + self.batch
        packer = msgpack.Packer(use_bin_type=True)
        chunks, offsets, lengths = [], [], []
        offset = self._size
        for event in self._events[start:end]:
            assert event is not None
            blob = packer.pack((event.seq, event.t, event.event, event.raw, event.id, event.run_id))
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
                    self._events[i] = None
                self._spilled = end
        except OSError as exc:  # a full disk: keep everything in memory instead
            self.spill_error = f"could not move old events to disk: {exc.strerror or exc}"

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> StreamEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[StreamEvent]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._events)))]
        event = self._events[index]
        if event is not None:
            return event
        if index < 0:
            index += len(self._events)
        return self._read(index)

    def _read(self, index: int) -> StreamEvent:
        with self._lock:
            cached = self._cache.get(index)
            if cached is not None:
                self._cache.move_to_end(index)
                return cached
            event = self._events[index]
            if event is not None:  # not spilled after all (a race with _spill)
                return event
            assert self._file is not None
            self._file.seek(self._offsets[index])
            blob = self._file.read(self._lengths[index])
            seq, t, name, raw, sse_id, run_id = msgpack.unpackb(blob, raw=False)
            event = StreamEvent(seq, t, name, raw, id=sse_id, run_id=run_id)
            self._cache[index] = event
            if len(self._cache) > _READ_CACHE:
                self._cache.popitem(last=False)
            return event

    def __iter__(self) -> Iterator[StreamEvent]:
        for i in range(len(self._events)):
            yield self[i]

    def __reversed__(self) -> Iterator[StreamEvent]:
        for i in range(len(self._events) - 1, -1, -1):
            yield self[i]

    @property
    def spilled(self) -> int:
        """How many of the oldest events are on disk."""
        return self._spilled

    @property
    def disk_bytes(self) -> int:
        return self._size

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
