"""The conversation of a run: the state's ``messages`` (the user's input, earlier turns,
tool results) with what streamed on top, and where this run's part begins.  No Textual.

- The root state's ``messages`` as of the cursor give the order and the messages no
  model streamed (a human's input, a tool's result, a message a node returned); both
  forms are read, LangChain's (``type``) and OpenAI's (``role``).
- A message that also streamed is taken from the stream (its chunks, token usage, and
  whether it is still streaming); streamed messages the state does not hold (yet, or
  at all: a subgraph's) follow, in the order they started.
- "This run" starts at the first message the state held only after the run began: the
  thread's earlier messages are in the run's first checkpoint (``source: input``), or,
  with values alone, in its first state minus the run's own input messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lgtui.messages import Message
from lgtui.session import Session, state_of


@dataclass
class Conversation:
    messages: list[Message]
    first_new: int | None  # index of this run's first message; None: nothing new (yet)
    from_state: bool  # the state had messages (else only what streamed)


def message_from_state(item: Any, index: int, seq: int) -> Message | None:
    """A message of the state (a LangChain message dump or a ``{"role", "content"}`` dict)."""
    from lgtui.messages import role_of as _role

    if isinstance(item, str):
        item = {"type": "human", "content": item}
    if not isinstance(item, dict):
        return None
    kind = str(item.get("type") or item.get("role") or "")
    mid = str(item.get("id") or f"state-{index}")
    msg = Message(id=mid, first_seq=seq, last_seq=seq)
    msg.role = _role(kind)
    msg.replace(item, complete=True)
    msg.chunks = 0
    return msg


def _input_count(session: Session) -> int:
    """How many messages the run's input adds (``{"messages": [...]}`` or one message)."""
    request = session.request if isinstance(session.request, dict) else {}
    inp = request.get("input")
    if isinstance(inp, dict):
        found = inp.get("messages")
        if isinstance(found, list):
            return len(found)
        if isinstance(found, dict | str):
            return 1
    return 0


def _first_state(session: Session) -> tuple[int, Any] | None:
    seqs = session.state_events.get(())
    if not seqs:
        return None
    first = seqs[0]
    return first, session.events[first]


def _earlier_ids(session: Session) -> set[str] | None:
    """Ids of the messages the thread had before this run; None when no state tells."""
    found = _first_state(session)
    if found is None:
        return None
    _, event = found
    values = state_of(event)
    messages = values.get("messages") if isinstance(values, dict) else None
    if not isinstance(messages, list):
        return set()
    data = event.data
    payload = data.get("payload") if isinstance(data, dict) and event.mode == "debug" else data
    meta = payload.get("metadata") if isinstance(payload, dict) else None
    before_input = isinstance(meta, dict) and meta.get("source") == "input"
    if not before_input:
        messages = messages[: max(0, len(messages) - _input_count(session))]
    return {
        str(m.get("id")) if isinstance(m, dict) and m.get("id") else f"state-{i}"
        for i, m in enumerate(messages)
    }


def conversation(
    session: Session, as_of: int | None = None, ns: tuple[str, ...] = ()
) -> Conversation:
    """The run's conversation as of event ``as_of`` (the newest when None); with ``ns``,
    one agent's: its own state's messages and what it (and what it started) streamed."""
    streamed = session.snapshot_messages() if as_of is None else session.messages_at(as_of)
    if ns:
        streamed = [m for m in streamed if m.ns[: len(ns)] == ns]
    by_id = {m.id: m for m in streamed}
    last = session.count - 1 if as_of is None else as_of
    found = session.state_at(last, ns) if last >= 0 else None
    values = found[1] if found is not None else None
    items = values.get("messages") if isinstance(values, dict) else None
    out: list[Message] = []
    used: set[str] = set()
    if isinstance(items, list):
        seq = found[0] if found is not None else 0
        for i, item in enumerate(items):
            msg = message_from_state(item, i, seq)
            if msg is None:
                continue
            live = by_id.get(msg.id)
            if live is not None:
                msg = live
            if msg.id in used:
                continue
            used.add(msg.id)
            out.append(msg)
    rest = sorted((m for m in streamed if m.id not in used), key=lambda m: m.first_seq)
    out.extend(rest)
    earlier = _earlier_ids(session) if not ns else None
    first_new = None
    for i, msg in enumerate(out):
        if earlier is None or msg.id not in earlier:
            first_new = i
            break
    return Conversation(out, first_new, isinstance(items, list))
