"""The Session: everything lgtui knows about a run, in plain Python (no Textual).

Events go in at full speed through `append` (from any thread); the screens read the
derived answers -- per-tab event lists, one-line rows, assembled messages, the latest
state, status, errors, interrupts -- whenever they refresh.  Deriving happens once per
event, at append time, so a refresh costs what it shows, not what the run holds.
"""

from __future__ import annotations

import re
import threading
import time
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lgtui.agents import Agents
from lgtui.events import StreamEvent, ns_node
from lgtui.messages import BlockMessages, Message, role_of
from lgtui.preview import preview, safe_text
from lgtui.rows import DESCRIBERS, V2_DESCRIBERS, describe_other
from lgtui.store import EventStore
from lgtui.tabs import LISTED, TAB_OF_MODE
from lgtui.toolcalls import ToolCalls, mentions_tools, state_messages_of

# Which tab each wire mode is listed in (besides All): declared in `lgtui.tabs`.
_TAB_OF_MODE = TAB_OF_MODE
_ROWS_KEPT = 20_000  # one-line summaries kept (a screenful is made in a millisecond)

RUNNING, SUCCESS, ERROR, INTERRUPTED, CANCELLED, DISCONNECTED = (
    "running",
    "success",
    "error",
    "interrupted",
    "cancelled",
    "disconnected",
)


@dataclass
class Interrupt:
    seq: int
    ns: tuple[str, ...]
    value: Any
    id: str | None


@dataclass
class RunError:
    seq: int
    type: str
    message: str


