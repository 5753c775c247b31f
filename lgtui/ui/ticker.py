"""A refresh timer that sleeps while there is nothing to do: an idle app does no work.

The main screen polls its Session at 20 Hz while a run streams (and a replay plays at
30 Hz); once the run ended, the search finished and the view has drawn everything, the
timer pauses.  A change of the Session (on the engine's thread: `wake_threadsafe`), a
key, a new run or a search wakes it; the first tick after waking comes at once, and
changes in between are coalesced into the next tick (at most one every interval).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from textual.message_pump import MessagePump
from textual.timer import Timer


class Ticker:
    def __init__(self, owner: MessagePump, interval: float, tick: Callable[[], bool]) -> None:
        """``tick`` is called every ``interval`` seconds while awake; it answers whether
        there is more to do without a change (False: the ticker sleeps)."""
        self._tick = tick
        self._loop = asyncio.get_running_loop()
        self.asleep = False
        self.ticks = 0  # (for tests: an idle screen's count stays put)
        self._timer: Timer = owner.set_interval(interval, self._run)

    def _run(self) -> None:
        self.ticks += 1
        # asleep before the tick: a change during it wakes the ticker again (no change
        # can slip between the tick and the pause)
        self.asleep = True
        more = self._tick()
        if more:
            self.asleep = False
        elif self.asleep:
            self._timer.pause()

    def wake(self) -> None:
        """Tick again soon (on the UI's loop)."""
        if self.asleep:
            self.asleep = False
            self._timer.resume()

    def wake_threadsafe(self) -> None:
        """`wake` from another thread (the engine appending events); cheap when awake."""
        if self.asleep:
            self.asleep = False
            try:
                self._loop.call_soon_threadsafe(self._timer.resume)
            except RuntimeError:  # the app's loop is closed: nothing left to refresh
                pass


@runtime_checkable
class Wakeful(Protocol):
    """A screen with a `Ticker`: the app wakes it on every key and click."""

    def wake(self) -> None: ...
