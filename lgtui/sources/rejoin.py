"""Rejoining a run after a dropped connection: how long to wait between tries, and where
the stream stands so that nothing is delivered twice or skipped."""

from __future__ import annotations

import time

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
