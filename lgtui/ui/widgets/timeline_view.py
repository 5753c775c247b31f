"""The Timeline tab: a summary per node, then a waterfall of tasks per super-step.

One virtual list (only visible lines are drawn): the summary lines first, then one row
per task -- step, node (indented by subgraph depth), namespace, start, duration, and a
bar placed on the run's time axis. The slowest task is starred; errors are red,
interrupts magenta, tasks still running yellow.
"""

from __future__ import annotations

import time

from textual.binding import Binding
from textual.geometry import Size
from textual.strip import Strip

from lgtui.preview import safe_text
from lgtui.session import Session
from lgtui.timeline import Task, Timeline
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.cursor_list import CursorList, RowHighlighted
from lgtui.ui.widgets.strip import text_strip

NODES_SHOWN = 8  # node summary lines at most
SUMMARY_EVERY = 0.25  # seconds between summary rebuilds while a run streams


def _secs(value: float) -> str:
    return f"{value:.3f}s" if value < 100 else f"{value:.0f}s"


@keymap("timeline")
class TimelineView(CursorList):
    HELP = """\
## Timeline

The run's tasks in time, like a trace view, from the **debug** or **tasks** stream modes.
At the top, one line per node (slowest first): how many times it ran, its total and
longest time, time spent in the chat model (from **events** mode where streamed, else
the span of its streamed message chunks), the tokens its model reported, and errors.
Below, the waterfall: one row per task in start order, with its super-step, node
(indented inside subgraphs), start, duration and a bar on the run's time axis; each tool
call (⚙, yellow) a row of its own where it ran. ★ marks
the slowest task; red is an error, magenta an interrupt, yellow still running.

Moving onto a task shows its result event on the right; in a replay, **enter** moves the
cursor to it.
"""

    BINDINGS = keyed(
        "timeline",
        [
            Binding("up,k", "move(-1)", "Up", show=False, id="timeline.up"),
            Binding("down,j", "move(1)", "Down", show=False, id="timeline.down"),
            Binding("home,g", "edge(0)", "First task", show=False, id="timeline.first"),
            Binding("end,G", "edge(1)", "Last task", show=False, id="timeline.last"),
            Binding("enter", "open", "Go to the task's event", show=False),
        ],
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline: Timeline | None = None
        self.as_of: int | None = None
        self.cursor = -1
        self._summary: list[Text] = []
        self._tasks: list[Task] = []
        self._key: tuple | None = None
        self._built_at = 0.0
        self._now = 0.0
        self._slowest: Task | None = None
        self._node_w = 24
        self._ns_w = 14

    def attach(self, session: Session | None) -> None:
        self.timeline = Timeline(session) if session is not None else None
        self.cursor = -1
        self._key = None
        self._summary, self._tasks = [], []
        self.sync()

    # -- data ---------------------------------------------------------------------------

    @property
    def tasks(self) -> list[Task]:
        """The tasks listed, in start order (as of the cursor in a replay)."""
        return self._tasks

    def show_as_of(self, as_of: int | None) -> None:
        self.sync(as_of)

    def settled(self) -> bool:
        """Its task list is read a slice at a time, and redrawn while tasks run."""
        timeline = self.timeline
        return timeline is None or (timeline.pending == 0 and timeline.session.status != "running")

    def follow_newest(self) -> None:
        self.action_edge(1)

    def sync(self, as_of: int | None = None) -> None:
        timeline = self.timeline
        if timeline is None:
            self._summary = [Text("No run yet.", style="italic")]
            self._set_size()
            return
        changed = timeline.sync(budget=0.03)  # never long on the UI thread
        building = timeline.pending > 0
        session = timeline.session
        live = (as_of is None and session.status == "running") or building
        now = time.monotonic()
        key = (
            len(timeline.tasks),
            session.tools.version,
            as_of,
            session.status,
            self.size.width,
            self.size.height,
        )
        if not changed and key == self._key and not live:
            return
        if live and now - self._built_at < SUMMARY_EVERY:
            return  # running tasks grow: redrawn a few times a second, not every refresh
        self._key, self._built_at, self.as_of = key, now, as_of
        self._tasks = _with_tool_calls(timeline.tasks_as_of(as_of), session, as_of)
        # columns as wide as their content needs, so the bars get the rest
        self._node_w = min(24, max([4, *(len(t.name) + 2 * len(t.ns) for t in self._tasks)]))
        self._ns_w = min(14, max([0, *(len(session.ns_label(t.ns)) for t in self._tasks if t.ns)]))
        self._now = timeline.now(as_of)
        self._slowest = timeline.slowest(as_of)
        self._summary = self._make_summary(timeline, as_of)
        self._set_size()
        self.refresh()

    def _set_size(self) -> None:
        self.virtual_size = Size(0, len(self._summary) + len(self._tasks))

    def _make_summary(self, timeline: Timeline, as_of: int | None) -> list[Text]:
        session = timeline.session
        tasks = self._tasks
        if not tasks:
            modes = session.request.get("stream_mode") or []
            why = (
                "No task has started yet."
                if {"debug", "tasks"} & set(modes)
                else "No tasks: the timeline is built from the debug or tasks stream mode "
                "(this run streamed " + (", ".join(modes) or "other modes") + ")."
            )
            return [Text(why, style="italic")]
        now = self._now
        slowest = self._slowest
        run_usage, _ = timeline.usage(as_of)
        stats = timeline.node_stats(as_of)
        llm_total = sum(s.llm for s in stats)
        head = Text(no_wrap=True, overflow="ellipsis")
        tools = sum(1 for t in tasks if t.name.startswith(TOOL_MARK))
        nodes = len(tasks) - tools
        head.append(f"{nodes} task{'s' if nodes != 1 else ''}", style="bold")
        root_steps, sub_steps = timeline.steps(as_of)
        head.append(f" in {root_steps} step{'s' if root_steps != 1 else ''}", style="bold")
        if sub_steps:
            head.append(f" (+{sub_steps} in subgraphs)")
        if tools:
            head.append(f" · {tools} tool call{'s' if tools != 1 else ''}", style="yellow")
        head.append(f" · {_secs(now - tasks[0].start_t)}")
        if slowest is not None:
            head.append(" · slowest ")
            head.append(safe_text(slowest.name, 40), style="bold red")
            head.append(f" {_secs(slowest.duration(now, as_of))}", style="red")
        cost = Text(no_wrap=True, overflow="ellipsis")
        cost.append("tokens ")
        if run_usage.messages:
            cost.append(run_usage.describe(), style="bold")
        else:
            cost.append("not reported by the model", style="dim")
        cost.append(f" · LLM {_secs(llm_total)}", style="cyan")
        cost.append(f" ({timeline.llm_source()})", style="dim")
        lines = [head, cost]
        if timeline.pending:
            lines.insert(
                0, Text(f"reading task events… {timeline.pending:,} to go", style="yellow")
            )
        table = Text(no_wrap=True, overflow="ellipsis", style="dim")
        table.append(
            f"{'node':<{self._node_w}} {'runs':>4} {'total':>8} {'longest':>8} {'LLM':>8} "
            f"{'tokens in/out':>13} {'errors':>6}"
        )
        lines.append(table)
        # on a short screen, fewer node lines: the waterfall needs the room
        shown = max(2, min(NODES_SHOWN, self.size.height // 4))
        for s in stats[:shown]:
            row = Text(no_wrap=True, overflow="ellipsis")
            w = self._node_w
            name = ("  " * len(s.ns)) + safe_text(s.name, w - 2 * len(s.ns))
            row.append(f"{name:<{w}}", style="bold" if s is stats[0] else "")
            row.append(f" {s.runs:>4} {_secs(s.total):>8} {_secs(s.longest):>8}")
            row.append(f" {(_secs(s.llm) if s.llm else '—'):>8}", style="cyan")
            tokens = f"{s.tokens_in:,}/{s.tokens_out:,}" if (s.tokens_in or s.tokens_out) else "—"
            row.append(f" {tokens:>13}")
            row.append(f" {s.errors or '':>6}", style="bold red" if s.errors else "")
            if s.cache_read or s.reasoning:
                extra = [f"{s.cache_read:,} cached"] if s.cache_read else []
                extra += [f"{s.reasoning:,} reasoning"] if s.reasoning else []
                row.append("  " + ", ".join(extra), style="dim")
            if s.running:
                row.append(f"  {s.running} running", style="yellow")
            lines.append(row)
        if len(stats) > shown:
            lines.append(Text(f"… {len(stats) - shown} more nodes", style="dim italic"))
        lines.append(Text(""))
        ns_head = f"{'namespace':<{self._ns_w}} " if self._ns_w else ""
        lines.append(
            Text(
                f"{'step':>4}  {'node':<{self._node_w}} {ns_head}{'start':>8} {'time':>8}    waterfall",
                style="dim",
                no_wrap=True,
            )
        )
        return lines

    # -- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if line < len(self._summary):
            text = self._summary[line].copy()
        else:
            index = line - len(self._summary)
            if not 0 <= index < len(self._tasks):
                return Strip.blank(width, style)
            text = self._task_line(index, width)
        return text_strip(text, width, style, self.app.console)

    def _task_line(self, index: int, width: int) -> Text:
        assert self.timeline is not None
        timeline, as_of = self.timeline, self.as_of
        task = self._tasks[index]
        session = timeline.session
        now = self._now
        t0 = self._tasks[0].start_t
        span = max(1e-9, now - t0)
        done = task.ended_by(as_of)
        duration = task.duration(now, as_of)
        slowest = self._slowest
        colour = (
            "red"
            if done and task.error
            else "magenta"
            if done and task.interrupted
            else "green"
            if done
            else "yellow"
        )
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{'' if task.step is None else task.step:>4}  ", style="dim")
        node_w, ns_w = self._node_w, self._ns_w
        name = ("  " * len(task.ns)) + safe_text(task.name, node_w - 2 * len(task.ns))
        text.append(f"{name:<{node_w}} ", style="yellow" if task.id.startswith("tool:") else "bold")
        if ns_w:
            label = session.ns_label_fit(task.ns, ns_w) if task.ns else ""
            text.append(f"{label:<{ns_w}} ", style="italic cyan")
        text.append(f"{'+' + _secs(task.start_t):>8} ", style="dim")
        star = task is slowest and len(self._tasks) > 1
        text.append(f"{_secs(duration):>8}", style="bold red" if star else "")
        text.append("★ " if star else "  ", style="bold red")
        bar_width = max(10, width - text.cell_len - 2)
        start = int((task.start_t - t0) / span * bar_width)
        end = max(start + 1, round((task.start_t + duration - t0) / span * bar_width))
        end = min(end, bar_width)
        start = min(start, bar_width - 1)
        text.append(" " * start)
        text.append("█" * (end - start), style=colour)
        text.append(" " * (bar_width - end))
        if task.error and done:
            text.append(" ✖ " + safe_text(task.error, 80), style="red")
        elif task.interrupted and done:
            text.append(" ⏸ interrupt", style="magenta")
        elif task.handed_off and done:
            text.append(" ↗ handed off (ended with its parent task)", style="dim")
        if index == self.cursor:
            text.stylize(self.cursor_style())
        return text

    # -- moving ---------------------------------------------------------------------------

    def _select(self, index: int, go: bool = False) -> None:
        if not self._tasks:
            return
        index = max(0, min(len(self._tasks) - 1, index))
        old, self.cursor = self.cursor, index
        line = len(self._summary) + index
        self.scroll_to_line(line)
        self.refresh_cursor_lines(len(self._summary) + old if old >= 0 else -1, line)
        task = self._tasks[index]
        seq = (
            task.end_seq
            if task.ended_by(self.as_of) and task.end_seq is not None
            else task.start_seq
        )
        self.post_message(RowHighlighted(seq, go))

    def action_move(self, delta: int) -> None:
        self._select((self.cursor if self.cursor >= 0 else -1) + delta)

    def action_edge(self, end: int) -> None:
        self._select(len(self._tasks) - 1 if end else 0)

    def action_open(self) -> None:
        if self.cursor >= 0:
            self._select(self.cursor, go=True)

    def on_click(self, event) -> None:
        index = self.scroll_offset.y + event.y - len(self._summary)
        if 0 <= index < len(self._tasks):
            self._select(index)

    def on_resize(self) -> None:
        """Columns and the number of node lines follow the size: rebuilt now (an idle
        screen does not tick to do it later)."""
        self._key = None
        self._built_at = 0.0
        if self.timeline is not None:
            self.sync(self.as_of)
        self._set_size()


TOOL_MARK = "⚙ "  # the name of a tool call's row begins so


def _with_tool_calls(tasks: list[Task], session: Session, as_of: int | None) -> list[Task]:
    """The tasks, with a row for each tool call of the run where it ran (its agent's
    namespace), in start order: the waterfall shows how long each tool took."""
    calls = session.tools.snapshot(as_of)
    if not calls:
        return tasks
    rows = list(tasks)
    for call in calls:
        done = call.status != "running" and (as_of is None or call.last_seq <= as_of)
        start = call.start or 0.0
        rows.append(
            Task(
                id=f"tool:{call.id}",
                name=TOOL_MARK + (call.name or "?"),
                ns=call.ns,
                step=None,
                start_seq=call.first_seq,
                start_t=start,
                end_seq=call.last_seq if done else None,
                end_t=(call.end if call.end is not None else start) if done else None,
                error=call.error if call.status == "error" else "",
            )
        )
    rows.sort(key=lambda t: (t.start_t, t.start_seq))
    return rows
