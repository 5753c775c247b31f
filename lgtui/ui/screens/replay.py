"""Replay a capture: the main screen as of a cursor, a timeline, and keys to move in time."""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from lgtui.preview import safe_text
from lgtui.session import Session
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.screens.main import MainScreen
from lgtui.ui.text import Text
from lgtui.ui.ticker import Ticker
from lgtui.ui.widgets.cursor_list import RowHighlighted
from lgtui.ui.widgets.event_list import EventList

SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, float("inf"))
MAX_GAP = 2.0  # idle gaps longer than this play as this long
TICK = 1 / 30
MAX_STEPS_PER_TICK = 2_000  # "max" speed: events per frame


def speed_label(speed: float) -> str:
    return "max" if speed == float("inf") else f"{speed:g}×"


class TimelineBar(Static):
    """Where the cursor is in the run: play state, speed, event, time, and a progress bar."""

    _key: tuple | None = None

    def show(self, screen: ReplayScreen) -> None:
        session = screen.session
        width = max(20, self.size.width - 2)
        key = (
            width,
            screen.cursor,
            screen.playing,
            screen.speed,
            screen.capture_loading,
            screen.warning,
            session.count if session else -1,
            len(session.stop_seqs) if session else 0,
        )
        if key == self._key:
            return  # nothing to redraw: no layout work on idle ticks
        self._key = key
        text = Text(no_wrap=True, overflow="ellipsis")
        if session is None or not session.count:
            text.append(
                "loading…" if screen.capture_loading else "this capture holds no events", "italic"
            )
            self.update(text)
            return
        cursor = screen.cursor
        count = session.count
        event = session.events[cursor]
        total_t = session.events[-1].t
        text.append(
            " ▶ playing " if screen.playing else " ⏸ paused ",
            "bold black on green" if screen.playing else "bold black on yellow",
        )
        text.append(f" {speed_label(screen.speed)}", "bold")
        text.append(f"  event {cursor:,} / {count - 1:,}", "")
        text.append(f"  t {event.t:.3f}s / {total_t:.3f}s", "dim")
        steps = bisect_right(session.checkpoint_seqs, cursor)
        if session.checkpoint_seqs:
            text.append(f"  checkpoint {steps} / {len(session.checkpoint_seqs)}", "dim")
        if screen.capture_loading:
            text.append("  loading…", "italic yellow")
        if screen.warning:
            text.append("  ⚠ " + safe_text(screen.warning, 120), "bold yellow")
        text.append("\n")
        # the bar: position, with errors/interrupts marked
        filled = int(width * (cursor + 1) / count)
        marks = {int(width * s / count) for s in session.stop_seqs}
        for i in range(width):
            if i in marks:
                text.append("◆", "bold red")
            elif i < filled:
                text.append("━", "green")
            else:
                text.append("─", "dim")
        self.update(text)


@keymap("go to (replay)")
class SeekScreen(ModalScreen[str | None]):
    BINDINGS = keyed("seek", [Binding("escape", "dismiss(None)", "Cancel")])

    def __init__(self, count: int, duration: float) -> None:
        super().__init__()
        self.count = count
        self.duration = duration

    def compose(self) -> ComposeResult:
        with Vertical(id="seek-box"):
            yield Label(
                f"Go to an event number (0–{self.count - 1:,}) or a time ('12.5s', 0–{self.duration:.3f}s)"
            )
            yield Input(placeholder="e.g. 120 or 3.5s", id="seek-input")
            yield Static("", id="seek-error")

    @on(Input.Submitted)
    def _submitted(self, message: Input.Submitted) -> None:
        if not _SEEK.match(message.value):
            self.query_one("#seek-error", Static).update(
                Text("not an event number or a time like 3.5s", style="red")
            )
            return
        self.dismiss(message.value)


_SEEK = re.compile(r"^\s*(\d[\d,_]*|\d+(\.\d*)?s)\s*$", re.IGNORECASE)


def parse_seek(value: str, times: Sequence[float]) -> int | None:
    """An event number, or the first event at or after a time ('3.5s'); None if neither.
    ``times`` are the events' times, in order."""
    if not len(times) or not _SEEK.match(value):
        return None
    value = value.strip().lower()
    if value.endswith("s"):
        return min(len(times) - 1, bisect_left(times, float(value[:-1])))
    return max(0, min(len(times) - 1, int(value.replace(",", "").replace("_", ""))))


# the live screen's run keys do not apply to a recording
LIVE_ONLY = frozenset(
    "new_run rerun cancel_run follow threads history watch store resume crons chat assistants".split()
)


