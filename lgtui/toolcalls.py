"""Every tool call of a run: the Tools tab's data (no Textual).

Three ways a run tells of its tool calls, whichever it streamed:

- the ``tools`` stream mode / channel: ``tool-started`` (name, input),
  ``tool-output-delta``, ``tool-finished`` (output), ``tool-error`` (message);
- chat messages (``messages``): an AI message asking for calls, a tool message answering
  one (``tool_call_id``);
- the state (``values``, ``updates``): the same messages, as they land in ``messages``.

A call is known by its id; what each way adds goes into one `ToolRun`, so a run that
streamed several of them shows each call once.  Times are the events' (seconds since
the stream opened): a call streamed by ``tools`` runs from ``tool-started`` to its end;
one seen in messages or state from the event that asked for it to the one that answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from lgtui.messages import Message

RUNNING, SUCCESS, ERROR = "running", "success", "error"
_MAX_OUTPUT = 1 << 20  # characters of streamed output kept per call


@dataclass
class ToolRun:
    id: str
    name: str = ""
    args: Any = None  # an object, or the JSON text the model streamed
    ns: tuple[str, ...] = ()  # where it ran (the agent that called it)
    node: str = ""
    status: str = RUNNING
    output: Any = None
    error: str = ""
    deltas: list[str] = field(default_factory=list)  # output streamed so far
    start: float | None = None
    end: float | None = None
    first_seq: int = 0
    last_seq: int = 0

    @property
    def duration(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return max(0.0, self.end - self.start)

    def output_text(self) -> str:
        if self.output is not None:
            if isinstance(self.output, dict) and "content" in self.output:
                content = self.output["content"]  # a ToolMessage, as JSON
                return content if isinstance(content, str) else _json(content)
            return self.output if isinstance(self.output, str) else _json(self.output)
        return "".join(self.deltas)


def _json(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return str(value)


class ToolCalls:
    """The calls of one run, in the order they were asked for."""

    def __init__(self) -> None:
        self.calls: dict[str, ToolRun] = {}
        self.version = 0  # bumped on every change (a view redraws when it moved)

    def __len__(self) -> int:
        return len(self.calls)

    def snapshot(self, as_of: int | None = None) -> list[ToolRun]:
        calls = list(self.calls.values())
        if as_of is None:
            return calls
        return [c for c in calls if c.first_seq <= as_of]

    def _run(self, call_id: str, seq: int, t: float, ns: tuple[str, ...]) -> ToolRun:
        run = self.calls.get(call_id)
        if run is None:
            run = self.calls[call_id] = ToolRun(call_id, ns=ns, first_seq=seq, start=t)
        run.last_seq = max(run.last_seq, seq)
        self.version += 1
        return run

    # -- the tools stream --------------------------------------------------------------

    def tools_event(
        self, seq: int, t: float, ns: tuple[str, ...], data: Any, node: str = ""
    ) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("tool_call_id"), str):
            return
        run = self._run(data["tool_call_id"], seq, t, ns)
        kind = data.get("event")
        if node:
            run.node = node
        if kind == "tool-started":
            run.start = t
            run.ns = ns
            if isinstance(data.get("tool_name"), str):
                run.name = data["tool_name"]
            if "input" in data:
                run.args = data["input"]
            run.status = RUNNING
        elif kind == "tool-output-delta":
            if isinstance(data.get("delta"), str) and sum(map(len, run.deltas)) < _MAX_OUTPUT:
                run.deltas.append(data["delta"])
        elif kind == "tool-finished":
            run.output = data.get("output")
            run.status = SUCCESS
            run.end = t
        elif kind == "tool-error":
            run.error = str(data.get("message", ""))
            run.status = ERROR
            run.end = t

    # -- messages ----------------------------------------------------------------------

    def message(self, seq: int, t: float, msg: Message) -> None:
        """An assembled chat message: the calls an AI message asks for, the answer a
        tool message gives."""
        if msg.role == "ai" and msg.complete:
            for call in msg.tool_calls:
                if call.id and call.name:
                    run = self.calls.get(call.id) or self._run(call.id, seq, t, msg.ns)
                    run.name = run.name or call.name
                    if run.args is None:
                        run.args = _parsed(call.args)
                    run.node = run.node or msg.node
        elif msg.role == "tool" and msg.tool_call_id and msg.complete:
            run = self._run(msg.tool_call_id, seq, t, msg.ns)
            if run.status == RUNNING:
                run.output = msg.text
                run.status = SUCCESS
                run.end = t
            run.name = run.name or msg.name

    # -- the state ---------------------------------------------------------------------

    def state_messages(self, seq: int, t: float, ns: tuple[str, ...], items: Iterable[Any]) -> None:
        """Messages as the state holds them (dicts with ``type``): the calls of AI messages,
        the answers of tool messages."""
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("type")
            if kind in ("ai", "AIMessage", "AIMessageChunk"):
                for call in item.get("tool_calls") or ():
                    if not isinstance(call, dict) or not isinstance(call.get("id"), str):
                        continue
                    if call["id"] in self.calls:
                        continue
                    run = self._run(call["id"], seq, t, ns)
                    run.name = str(call.get("name") or "")
                    run.args = call.get("args")
            elif kind in ("tool", "ToolMessage") and isinstance(item.get("tool_call_id"), str):
                found = self.calls.get(item["tool_call_id"])
                if found is None:
                    found = self._run(item["tool_call_id"], seq, t, ns)
                    found.name = str(item.get("name") or "")
                run = found
                if run.status == RUNNING:
                    run.output = item.get("content")
                    run.status = ERROR if item.get("status") == "error" else SUCCESS
                    if run.status == ERROR:
                        run.error = _json(item.get("content"))[:2000]
                    # asked and answered in one state: how long it took is not known
                    run.end = t if seq != run.first_seq else None
                    run.last_seq = max(run.last_seq, seq)
                    self.version += 1


def _parsed(args: str) -> Any:
    try:
        return orjson.loads(args) if args else {}
    except orjson.JSONDecodeError:
        return args


def state_messages_of(mode: str, data: Any, protocol: int = 1) -> list[Any]:
    """The messages a ``values`` or ``updates`` payload carries (empty when none)."""
    if not isinstance(data, dict):
        return []
    if mode == "values" or (mode == "updates" and protocol == 2):
        found = data.get("messages")
        return found if isinstance(found, list) else []
    out: list[Any] = []
    for update in data.values():  # v1 updates: {node: {"messages": [...]}}
        if isinstance(update, dict) and isinstance(update.get("messages"), list):
            out.extend(update["messages"])
    return out


# Bytes of a payload that may mention a tool call: only those are decoded for it.
TOOL_MARKS = (b'"tool_calls"', b'"tool_call_id"')


def mentions_tools(raw: bytes) -> bool:
    return any(mark in raw for mark in TOOL_MARKS)
