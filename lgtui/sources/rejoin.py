"""Rejoining a run after a dropped connection: how long to wait between tries, and where
the stream stands so that nothing is delivered twice or skipped."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lgtui.events import StreamEvent
    from lgtui.sources.base import RunHandle
    from lgtui.sources.sse import SSE

# Reconnecting after a drop: waits of 0.1 s doubling up to 5 s, for as long as
# RemoteSource.reconnect_for seconds go by without one event getting through.
REJOIN_FIRST_DELAY = 0.1
REJOIN_MAX_DELAY = 5.0


def backoff(attempt: int) -> float:
    """Seconds to wait before reconnect ``attempt`` (0-based)."""
    return min(REJOIN_MAX_DELAY, REJOIN_FIRST_DELAY * 2.0 ** min(attempt, 16))


class StreamPosition:
    """Where a stream stands across rejoins.

    The server may give several consecutive events the same SSE id (langgraph-api's
    in-memory runtime stamps ``{ms}-0``), and answers Last-Event-ID with the events *after*
    it: rejoining from the last id could skip the rest of its group.  So a rejoin asks from
    the id before it (``prev_id``) and drops what it already delivered: older ids, and the
    events of ``last_id``'s group it already has.  The server also sends again, live, the
    events put between its subscribing and its replaying (a race the inmem runtime has
    under load): those come with ids the replay already passed, and are dropped the same
    way.  Within a group an event is known by its data: after a rejoin, an event identical
    to one already delivered with the same id is taken for a repeat (the price of ids
    that do not tell a millisecond's events apart).
    """

    def __init__(self) -> None:
        self.seq = 0
        self.last_id: str | None = None
        self.prev_id: str | None = None
        self.rejoining = False  # a rejoin happened: repeats are possible from now on
        self.start = time.monotonic()
        self.rejoins = 0
        self._group: set[int] = set()  # hashes of the data delivered with id == last_id

    def rejoin_from(self) -> str:
        self.rejoining = True
        return self.prev_id or "0-0"

    def seen(self, sse_id: str | None, data: str = "") -> bool:
        """True when a rejoin replays an event that was already delivered."""
        if not self.rejoining or sse_id is None or self.last_id is None:
            return False
        key, last = id_key(sse_id), id_key(self.last_id)
        if key < last:
            return True
        return key == last and hash(data) in self._group

    def delivered(self, sse_id: str | None, data: str = "") -> None:
        if sse_id is None:
            return
        if sse_id != self.last_id:
            self.prev_id, self.last_id = self.last_id, sse_id
            self._group = set()
        self._group.add(hash(data))


def id_key(sse_id: str) -> tuple[int, ...]:
    """``"1795463039979-3"`` -> ``(1795463039979, 3)``: ids compare in stream order."""
    try:
        return tuple(int(p) for p in sse_id.split("-"))
    except ValueError:
        return (0,)


class ThreadPosition(StreamPosition):
    """Where a thread-centric (v2) stream of one run stands.

    The server numbers a connection's events (``seq``, the SSE id) and replays the whole
    thread on every connection, from its first run: a reconnect asks for the events
    after the last number seen (``since``), and only the events of this run are taken:
    from its root ``lifecycle`` (whose synthesized id names the run) to its end.
    """

    def __init__(
        self,
        run_id: str,
        channels: list[str] | None = None,
        namespaces: list[list[str]] | None = None,
        depth: int | None = None,
    ) -> None:
        super().__init__()
        self.run_id = run_id
        self.cursor: int | None = None  # the server's seq of the last event read
        self.in_run = False
        # what the user asked for: the server is asked for more (the root's lifecycle,
        # every namespace) so that the run's end is always seen; the rest is dropped here
        self.filter = (channels, namespaces, depth)
        self.ended_with: str | None = None  # how the root's lifecycle said the run ended

    def since(self) -> dict[str, int]:
        return {} if self.cursor is None else {"since": self.cursor}

    def thread_event(self, sse: SSE, handle: RunHandle) -> StreamEvent | None:
        """The event of ``sse`` when it belongs to this run and was not read before."""
        from lgtui.v2 import event_of, root_ended, wanted

        number = sse.id.strip()
        if number.isdigit():
            if self.cursor is not None and int(number) <= self.cursor:
                return None  # sent again (a reconnect asked from an older number)
            self.cursor = int(number)
        raw = sse.data.encode("utf-8", "replace")
        if raw.startswith(b'{"type":"error"') or raw.startswith(b'{"type": "error"'):
            raise ProtocolError(raw)
        event = event_of(
            self.seq,
            time.monotonic() - self.start,
            raw,
            sse_event=sse.event,
            sse_id=sse.id or None,
            run_id=handle.run_id,
        )
        if not self.in_run:
            if event.event != "lifecycle" or not (event.event_id or "").startswith(
                f"synth:{self.run_id}:"
            ):
                return None  # an earlier run of the thread, replayed
            self.in_run = True
        envelope = event.envelope
        if root_ended(envelope):
            self.ended_with = envelope["params"]["data"]["event"]
        return event if wanted(envelope, *self.filter) else None


class _Dropped(Exception):
    """The connection broke mid-stream (a rejoin may get the rest)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProtocolError(Exception):
    """The server said something went wrong in the stream itself (a resume gap)."""

    def __init__(self, raw: bytes) -> None:
        import orjson

        try:
            found = orjson.loads(raw)
        except orjson.JSONDecodeError:
            found = {}
        body: dict[str, Any] = found if isinstance(found, dict) else {}
        self.code = str(body.get("error") or "error")
        self.message = str(body.get("message") or raw[:200].decode("utf-8", "replace"))
        self.body = body
        super().__init__(f"{self.code}: {self.message}")

    def said(self, target: str, events: int) -> str:
        """The one line a user is told."""
        if self.code == "resume_gap":
            oldest = self.body.get("min_available_seq")
            return (
                f"{target} no longer holds the events missed while disconnected (resume gap: "
                f"it keeps them from #{oldest} on); {events} events were received: the "
                "thread's state (h: history) tells what happened since"
            )
        return f"the thread's event stream from {target} failed: {self.code}: {self.message}"
