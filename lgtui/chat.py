"""A thread's whole conversation, for the Chat screen: every run's messages from the
thread's state, what the run streaming now adds below them, each tool call with its
result, and how long each answer took.  No Textual.

- The thread's state gives the messages (``values["messages"]``, or the state itself
  when it is a list), both forms: LangChain's dumps (``type``) and OpenAI's dicts
  (``role``; their ``function`` tool calls are read too).
- The run streaming now (a `Session` on the thread) adds what its conversation holds
  and the thread's state does not yet; a message the user just sent shows until the
  run's state holds it.
- An answer's latency: from the thread's history, the time between the checkpoint
  that first held the message and its parent; for an answer streamed now, from the
  event before its first chunk to its last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lgtui.conversation import conversation, message_from_state
from lgtui.messages import Message, role_of
from lgtui.session import RUNNING, Session

PENDING = "lgtui-pending"  # the id of the message sent, until the run's state holds it


@dataclass
class Turn:
    """A message as the chat shows it: a tool message answering a call shown is folded
    under that call (``results``) instead of standing on its own."""

    msg: Message
    results: list[Message | None] = field(default_factory=list)  # one per tool call
    latency: float | None = None
    streaming: bool = False


def _normalized(item: Any) -> Any:
    """An OpenAI-style message's ``function`` tool calls in LangChain's shape."""
    if not isinstance(item, dict) or not isinstance(item.get("tool_calls"), list):
        return item
    calls = []
    for tc in item["tool_calls"]:
        fn = tc.get("function") if isinstance(tc, dict) else None
        if isinstance(fn, dict):
            tc = {"name": fn.get("name"), "args": fn.get("arguments"), "id": tc.get("id")}
        calls.append(tc)
    return {**item, "tool_calls": calls}


def state_messages(values: Any) -> list[Any] | None:
    """The raw messages of a thread's state; None when the state has none to hold them
    (an empty state of a thread no run has written to is ``[]``)."""
    if isinstance(values, list):
        return values
    if not values:
        return []
    if isinstance(values, dict):
        found = values.get("messages")
        if isinstance(found, list):
            return found
    return None


def thread_messages(values: Any) -> list[Message] | None:
    """The messages of a thread's state as chat messages; None: the state has no messages."""
    items = state_messages(values)
    if items is None:
        return None
    out: list[Message] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        msg = message_from_state(_normalized(item), i, 0)
        if msg is not None and msg.id not in seen:
            seen.add(msg.id)
            out.append(msg)
    return out


def _ids(values: Any) -> tuple[set[str], set[str]]:
    """(every message id, the AI messages' ids) of a checkpoint's values."""
    every: set[str] = set()
    answers: set[str] = set()
    for i, item in enumerate(state_messages(values) or ()):
        if isinstance(item, str):
            every.add(f"state-{i}")
            continue
        if not isinstance(item, dict):
            continue
        mid = str(item.get("id") or f"state-{i}")
        every.add(mid)
        if role_of(str(item.get("type") or item.get("role") or "")) == "ai":
            answers.add(mid)
    return every, answers


def _when(item: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(item.get("created_at")))
    except ValueError:
        return None


def _checkpoint_id(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    found = item.get("checkpoint_id") or (item.get("checkpoint") or {}).get("checkpoint_id")
    return str(found) if found else None


def _parent_id(item: dict[str, Any]) -> str | None:
    found = item.get("parent_checkpoint_id") or _checkpoint_id(item.get("parent_checkpoint"))
    return str(found) if found else None


def latencies(history: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds each AI message took: from the checkpoint before the one that first held
    it to that one (the step that produced it), for the checkpoints ``history`` holds."""
    by_id = {cid: item for item in history if (cid := _checkpoint_id(item)) is not None}
    ids: dict[str, tuple[set[str], set[str]]] = {}

    def ids_of(cid: str) -> tuple[set[str], set[str]]:
        if cid not in ids:
            ids[cid] = _ids(by_id[cid].get("values"))
        return ids[cid]

    out: dict[str, float] = {}
    for cid, item in by_id.items():
        parent = _parent_id(item)
        if parent is None or parent not in by_id:
            continue
        _, answers = ids_of(cid)
        before, _ = ids_of(parent)
        new = answers - before
        if not new:
            continue
        start, end = _when(by_id[parent]), _when(item)
        if start is None or end is None:
            continue
        seconds = (end - start).total_seconds()
        for mid in new:
            if seconds >= 0 and (mid not in out or seconds < out[mid]):
                out[mid] = seconds
    return out


def streamed_latency(session: Session, msg: Message) -> float | None:
    """Seconds an answer streamed now took: from the event before its first chunk (the
    step starting) to its last chunk; None while it streams, or if it did not stream."""
    if not msg.chunks or (not msg.complete and session.status == RUNNING):
        return None
    if not 0 <= msg.last_seq < session.count:
        return None
    start = session.events[msg.first_seq - 1].t if msg.first_seq > 0 else 0.0
    return max(0.0, session.events[msg.last_seq].t - start)


def _sent(text: str) -> Message:
    msg = Message(id=PENDING, role="human", complete=True)
    msg.parts = [text]
    return msg


def merged(
    thread: list[Message], session: Session | None, pending: str | None = None
) -> list[Message]:
    """The thread's messages, then what ``session`` (streaming on the thread) adds, then
    ``pending`` (the message just sent) until the run's messages hold it."""
    out = list(thread)
    if session is not None:
        ids = {m.id for m in out}
        extra = [m for m in conversation(session).messages if m.id not in ids]
        out.extend(extra)
        if pending is not None and any(m.role == "human" and m.text == pending for m in extra):
            pending = None
    if pending is not None:
        out.append(_sent(pending))
    return out


def turns(
    messages: list[Message], known: dict[str, float], session: Session | None = None
) -> list[Turn]:
    """``messages`` as the chat shows them: tool results under their calls, each answer
    with its latency (``known`` from the history, else from ``session``'s stream)."""
    calls = {c.id for m in messages for c in m.tool_calls if c.id}
    results = {m.tool_call_id: m for m in messages if m.role == "tool" and m.tool_call_id}
    live = set() if session is None else {m.id for m in session.snapshot_messages()}
    running = session is not None and session.status == RUNNING
    out: list[Turn] = []
    for msg in messages:
        if msg.role == "tool" and msg.tool_call_id in calls:
            continue  # folded under its call
        turn = Turn(msg, [results.get(c.id) if c.id else None for c in msg.tool_calls])
        if msg.role == "ai":
            turn.latency = known.get(msg.id)
            if turn.latency is None and session is not None and msg.id in live:
                turn.latency = streamed_latency(session, msg)
        turn.streaming = running and msg.id in live and bool(msg.chunks) and not msg.complete
        out.append(turn)
    return out
