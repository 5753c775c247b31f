"""LangGraph's thread-centric event stream ("event streaming v2"; langgraph-sdk calls it
v3 thread-centric streaming, langgraph ``astream_events(version="v3")``).

A v2 event is an envelope::

    {"type": "event", "event_id": "...", "seq": 7, "method": "messages",
     "params": {"namespace": ["agent:<task id>"], "timestamp": 1796..., "data": {...},
                "node": "tools"}}

lgtui keeps the envelope whole (``raw``: a capture holds what the server sent, and
`lgtui stream --protocol v2` prints it) and files it under the wire name the server
itself gives it internally, ``method|ns...`` (``lifecycle|research:<id>``), so that modes
and namespaces work as they do for the run stream (v1).  `V2Event.data` is the payload
(``params.data``): a ``values`` event's data is the state, as in v1.

The shapes of the payloads are those of PyPI ``langchain-protocol``; the server's rules
(which channel carries what, when lifecycle events are sent) are written down in
docs/embedded.md.
"""

from __future__ import annotations

from typing import Any

import orjson

from lgtui.events import StreamEvent

# Channels a v2 stream can be asked for, in the order the UI lists them (no ``debug``).
CHANNELS: tuple[str, ...] = (
    "values",
    "updates",
    "messages",
    "tools",
    "lifecycle",
    "input",
    "checkpoints",
    "tasks",
    "custom",
)
DEFAULT_CHANNELS: tuple[str, ...] = CHANNELS
# The method of a channel's events, where it differs from the channel's name.
METHOD_OF_CHANNEL = {"input": "input.requested"}
TERMINAL = frozenset({"completed", "failed", "interrupted"})
# How a run's root lifecycle ends, in lgtui's (and the run stream's) words.
STATUS_OF_LIFECYCLE = {"completed": "success", "failed": "error", "interrupted": "interrupted"}


def channel_ok(name: str) -> bool:
    """A channel a server accepts: one of `CHANNELS`, or ``custom:<name>``."""
    return name in CHANNELS or (name.startswith("custom:") and len(name) > len("custom:"))


class V2Event(StreamEvent):
    """One envelope of a v2 stream; ``data`` is its payload, ``envelope`` the whole."""

    __slots__ = ()
    protocol = 2

    @property
    def envelope(self) -> Any:
        try:
            return orjson.loads(self.raw)
        except orjson.JSONDecodeError:
            return self.raw.decode("utf-8", "replace")

    def _params(self) -> dict[str, Any]:
        env = self.envelope
        params = env.get("params") if isinstance(env, dict) else None
        return params if isinstance(params, dict) else {}

    @property
    def data(self) -> Any:
        return self._params().get("data")

    @property
    def node(self) -> str:
        node = self._params().get("node")
        return node if isinstance(node, str) else ""

    @property
    def timestamp(self) -> int | None:
        ts = self._params().get("timestamp")
        return ts if isinstance(ts, int) and not isinstance(ts, bool) else None

    @property
    def event_id(self) -> str | None:
        env = self.envelope
        eid = env.get("event_id") if isinstance(env, dict) else None
        return eid if isinstance(eid, str) else None

    def to_json_line(self) -> bytes:
        """The envelope as the server sent it (what langgraph-sdk's thread stream gives),
        on one line, with nothing in it that drives a terminal."""
        from lgtui.terminal import json_safe

        try:
            return json_safe(orjson.dumps(orjson.loads(self.raw)))
        except (orjson.JSONDecodeError, TypeError):
            return json_safe(orjson.dumps(self.raw.decode("utf-8", "replace")))


def wire_name(envelope: Any, fallback: str = "message") -> str:
    """``method|ns...`` of an envelope (``fallback`` when it has no method)."""
    if not isinstance(envelope, dict):
        return fallback
    method = envelope.get("method")
    name = method if isinstance(method, str) and method else fallback
    params = envelope.get("params")
    ns = params.get("namespace") if isinstance(params, dict) else None
    if isinstance(ns, list) and ns:
        name += "|" + "|".join(str(part) for part in ns)
    return name


def event_of(
    seq: int,
    t: float,
    raw: bytes,
    *,
    sse_event: str = "",
    sse_id: str | None = None,
    run_id: str | None = None,
) -> V2Event:
    """A `V2Event` of the envelope ``raw`` (bytes that are not an envelope stay as they
    came, under the SSE event's name)."""
    try:
        envelope = orjson.loads(raw)
    except orjson.JSONDecodeError:
        envelope = None
    return V2Event(
        seq, t, wire_name(envelope, sse_event or "message"), raw, id=sse_id, run_id=run_id
    )


def root_ended(envelope: Any) -> bool:
    """Whether a (decoded) envelope is the root's lifecycle saying the run ended."""
    if not isinstance(envelope, dict) or envelope.get("method") != "lifecycle":
        return False
    params = envelope.get("params")
    if not isinstance(params, dict) or params.get("namespace"):
        return False
    data = params.get("data")
    return isinstance(data, dict) and data.get("event") in TERMINAL


def root_terminal(event: StreamEvent) -> str | None:
    """``completed``/``failed``/``interrupted`` when ``event`` ends the run (the root's
    lifecycle), else None."""
    if event.mode != "lifecycle" or event.ns:
        return None
    data = event.data
    status = data.get("event") if isinstance(data, dict) else None
    return status if status in TERMINAL else None


def announced(ns: list[str], data: Any) -> list[str]:
    """The namespace a lifecycle event is about: langgraph announces every subgraph from
    the root's scope, with the subgraph's own namespace in the data."""
    inner = data.get("namespace") if isinstance(data, dict) else None
    if isinstance(inner, list) and all(isinstance(p, str) for p in inner) and len(inner) > len(ns):
        return list(inner)
    return ns


def _node_of(part: str) -> str:
    return part.split(":")[0]


def under(ns: list[str], prefix: list[str]) -> bool:
    """``ns`` at or below ``prefix`` (a part without ``:`` matches any task of its node)."""
    if len(prefix) > len(ns):
        return False
    for mine, theirs in zip(ns, prefix, strict=False):
        if mine != theirs and (":" in theirs or _node_of(mine) != theirs):
            return False
    return True


def wanted(
    envelope: Any,
    channels: list[str] | None,
    namespaces: list[list[str]] | None,
    depth: int | None,
) -> bool:
    """Whether a subscription takes ``envelope``, as the server decides: its channel
    (``input`` for ``input.requested``; ``custom:<name>`` a custom event of that name),
    then its namespace (under one of the prefixes, at most ``depth`` below)."""
    if not isinstance(envelope, dict):
        return False
    method = envelope.get("method")
    channel = "input" if method == "input.requested" else str(method)
    params = envelope.get("params")
    params = params if isinstance(params, dict) else {}
    if channels:
        if channel == "custom":
            data = params.get("data")
            name = data.get("name") if isinstance(data, dict) else None
            if "custom" not in channels and (name is None or f"custom:{name}" not in channels):
                return False
        elif channel not in channels:
            return False
    if not namespaces:
        return True
    ns = params.get("namespace")
    ns = [str(p) for p in ns] if isinstance(ns, list) else []
    return any(under(ns, p) and (depth is None or len(ns) - len(p) <= depth) for p in namespaces)