class Session:
    """One run's events and everything derived from them.

    `append` may be called from a source thread while the UI reads; reads of derived
    collections go through `snapshot_*` methods that copy under the lock.
    """

    def __init__(
        self,
        *,
        source_kind: str = "",
        target: str = "",
        assistant: str = "",
        thread_id: str | None = None,
        request: dict[str, Any] | None = None,
        window: int | None = None,
    ) -> None:
        self.source_kind = source_kind
        self.target = target
        self.assistant = assistant
        self.thread_id = thread_id
        self.request = request or {}
        self.cancelled = False  # the user stopped the run (x); the status is the source's word
        self.run_id: str | None = None
        self.status = RUNNING
        self.status_detail = ""
        # an embedded run's error: Python's traceback of the user's code (E on the main screen)
        self.traceback: str | None = None
        self.started = time.monotonic()
        self.ended: float | None = None
        self.capture_path: str | None = None  # where the run is being recorded
        self.capture_error: str | None = None  # why recording stopped, if it did
        # the live stream's RunHandle, for its connection state (reconnecting, stalled)
        self.link: Any = None
        # Where the run is paused at a breakpoint (lgtui/breakpoints.py): what the engine
        # host said (kind, reason, node, step, ns, state, the event or tool call), or for
        # a server's run, where the view stopped ("view": True, "seq": the event's).
        self.pause: dict[str, Any] | None = None
        self.pauses = 0  # how many times the run paused

        # The newest events in memory, older ones on disk (bounded memory for long runs);
        # what is kept per event besides is a few array slots, not objects.
        self.events: EventStore = EventStore(window=window)
        # seq -> (node, summary), made when first shown; the most recent few thousand kept
        self._rows: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self.tabs: dict[str, array[int]] = {tab: array("q") for tab in LISTED}
        self.namespaces: dict[tuple[str, ...], str] = {(): "root"}  # ns -> short label
        self._labels: set[str] = {"root"}  # every label given, so a new one is never the same
        self.ns_events: dict[tuple[str, ...], array[int]] = {(): array("q")}
        self._ns_index: dict[tuple[str, ...], int] = {(): 0}
        self._ns_list: list[tuple[str, ...]] = [()]
        self._ns_of = array("I")  # seq -> index into _ns_list
        self.messages: dict[str, Message] = {}
        self.latest_values: dict[tuple[str, ...], int] = {}  # ns -> seq of latest values event
        # ns -> seqs of events that carry a whole state (values, checkpoints, debug checkpoints)
        self.state_events: dict[tuple[str, ...], array[int]] = {}
        self.checkpoint_seqs: array[int] = array("q")  # checkpoints (debug or checkpoints mode)
        self.stop_seqs: list[int] = []  # errors and interrupts, for jumping between them
        self.interrupts: list[Interrupt] = []
        self.errors: list[RunError] = []
        self.mode_counts: dict[str, int] = {}
        self.version = 0  # bumped on every change; screens compare it to skip idle refreshes
        # called after every change, on the thread that made it (a screen's wake-up call:
        # it must be cheap, it runs once per event)
        self.on_change: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._message_meta: dict[str, dict[str, Any]] = {}
        self._blocks = BlockMessages()  # a v2 run's messages, block by block
        self.tools = ToolCalls()  # every tool call (the Tools tab)
        self.agents = Agents(assistant)  # the run's agents and subgraphs (the Agents tab)
        self.protocol = 1  # 2: the thread-centric stream (lgtui/v2.py), from its first event
        self.lifecycle_end: str | None = None  # a v2 run's root lifecycle, once it ended
        self._calls_taken: set[str] = set()  # tool calls known to have started an agent

    # -- input -------------------------------------------------------------------------

    def append(self, event: StreamEvent) -> None:
        """Take one event: file it under its tab and namespace, and derive what it changes.

        Only events that change derived state are decoded here (metadata, errors,
        messages, and updates/values carrying an interrupt); one-line rows are made
        when first shown (`row`), so a burst of events costs little more than a list append.
        """
        mode = event.mode
        v2 = event.protocol == 2
        data = _UNPARSED
        if (
            mode in (_V2_PARSE_MODES if v2 else _PARSE_MODES)
            or (mode in _STATE_MODES and mentions_tools(event.raw))
            or (not v2 and mode in _STATE_MODES and b"__interrupt__" in event.raw)
        ):
            data = event.data
        with self._lock:
            seq = len(self.events)
            if not seq:
                self.protocol = event.protocol
            if event.seq == seq:
                seq = event.seq  # share the event's int: one object less per event
            self.events.append(event)
            tab = _TAB_OF_MODE.get(mode)
            if tab is not None:
                self.tabs[tab].append(seq)
            self.mode_counts[mode] = self.mode_counts.get(mode, 0) + 1
            ns = event.ns
            if ns not in self.namespaces:
                self._add_namespace(ns)
            self.ns_events[ns].append(seq)
            self._ns_of.append(self._ns_index[ns])
            if mode == "values":
                self.latest_values[ns] = seq
                self._state_seqs(ns).append(seq)
            elif v2 and mode == "checkpoints":  # {id, parent_id, step, source}: no state
                self.checkpoint_seqs.append(seq)
            elif mode == "checkpoints" or (mode == "debug" and _CHECKPOINT_MARK in event.raw[:120]):
                self._state_seqs(ns).append(seq)
                self.checkpoint_seqs.append(seq)
            self.agents.seen(seq, event.t, ns)
            if self.agents.fresh:
                self._started_by_a_tool()
            if mode == "updates" and len(self.agents) > 1 and not v2:
                node = _first_key(event.raw)
                if node:
                    self.agents.node_done(seq, event.t, ns, node)
            if data is not _UNPARSED:
                (self._derive_v2 if v2 else self._derive)(seq, event, data)
            self.version += 1
        if self.on_change is not None:
            self.on_change()

    def set_pause(self, where: dict[str, Any] | None) -> None:
        """The run paused there (None: it goes on); from any thread."""
        with self._lock:
            self.pause = where
            if where is not None:
                self.pauses += 1
            self.version += 1
        if self.on_change is not None:
            self.on_change()

    def extend(self, events: Iterable[StreamEvent]) -> None:
        for e in events:
            self.append(e)

    def finish(self, status: str | None = None, detail: str = "") -> None:
        """The stream ended; ``status`` overrides what the events imply."""
        with self._lock:
            if status is None and self.lifecycle_end is not None:
                status = _STATUS_OF_LIFECYCLE[self.lifecycle_end]
            if status is None:
                if self.errors:
                    status = ERROR
                elif any(not i.ns for i in self.interrupts):
                    status = INTERRUPTED
                else:
                    status = SUCCESS
            self.status = status
            self.status_detail = detail
            if self.pause is not None and not self.pause.get("view"):
                self.pause = None  # (an ended run waits for nothing; a stopped view stays)
            self.ended = time.monotonic()
            self.agents.finish(status, self.events.t_at(-1) if self.events else 0.0)
            self.version += 1
        if self.on_change is not None:
            self.on_change()

    # -- derived answers ---------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self.events)

    def elapsed(self) -> float:
        if self.source_kind == "replay":  # the recorded run's length, not the loading time
            return self.events.t_at(-1) if self.count else 0.0
        end = self.ended if self.ended is not None else time.monotonic()
        return end - self.started

    def events_per_second(self) -> float:
        if not self.events:
            return 0.0
        span = self.events.t_at(-1)
        return len(self.events) / span if span > 0 else 0.0

    def row(self, seq: int) -> tuple[str, str]:
        """(node, one-line summary) of event ``seq``, made on first use and kept."""
        row = self._rows.get(seq)
        if row is None:
            event = self.events[seq]
            row = self._rows[seq] = self._describe(event, event.data)
            if len(self._rows) > _ROWS_KEPT:
                self._rows.popitem(last=False)
        return row

    def ns_at(self, seq: int) -> tuple[str, ...]:
        """The namespace of event ``seq``, without reading the event (it may be on disk)."""
        return self._ns_list[self._ns_of[seq]]

    def ns_label(self, ns: tuple[str, ...]) -> str:
        """A short, unambiguous label (control characters escaped: it is shown as is)."""
        return self.namespaces.get(ns) or safe_text("|".join(ns))

    def ns_label_fit(self, ns: tuple[str, ...], width: int) -> str:
        """``ns_label`` in ``width`` characters, cut at the front: the innermost part,
        which tells namespaces apart, stays (``…/agent:c649``)."""
        label = self.ns_label(ns)
        if len(label) <= width:
            return label
        return "…" + label[len(label) - width + 1 :] if width > 1 else label[:width]

    def snapshot_messages(self) -> list[Message]:
        with self._lock:
            return list(self.messages.values())

    def snapshot_namespaces(self) -> list[tuple[tuple[str, ...], str, int]]:
        with self._lock:
            return [(ns, label, len(self.ns_events[ns])) for ns, label in self.namespaces.items()]

    def values_at(self, ns: tuple[str, ...] = ()) -> Any:
        """The latest state streamed in ``values`` mode for namespace ``ns`` (None if none)."""
        seq = self.latest_values.get(ns)
        return None if seq is None else self.events[seq].data

    def state_at(self, seq: int, ns: tuple[str, ...] = ()) -> tuple[int, Any] | None:
        """(source seq, values) of the last whole state at or before event ``seq`` in ``ns``.

        Whole states come from ``values`` events and checkpoints (``debug`` or
        ``checkpoints`` mode); None when there is none -- updates alone are not enough
        to rebuild a state without the graph's reducers.
        """
        seqs = self.state_events.get(ns)
        if not seqs:
            return None
        i = bisect_right(seqs, seq)
        if i == 0:
            return None
        source = seqs[i - 1]
        return source, state_of(self.events[source])

    def change_at(self, seq: int) -> tuple[str, list[Any]] | str:
        """What event ``seq`` changed in its namespace's state: (title, changes), or why not.

        A values or checkpoint event is compared with the state before it; an updates
        event with the state before it and the next whole state after it.
        """
        from lgtui.diff import json_diff

        event = self.events[seq]
        ns = event.ns
        seqs: Sequence[int] = self.state_events.get(ns, [])
        if not seqs:
            return (
                "No whole state was recorded for this namespace (no values or checkpoint "
                "events), so what an update changed cannot be shown without the graph's reducers."
            )
        i = bisect_right(seqs, seq)
        if i and seqs[i - 1] == seq:  # a values or checkpoint event
            before = self.state_at(seq - 1, ns) if seq else None
            title = f"event #{seq} against the state before it"
            if before is None:
                return title + " (the first state: everything is new)", json_diff(
                    {}, state_of(event)
                )
            return f"{title} (event #{before[0]})", json_diff(before[1], state_of(event))
        if event.mode != "updates":
            return f"Event #{seq} ({event.mode}) does not change the state."
        if i >= len(seqs):
            return f"No state was recorded after event #{seq} yet."
        after = seqs[i]
        before = self.state_at(seq, ns)
        changes = json_diff(before[1] if before else {}, state_of(self.events[after]))
        return (
            f"the state before event #{seq} against the state after its step (event #{after})",
            changes,
        )

    def messages_at(self, seq: int) -> list[Message]:
        """Messages as they stood after event ``seq``: later ones absent, streaming ones partial."""
        with self._lock:
            messages = list(self.messages.values())
        out = []
        for msg in messages:
            if msg.first_seq > seq:
                continue
            if msg.last_seq <= seq:
                out.append(msg)
                continue
            partial = Session()
            partial._message_meta = self._message_meta
            for s in msg.seqs:
                if s > seq:
                    break
                event = self.events[s]
                derive = partial._derive_v2 if event.protocol == 2 else partial._derive
                derive(s, event, event.data)
            out.extend(m for m in partial.messages.values() if m.id == msg.id)
        return out

    def last_error(self) -> RunError | None:
        return self.errors[-1] if self.errors else None

    # -- internals -----------------------------------------------------------------------

    def _state_seqs(self, ns: tuple[str, ...]) -> array[int]:
        seqs = self.state_events.get(ns)
        if seqs is None:
            seqs = self.state_events[ns] = array("q")
        return seqs

    def _add_namespace(self, ns: tuple[str, ...]) -> None:
        """A short label for ``ns``: task ids cut to the shortest unambiguous prefix (≥ 4)."""
        taken = self._labels
        for width in (4, 8, 12, 36):
            label = safe_text(
                "/".join(
                    f"{ns_node(p)}:{p.partition(':')[2][:width]}" if ":" in p else p for p in ns
                )
            )
            if label not in taken:
                break
        else:  # the same text for another namespace (ids longer than 36, or hostile names)
            base, n = label, 2
            while label in taken:
                label, n = f"{base}#{n}", n + 1
        taken.add(label)
        self.namespaces[ns] = label
        self.ns_events[ns] = array("q")
        self._ns_index[ns] = len(self._ns_list)
        self._ns_list.append(ns)

    def _describe(self, event: StreamEvent, data: Any) -> tuple[str, str]:
        mode = event.mode
        if event.protocol == 2:
            try:
                describe: Callable[[Session, Any, Any], tuple[str, str]] = V2_DESCRIBERS.get(
                    mode, _v2_other
                )
                return describe(self, event, data)
            except Exception:
                return "", preview(data)
        try:
            return DESCRIBERS.get(mode, describe_other)(self, data)
        except Exception:  # hostile or unexpected shapes: show it raw
            return "", preview(data)

    def _derive(self, seq: int, event: StreamEvent, data: Any) -> None:
        mode = event.mode
        if mode in _STATE_MODES:
            self.tools.state_messages(seq, event.t, event.ns, state_messages_of(mode, data))
        if mode == "metadata":
            if isinstance(data, dict) and isinstance(data.get("run_id"), str):
                self.run_id = data["run_id"]
        elif mode == "values":
            if isinstance(data, dict):
                self._note_interrupts(seq, event.ns, data.get("__interrupt__"))
        elif mode == "updates":
            if isinstance(data, dict) and "__interrupt__" in data:
                self._note_interrupts(seq, event.ns, data.get("__interrupt__"))
        elif mode == "error":
            self._stop(seq)
            if isinstance(data, dict):
                self.errors.append(
                    RunError(seq, str(data.get("error", "Error")), str(data.get("message", "")))
                )
            else:
                self.errors.append(RunError(seq, "Error", str(data)))
        elif mode == "messages":
            self._message_tuple(seq, event, data)
        elif mode in ("messages/partial", "messages/complete"):
            self._message_whole(seq, event, data, complete=mode == "messages/complete")
        elif mode == "tools":
            self.tools.tools_event(seq, event.t, event.ns, data)
        elif mode == "lifecycle":
            self.agents.lifecycle_event(seq, event.t, event.ns, data)
        elif mode == "messages/metadata" and isinstance(data, dict):
            for mid, meta in data.items():
                if isinstance(meta, dict):
                    self._message_meta[mid] = meta.get("metadata") or {}

    def _derive_v2(self, seq: int, event: StreamEvent, data: Any) -> None:
        """What a v2 envelope's payload changes (lgtui/v2.py)."""
        mode, ns = event.mode, event.ns
        if mode == "messages":
            msg = self._blocks.take(seq, ns, data, self.messages)
            if msg is not None:
                self.tools.message(seq, event.t, msg)
        elif mode == "lifecycle":
            self.agents.lifecycle_event(seq, event.t, ns, data)
            status = data.get("event") if isinstance(data, dict) else None
            if not ns and self.run_id is None:  # synth:<run id>:lc||running
                parts = (getattr(event, "event_id", None) or "").split(":")
                if len(parts) > 2 and parts[0] == "synth":
                    self.run_id = parts[1]
            if not ns and status in _STATUS_OF_LIFECYCLE:
                self.lifecycle_end = status
                if status == "failed":
                    self._stop(seq)
                    error = data.get("error")
                    self.errors.append(RunError(seq, "", str(error or "the run failed")))
        elif mode == "input.requested":
            if isinstance(data, dict):
                iid = data.get("interrupt_id")
                if not any(i.id == iid for i in self.interrupts if iid is not None):
                    self.interrupts.append(
                        Interrupt(
                            seq, ns, data.get("payload"), iid if isinstance(iid, str) else None
                        )
                    )
                    self._stop(seq)
        elif mode == "tools":
            self.tools.tools_event(seq, event.t, ns, data, node=getattr(event, "node", ""))
        elif mode in _STATE_MODES:
            self.tools.state_messages(seq, event.t, ns, state_messages_of(mode, data, 2))

    def _started_by_a_tool(self) -> None:
        """New agents: what started each, where the run did not say (a lifecycle cause).
        A subagent called as a tool: the call running in its parent then (the oldest one
        not said to have started another; deepagents' ``task`` names the agent's type).
        An agent handed off to (a supervisor's or a swarm's ``transfer_to_<name>``): the
        last such call."""
        fresh, self.agents.fresh = self.agents.fresh, []
        calls = list(self.tools.calls.values())[-_CALLS_LOOKED_AT:]
        for ns in fresh:
            agent = self.agents.by_ns[ns]
            if agent.tool_call_id:
                continue
            handoff = f"transfer_to_{agent.name}"
            for call in reversed(calls):
                if call.id in self._calls_taken:
                    continue
                if call.name == handoff or (call.ns == ns[:-1] and call.status == "running"):
                    self.agents.started_by(ns, call.id, call.name)
                    self._calls_taken.add(call.id)
                    args = call.args if isinstance(call.args, dict) else {}
                    kind = args.get("subagent_type")
                    if isinstance(kind, str) and kind and not self.agents.lifecycle:
                        agent.name = kind  # (deepagents' task tool names its agent)
                    break

    def _stop(self, seq: int) -> None:
        if not self.stop_seqs or self.stop_seqs[-1] != seq:
            self.stop_seqs.append(seq)

    def _note_interrupts(self, seq: int, ns: tuple[str, ...], items: Any) -> None:
        if not isinstance(items, list):
            return
        before = len(self.interrupts)
        known = {i.id for i in self.interrupts if i.id is not None}
        for item in items:
            if isinstance(item, dict):
                if item.get("id") is not None and item.get("id") in known:
                    # the same interrupt, seen in both updates and values, or raised in a
                    # subgraph and passed up to its parents: once, where it was raised
                    continue
                self.interrupts.append(Interrupt(seq, ns, item.get("value"), item.get("id")))
        if not items and not any(i.seq == seq for i in self.interrupts):
            # interrupt_before/after breakpoints: an empty __interrupt__ list
            self.interrupts.append(Interrupt(seq, ns, None, None))
        if len(self.interrupts) > before:
            self._stop(seq)

    def _message(self, seq: int, mid: str, ns: tuple[str, ...], node: str) -> Message:
        msg = self.messages.get(mid)
        if msg is None:
            msg = self.messages[mid] = Message(id=mid, ns=ns, node=node, first_seq=seq)
        msg.last_seq = seq
        msg.chunks += 1
        msg.seqs.append(seq)
        return msg

    def _message_tuple(self, seq: int, event: StreamEvent, data: Any) -> None:
        if not (isinstance(data, list) and data and isinstance(data[0], dict)):
            return
        chunk = data[0]
        meta = data[1] if len(data) > 1 and isinstance(data[1], dict) else {}
        mid = str(chunk.get("id") or f"seq-{seq}")
        msg = self._message(seq, mid, event.ns, str(meta.get("langgraph_node") or ""))
        kind = str(chunk.get("type") or "")
        msg.role = role_of(kind)
        if kind.lower().endswith("chunk"):
            msg.add_chunk(chunk)
        else:
            msg.replace(chunk, complete=True)
        self.tools.message(seq, event.t, msg)

    def _message_whole(self, seq: int, event: StreamEvent, data: Any, complete: bool) -> None:
        if not isinstance(data, list):
            return
        for item in data:
            if not isinstance(item, dict):
                continue
            mid = str(item.get("id") or f"seq-{seq}")
            meta = self._message_meta.get(mid, {})
            msg = self._message(seq, mid, event.ns, str(meta.get("langgraph_node") or ""))
            msg.role = role_of(str(item.get("type") or ""))
            msg.replace(item, complete=complete)
            self.tools.message(seq, event.t, msg)


