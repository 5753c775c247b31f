"""Full garbage collections while the user is idle, never in the middle of a key press.

CPython's automatic full (generation 2) collection walks every tracked object: with a
run's payloads and a few thousand widgets in memory it takes 100-200 ms, and it strikes
whenever allocation counts say so -- often right after a key press, which then waits.
Measured with `benchmarks/bench_keys.py`: key-to-frame p95 128 ms, worst 208 ms with the
default policy; 38 ms and 48 ms with this one.  Young generations are still collected
automatically (they are cheap); the full collection runs on a timer once input has been
quiet for a quarter of a second, every few seconds, so each finds little (Textual's
strips cache themselves, so every drawn line is a small reference cycle to collect).
"""

from __future__ import annotations

import gc
import time

IDLE_AFTER = 0.25  # seconds without input before a full collection may run
EVERY = 2.0  # seconds between full collections at least: often, so each finds little
FORCE_AFTER = 30.0  # ...and at most, even while keys keep coming (a held arrow key)
# Young generations: a screen redraw makes tens of thousands of short-lived objects, many
# of them small reference cycles. With CPython's defaults (700, 10) they outlive two young
# collections while still on screen, reach the old generation and pile up there for the
# full collection; a larger middle generation lets them die young.
YOUNG, MIDDLE = 2_000, 50
_NO_AUTOMATIC_FULL = 1_000_000_000


class IdleCollector:
    def __init__(self) -> None:
        self.last_input = time.monotonic()
        self.last_collect = time.monotonic()
        self.collections = 0
        self._saved: tuple[int, int, int] | None = None

    def install(self) -> None:
        self._saved = gc.get_threshold()
        gc.set_threshold(YOUNG, MIDDLE, _NO_AUTOMATIC_FULL)

    def uninstall(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None
        gc.unfreeze()  # what a replay froze (see ReplayApp): collectable again

    def touched(self) -> None:
        """The user pressed a key or moved the mouse."""
        self.last_input = time.monotonic()

    def tick(self) -> None:
        now = time.monotonic()
        since = now - self.last_collect
        if (now - self.last_input >= IDLE_AFTER and since >= EVERY) or since >= FORCE_AFTER:
            gc.collect()
            self.collections += 1
            self.last_collect = time.monotonic()