@keymap("replay")
class ReplayScreen(MainScreen, inherit_bindings=False):
    """The main screen driven by a cursor instead of the live tail."""

    HELP = """\
## Replay

A recorded run, as of a cursor you move in time: every tab lists the events up to the
cursor, the state is the state at it, messages are as streamed by then.

**space** plays (original timing, idle gaps capped at 2 s), **+**/**-** change the speed,
**→**/**←** step one event, **]**/**[** one checkpoint, **e**/**E** jump to the next or
previous error or interrupt, **home**/**end** to either end, **g** to an event number or
a time like `3.5s`. Search (**/**, **n**, **N**) moves the cursor to matches.
"""

    BINDINGS = keyed(
        "replay",
        [
            Binding("space", "play", "Play/pause", priority=True),
            Binding(
                "right", "step(1)", "Next event", priority=True, key_display="→", id="replay.next"
            ),
            Binding(
                "left",
                "step(-1)",
                "Previous event",
                priority=True,
                key_display="←",
                id="replay.prev",
            ),
            Binding(
                "plus,=", "speed(1)", "Faster", key_display="+", show=False, id="replay.faster"
            ),
            Binding(
                "minus", "speed(-1)", "Slower", key_display="-", show=False, id="replay.slower"
            ),
            Binding(
                "right_square_bracket",
                "checkpoint(1)",
                "Next checkpoint",
                key_display="]",
                id="replay.next_checkpoint",
            ),
            Binding(
                "left_square_bracket",
                "checkpoint(-1)",
                "Previous checkpoint",
                key_display="[",
                show=False,
                id="replay.prev_checkpoint",
            ),
            Binding("e", "stop(1)", "Next error/interrupt", id="replay.next_stop"),
            Binding("E", "stop(-1)", "Previous error/interrupt", show=False, id="replay.prev_stop"),
            Binding("home", "edge(0)", "First event", priority=True, show=False, id="replay.first"),
            Binding("end", "edge(1)", "Last event", priority=True, show=False, id="replay.last"),
            Binding("g", "seek", "Go to", priority=True),
            Binding(
                "R",
                "rerun_recorded",
                "Re-run",
                show=False,
                id="replay.rerun",
                tooltip="Run this recording again on the graph's current code, its model and "
                "tool calls answered from the recording, and compare the two runs",
            ),
        ],
    )
    _LIVE_ONLY = LIVE_ONLY
    # the replay's own keys first (the footer shows them in this order), then the
    # main screen's that apply to a recording
    BINDINGS = [
        *Screen.BINDINGS,
        *BINDINGS,
        *(b for b in MainScreen.BINDINGS if isinstance(b, Binding) and b.action not in LIVE_ONLY),
    ]

    # the replay's state: each change redraws what shows it (the screen, the timeline bar)
    cursor: reactive[int] = reactive(0, init=False)
    playing: reactive[bool] = reactive(False, init=False)
    speed: reactive[float] = reactive(1.0, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.as_of = 0
        self.capture_loading = True
        self.warning = ""
        self._last_tick = time.monotonic()
        self._carry = 0.0
        self._times: list[float] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in self._LIVE_ONLY

    def on_key(self, event: events.Key) -> None:
        """A live-run key in a replay (hidden from the footer here): say why it does nothing."""
        for binding in MainScreen.BINDINGS:
            if not isinstance(binding, Binding) or binding.action not in self._LIVE_ONLY:
                continue
            if event.key in [k.strip() for k in binding.key.split(",")]:
                event.stop()
                self.notify(
                    f"{binding.description}: not in a replay (a recording has no live run or "
                    "thread; `lgtui connect` or `lgtui open` do)",
                    markup=False,
                    timeout=4,
                )
                return

    def compose_extra(self) -> ComposeResult:
        yield TimelineBar(id="timeline")

    def on_mount(self) -> None:
        super().on_mount()
        self.player = Ticker(self, TICK, self._play_tick)

    def watch_cursor(self, seq: int) -> None:
        self.as_of = seq
        self.refresh_from_session()
        self._show_bar()

    def watch_playing(self, playing: bool) -> None:
        self._carry = 0.0
        self._last_tick = time.monotonic()
        if playing:
            self.player.wake()
        self._show_bar()

    def watch_speed(self) -> None:
        self._carry = 0.0
        self._show_bar()

    def _show_bar(self) -> None:
        if self.is_mounted:
            self.query_one(TimelineBar).show(self)

    def attach(self, session: Session) -> None:
        super().attach(session)
        self.cursor = self.as_of = 0

    # -- the cursor -------------------------------------------------------------------------

    def seek(self, seq: int) -> None:
        session = self.session
        if session is None or not session.count:
            return
        self.cursor = max(0, min(session.count - 1, seq))

    @on(EventList.Seek)
    def _list_seek(self, message: EventList.Seek) -> None:
        self.playing = False
        self.seek(message.seq)

    @on(RowHighlighted)
    def _task_go(self, message: RowHighlighted) -> None:
        if message.go:
            self.playing = False
            self.seek(message.seq)

    def go_to_event(self, lst: EventList, seq: int) -> None:
        """A search match: the cursor moves there, and with it every tab."""
        self.playing = False
        self.seek(seq)

    def _play_tick(self) -> bool:
        """A frame of playing (and of the loading bar); whether to go on."""
        now = time.monotonic()
        dt, self._last_tick = now - self._last_tick, now
        session = self.session
        if self.playing and session is not None and session.count:
            self._advance(session, dt)
        self._show_bar()
        return self.playing or self.capture_loading

    def _advance(self, session: Session, dt: float) -> None:
        last = session.count - 1
        cursor = self.cursor
        if cursor >= last:
            if not self.capture_loading:
                self.playing = False
            return
        if self.speed == float("inf"):
            self.seek(min(last, cursor + MAX_STEPS_PER_TICK))
            return
        budget = dt * self.speed + self._carry
        events = session.events
        steps = 0
        while cursor < last and steps < MAX_STEPS_PER_TICK:
            gap = min(MAX_GAP, max(0.0, events.t_at(cursor + 1) - events.t_at(cursor)))
            if gap > budget:
                break
            budget -= gap
            cursor += 1
            steps += 1
        self._carry = budget if cursor < last else 0.0
        self.seek(cursor)

    # -- actions ------------------------------------------------------------------------------

    def action_play(self) -> None:
        session = self.session
        if session is not None and self.cursor >= session.count - 1 and not self.playing:
            self.seek(0)  # play again from the start
        self.playing = not self.playing

    def action_step(self, delta: int) -> None:
        self.playing = False
        self.seek(self.cursor + delta)

    def action_speed(self, direction: int) -> None:
        i = SPEEDS.index(self.speed) + direction
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i))]

    def _jump(self, seqs: Sequence[int], direction: int, what: str) -> None:
        self.playing = False
        if direction > 0:
            i = bisect_right(seqs, self.cursor)
            target = seqs[i] if i < len(seqs) else None
        else:
            i = bisect_left(seqs, self.cursor)
            target = seqs[i - 1] if i > 0 else None
        if target is None:
            self.notify(
                f"No {what} {'after' if direction > 0 else 'before'} event {self.cursor}.",
                markup=False,
                timeout=2,
            )
            return
        self.seek(target)

    def action_checkpoint(self, direction: int) -> None:
        session = self.session
        if session is None:
            return
        seqs: Sequence[int] = session.checkpoint_seqs or session.state_events.get((), [])
        self._jump(seqs, direction, "checkpoint" if session.checkpoint_seqs else "values event")

    def action_stop(self, direction: int) -> None:
        if self.session is not None:
            self._jump(self.session.stop_seqs, direction, "error or interrupt")

    def action_edge(self, end: int) -> None:
        self.playing = False
        if self.session is not None:
            self.seek(self.session.count - 1 if end else 0)

    def action_rerun_recorded(self) -> None:
        """`lgtui rerun` from the replay: the re-run on a thread, then the run diff."""
        capture = getattr(self.app, "capture", None)
        if capture is None:
            self.notify("The recording is still loading", severity="warning")
            return
        if capture.header.get("source") != "embedded":
            self.notify(
                "Recorded from a server: its graph is not here "
                "(lgtui rerun FILE --graph PATH runs it on your code)",
                severity="warning",
            )
            return
        self.playing = False
        self.notify("Re-running on the graph's current code, calls answered from the recording…")
        self._rerun(capture)

    @work(thread=True, exclusive=True, group="rerun", exit_on_error=False)
    def _rerun(self, capture: Any) -> None:
        import asyncio

        from lgtui.errors import LgtuiError
        from lgtui.rerun import calls_line, diff_of, graph_of, rerun

        try:
            from lgtui.capture import read_capture

            capture = read_capture(capture.path)  # the replay keeps its events in the Session
            result = asyncio.run(rerun(capture, graph_of(capture, None), True, offline=False))
            diff = diff_of(result, None)
        except LgtuiError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        except Exception as exc:  # the engine host or the graph failed to start
            self.app.call_from_thread(self.notify, f"the re-run failed: {exc}", severity="error")
            return
        said = f"Re-run: {result.status}; {calls_line(result.calls)}"
        if result.calls.get("first_live"):
            said += f"\nThe first call made live: {result.calls['first_live']}"
        if result.error:
            said += f"\n{result.error}"

        def show() -> None:
            from lgtui.ui.screens.rundiff import RunDiffScreen

            self.notify(said, severity="error" if result.error else "information", timeout=10)
            if diff is not None:
                self.app.push_screen(RunDiffScreen(diff))

        self.app.call_from_thread(show)

    def action_seek(self) -> None:
        session = self.session
        if session is None or not session.count:
            return
        self.playing = False

        def done(value: str | None) -> None:
            if value is None or self.session is None:
                return
            target = parse_seek(value, self.session.events.times)
            if target is None:
                self.notify(
                    f"Not an event number or a time: {value}", markup=False, severity="warning"
                )
                return
            self.seek(target)

        self.app.push_screen(SeekScreen(session.count, session.events[-1].t), done)
