"""The one event type every part of lgtui speaks.

A `StreamEvent` is one server-sent event of a LangGraph run stream.  The wire name
(``updates|node_2:<task id>``) is the source of truth; ``mode`` and ``ns`` are parsed
from it.  The payload is kept as the JSON bytes the server sent (or the embedded source
produced) and decoded on demand: a run of 100,000 events then costs little more memory
than its bytes, and a capture can be written without re-encoding.
"""

from __future__ import annotations

from typing import Any

import orjson

# Stream modes a user can ask for, in the order the UI lists them.
STREAM_MODES: tuple[str, ...] = (
    "values",
    "updates",
    "debug",
    "messages-tuple",
    "messages",
    "events",
    "custom",
    "tasks",
    "checkpoints",
)
DEFAULT_STREAM_MODES: tuple[str, ...] = ("updates", "values", "debug", "messages-tuple", "custom")


_SPLIT_CACHE: dict[str, tuple[str, tuple[str, ...]]] = {}
_SPLIT_CACHE_MAX = 50_000  # distinct names; a run has a few dozen, hostile input more


def split_event_name(name: str) -> tuple[str, tuple[str, ...]]:
    """``"updates|a:1|b:2"`` -> ``("updates", ("a:1", "b:2"))``.

    ``messages/partial`` keeps its sub-kind in the mode, so the mode of every message
    event starts with ``messages``.  Results are shared between events of the same name,
    so a million subgraph events hold one mode string and one namespace tuple.
    """
    if "|" not in name:
        return name, ()
    found = _SPLIT_CACHE.get(name)
    if found is None:
        mode, *ns = name.split("|")
        found = (mode, tuple(ns))
        if len(_SPLIT_CACHE) < _SPLIT_CACHE_MAX:
            _SPLIT_CACHE[name] = found
    return found


def ns_node(part: str) -> str:
    """The node name of one namespace part (``"node_2:5c0d..."`` -> ``"node_2"``)."""
    return part.split(":", 1)[0]


class StreamEvent:
    """One event of a run stream.

    seq     position in the stream, from 0
    t       seconds since the stream opened (monotonic clock)
    event   wire name, e.g. ``updates|node_2:<task id>``
    id      SSE id, or None
    raw     the JSON payload as bytes
    run_id  the run this event belongs to, when known
    """

    __slots__ = ("event", "id", "mode", "ns", "raw", "run_id", "seq", "t")
    protocol = 1  # the run stream; `lgtui.v2.V2Event`s are 2

    def __init__(
        self,
        seq: int,
        t: float,
        event: str,
        raw: bytes,
        id: str | None = None,
        run_id: str | None = None,
    ) -> None:
        self.seq = seq
        self.t = t
        self.event = event
        self.raw = raw
        self.id = id
        self.run_id = run_id
        self.mode, self.ns = split_event_name(event)

    @classmethod
    def from_data(
        cls,
        seq: int,
        t: float,
        event: str,
        data: Any,
        id: str | None = None,
        run_id: str | None = None,
    ) -> StreamEvent:
        return cls(seq, t, event, orjson.dumps(data), id=id, run_id=run_id)

    @property
    def data(self) -> Any:
        """The decoded payload; a payload that is not JSON comes back as its text."""
        try:
            return orjson.loads(self.raw)
        except orjson.JSONDecodeError:
            return self.raw.decode("utf-8", "replace")

    def to_json_line(self) -> bytes:
        """The line `lgtui stream` prints for this event (nothing in it drives a terminal:
        JSON escapes C0 controls, and `json_safe` the rest)."""
        from lgtui.terminal import json_safe

        line = {
            "seq": self.seq,
            "t": round(self.t, 6),
            "event": self.event,
            "mode": self.mode,
            "ns": list(self.ns),
            "id": self.id,
            "data": self.data,
        }
        try:
            return json_safe(orjson.dumps(line))
        except TypeError:  # nested deeper than orjson writes: the payload as it came
            line["data"] = orjson.Fragment(self.raw)
            return json_safe(orjson.dumps(line))

    def __repr__(self) -> str:
        return f"StreamEvent(seq={self.seq}, event={self.event!r}, t={self.t:.3f})"
