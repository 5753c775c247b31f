"""A run's tasks in time: when each node ran, for how long, in which super-step, with what
result -- the waterfall of the Timeline tab.  No Textual here.

Tasks come from ``debug`` events (``task`` / ``task_result``, with the step) and from the
``tasks`` stream mode (the same payloads without the step: a step is then a batch of
task starts after results); both modes at once are one task each.  Times are arrival
times (the event's ``t``), the same clock as every other tab.  LLM time per node comes
from ``events`` mode (``on_chat_model_start`` to ``on_chat_model_end``) where it was
streamed, else from the span of a message's streamed chunks (messages modes); token
usage from the ``usage_metadata`` models report on their messages.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from lgtui.preview import preview
from lgtui.tokens import Usage

_TASK_MARK = b'"type":"task'
_CHAT_START = b'"on_chat_model_start"'
_CHAT_END = b'"on_chat_model_end"'


def child_ns(ns: tuple[str, ...], name: str, task_id: str) -> tuple[str, ...]:
    """The namespace of what a task runs inside it (a subgraph): ``ns + ("name:id",)``."""
    return (*ns, f"{name}:{task_id}")


def inside(ns: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return len(ns) >= len(prefix) and ns[: len(prefix)] == prefix


@dataclass
class Task:
    id: str
    name: str
    ns: tuple[str, ...]
    step: int | None
    start_seq: int
    start_t: float
    end_seq: int | None = None
    end_t: float | None = None
    error: str = ""
    interrupted: bool = False
    # ended without a result of its own: the task that ran its subgraph ended (a handoff,
    # Command(graph=Command.PARENT), leaves the subgraph's last task without one)
    handed_off: bool = False

    def ended_by(self, seq: int | None) -> bool:
        return self.end_seq is not None and (seq is None or self.end_seq <= seq)

    def duration(self, now: float, as_of: int | None = None) -> float:
        end = self.end_t if self.ended_by(as_of) and self.end_t is not None else now
        return max(0.0, end - self.start_t)


@dataclass
class NodeStats:
    name: str
    ns: tuple[str, ...]
    runs: int = 0
    total: float = 0.0
    longest: float = 0.0
    errors: int = 0
    llm: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    cache_read: int = 0  # of tokens_in, read from the provider's cache
    reasoning: int = 0  # of tokens_out, spent reasoning
    running: int = 0


@dataclass
class _LLMCall:
    node: str
    ns: tuple[str, ...]
    start_seq: int
    start_t: float
    end_seq: int | None = None
    end_t: float | None = None
    usage: dict[str, Any] | None = None  # the model's usage_metadata, from its end event


@dataclass
class Timeline:
    """Built from a Session a few events at a time (`sync`), as the run streams."""

    session: Any
    tasks: list[Task] = field(default_factory=list)
    _by_id: dict[tuple[tuple[str, ...], str], Task] = field(default_factory=dict)
    _debug_seen: int = 0  # how much of the session's debug tab was looked at
    _events_seen: int = 0
    _step_of_ns: dict[tuple[str, ...], tuple[int, bool]] = field(default_factory=dict)
    _llm: dict[str, _LLMCall] = field(default_factory=dict)
    _has_debug_steps: bool = False
    _starts: list[int] = field(default_factory=list)  # tasks' start events, in order
    _open: dict[tuple[tuple[str, ...], str], Task] = field(default_factory=dict)

    # -- building -------------------------------------------------------------------------

    def sync(self, budget: float | None = None) -> bool:
        """Take in new task and LLM events, for at most ``budget`` seconds (a long replay's
        timeline is built over several refreshes); True if anything changed."""
        session = self.session
        deadline = None if budget is None else time.perf_counter() + budget
        changed = False
        for tab, take in (("debug", self._take), ("events", self._take_llm)):
            seen = self._debug_seen if tab == "debug" else self._events_seen
            new = session.tabs[tab][seen:]  # a copy: the run may append meanwhile
            done = 0
            for seq in new:
                changed |= take(seq, session.events[seq])
                done += 1
                if deadline is not None and not done & 255 and time.perf_counter() > deadline:
                    break
            if tab == "debug":
                self._debug_seen += done
            else:
                self._events_seen += done
            if done < len(new):
                break
        return changed

    @property
    def pending(self) -> int:
        """Events of the session not looked at yet."""
        tabs = self.session.tabs
        return len(tabs["debug"]) - self._debug_seen + len(tabs["events"]) - self._events_seen

    def _take(self, seq: int, event: Any) -> bool:
        mode = event.mode
        if mode == "debug":
            if _TASK_MARK not in event.raw[:160]:
                return False
            data = event.data
            if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
                return False
            kind = data.get("type")
            step = data.get("step") if isinstance(data.get("step"), int) else None
            self._has_debug_steps = True
            payload = data["payload"]
            started = kind == "task"
        elif mode == "tasks":
            payload = event.data
            if not isinstance(payload, dict):
                return False
            started = "input" in payload or "triggers" in payload
            step = None
        else:
            return False
        task_id = str(payload.get("id") or f"seq-{seq}")
        key = (event.ns, task_id)
        task = self._by_id.get(key)
        if started:
            if task is not None:
                if step is not None:
                    task.step = step  # debug's own step over one inferred from tasks mode
                return False  # the same task seen in both debug and tasks modes
            if step is None:
                step = self._infer_step(event.ns, started=True)
            task = Task(task_id, str(payload.get("name") or "?"), event.ns, step, seq, event.t)
            self._by_id[key] = task
            self._open[key] = task
            self.tasks.append(task)
            self._starts.append(seq)
            return True
        if step is None:
            self._infer_step(event.ns, started=False)
        if task is None or task.end_seq is not None:
            return False
        task.end_seq, task.end_t = seq, event.t
        error = payload.get("error")
        if isinstance(error, dict) and ("error" in error or "message" in error):
            task.error = f"{error.get('error', 'Error')}: {error.get('message', '')}"[:200]
        elif error:
            task.error = preview(error, 200)
        task.interrupted = bool(payload.get("interrupts"))
        self._open.pop(key, None)
        self._close_inside(child_ns(task.ns, task.name, task.id), seq, event.t)
        return True

    def _close_inside(self, prefix: tuple[str, ...], seq: int, t: float) -> None:
        """A task ended: what still runs in its subgraph ended with it."""
        for key, task in list(self._open.items()):
            if inside(task.ns, prefix):
                task.end_seq, task.end_t, task.handed_off = seq, t, True
                del self._open[key]

    def _infer_step(self, ns: tuple[str, ...], started: bool) -> int:
        """tasks mode has no step: a start after a result begins the next super-step.
        Numbered as LangGraph does: the first step that runs the graph's nodes is 1 (-1
        is the input, 0 the hidden __start__ task)."""
        step, after_result = self._step_of_ns.get(ns, (1, False))
        if started and after_result:
            step += 1
        self._step_of_ns[ns] = (step, not started)
        return step

    def _take_llm(self, seq: int, event: Any) -> bool:
        raw = event.raw
        if _CHAT_START not in raw and _CHAT_END not in raw:
            return False
        data = event.data
        if not isinstance(data, dict):
            return False
        run_id = str(data.get("run_id") or "")
        meta: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
        if data.get("event") == "on_chat_model_start":
            node = str(meta.get("langgraph_node") or "")
            self._llm[run_id] = _LLMCall(node, event.ns, seq, event.t)
            return True
        call = self._llm.get(run_id)
        if data.get("event") == "on_chat_model_end" and call is not None and call.end_seq is None:
            call.end_seq, call.end_t = seq, event.t
            inner: dict[str, Any] = data["data"] if isinstance(data.get("data"), dict) else {}
            output: dict[str, Any] = (
                inner["output"] if isinstance(inner.get("output"), dict) else {}
            )
            if isinstance(output.get("usage_metadata"), dict):
                call.usage = output["usage_metadata"]
            return True
        return False

    # -- answers ------------------------------------------------------------------------------

    def tasks_as_of(self, as_of: int | None) -> list[Task]:
        if as_of is None:
            return list(self.tasks)
        return self.tasks[: bisect_right(self._starts, as_of)]

    def now(self, as_of: int | None) -> float:
        """The time the waterfall ends at: the cursor's event, or the last event."""
        session = self.session
        if not session.count:
            return 0.0
        seq = session.count - 1 if as_of is None else min(as_of, session.count - 1)
        return float(session.events.t_at(seq))

    def steps(self, as_of: int | None = None) -> tuple[int, int]:
        """(super-steps of the root graph, super-steps inside subgraphs)."""
        seen = {(t.ns, t.step) for t in self.tasks_as_of(as_of)}
        root = sum(1 for ns, _ in seen if not ns)
        return root, len(seen) - root

    def llm_by_node(self, as_of: int | None = None) -> dict[tuple[tuple[str, ...], str], float]:
        """Seconds spent in chat models per (namespace, node)."""
        out: dict[tuple[tuple[str, ...], str], float] = {}
        now = self.now(as_of)
        if self._llm:
            for call in self._llm.values():
                if as_of is not None and call.start_seq > as_of:
                    continue
                ended = call.end_t is not None and (as_of is None or (call.end_seq or 0) <= as_of)
                end = call.end_t if ended and call.end_t is not None else now
                key = (call.ns, call.node)
                out[key] = out.get(key, 0.0) + max(0.0, end - call.start_t)
            return out
        events = self.session.events
        for msg in self.session.snapshot_messages():
            if msg.role != "ai" or (as_of is not None and msg.first_seq > as_of):
                continue
            last = msg.last_seq if as_of is None else min(msg.last_seq, as_of)
            key = (msg.ns, msg.node)
            span = events.t_at(last) - events.t_at(msg.first_seq)
            out[key] = out.get(key, 0.0) + max(0.0, span)
        return out

    def llm_source(self) -> str:
        return "chat model start→end (events mode)" if self._llm else "streamed chunks"

    def usage(
        self, as_of: int | None = None
    ) -> tuple[Usage, dict[tuple[tuple[str, ...], str], Usage]]:
        """Token usage of the run, and per (namespace, node), as the models reported it."""
        run = Usage()
        per: dict[tuple[tuple[str, ...], str], Usage] = {}
        reports: list[tuple[tuple[str, ...], str, dict[str, Any]]] = [
            (msg.ns, msg.node, msg.usage)
            for msg in self.session.snapshot_messages()
            if isinstance(msg.usage, dict) and (as_of is None or msg.last_seq <= as_of)
        ]
        if not reports:  # no messages mode: the chat model end events of events mode
            reports = [
                (call.ns, call.node, call.usage)
                for call in self._llm.values()
                if call.usage is not None and (as_of is None or (call.end_seq or 0) <= as_of)
            ]
        for ns, node_name, u in reports:
            node = per.setdefault((ns, node_name), Usage())
            node.add_report(u)
            run.add_report(u)
        return run, per

    def node_stats(self, as_of: int | None = None) -> list[NodeStats]:
        """Per (namespace, node): runs, total and longest time, errors, LLM time, tokens;
        slowest total first."""
        now = self.now(as_of)
        stats: dict[tuple[tuple[str, ...], str], NodeStats] = {}
        for task in self.tasks_as_of(as_of):
            s = stats.setdefault((task.ns, task.name), NodeStats(task.name, task.ns))
            d = task.duration(now, as_of)
            s.runs += 1
            s.total += d
            s.longest = max(s.longest, d)
            if not task.ended_by(as_of):
                s.running += 1
            elif task.error:
                s.errors += 1
        for key, seconds in self.llm_by_node(as_of).items():
            if key in stats:
                stats[key].llm += seconds
        _, per = self.usage(as_of)
        for key, usage in per.items():
            if key in stats:
                stats[key].tokens_in += usage.tokens_in
                stats[key].tokens_out += usage.tokens_out
                stats[key].cache_read += usage.cache_read
                stats[key].reasoning += usage.reasoning
        return sorted(stats.values(), key=lambda s: -s.total)

    def slowest(self, as_of: int | None = None) -> Task | None:
        now = self.now(as_of)
        tasks = self.tasks_as_of(as_of)
        return max(tasks, key=lambda t: t.duration(now, as_of), default=None)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