def state_of(event: StreamEvent) -> Any:
    """The whole state an event carries: a values event's data, a checkpoint's values."""
    data = event.data
    if event.mode == "values":
        return data
    if event.mode == "debug" and isinstance(data, dict):
        payload = data.get("payload")
        return payload.get("values") if isinstance(payload, dict) else None
    if isinstance(data, dict):
        return data.get("values")
    return None


_UNPARSED = object()
# Modes whose every event changes derived state; updates and values only when they
# carry an interrupt.
_PARSE_MODES = frozenset(
    {"metadata", "error", "messages", "messages/partial", "messages/complete", "messages/metadata"}
)
_STATE_MODES = frozenset({"updates", "values"})
_CALLS_LOOKED_AT = 200  # the newest tool calls a new agent may have been started by
# A v2 run's envelopes decoded on arrival (its values carry no interrupts: the input
# channel does).
_V2_PARSE_MODES = frozenset({"messages", "lifecycle", "input.requested", "tools"})
_STATUS_OF_LIFECYCLE = {"completed": SUCCESS, "failed": ERROR, "interrupted": INTERRUPTED}
_KEY = re.compile(rb'\{\s*"((?:[^"\\]|\\.){1,200})"\s*:')


def _v2_other(session: Session, event: Any, data: Any) -> tuple[str, str]:
    return describe_other(session, data)


def _first_key(raw: bytes) -> str:
    """The first key of a JSON object's bytes (an update's node), without decoding it."""
    found = _KEY.match(raw)
    return found.group(1).decode("utf-8", "replace") if found else ""


# A debug event is a checkpoint when its type says so; the server puts "type" near the start.
_CHECKPOINT_MARK = b'"type":"checkpoint"'


# -- one-line descriptions per mode ------------------------------------------------------
