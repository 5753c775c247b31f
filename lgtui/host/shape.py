"""What the server does to a graph's output before it goes on the wire.

- ``messages`` mode (not ``messages-tuple``): chunks summed by message id, sent as
  ``messages/metadata`` once, then ``messages/partial`` (a chunk) or
  ``messages/complete`` (a whole message);
- debug checkpoints gain ``checkpoint`` / ``parent_checkpoint`` and their tasks a
  ``checkpoint`` in place of ``state``;
- a ``StateSnapshot`` becomes the thread-state object of ``GET /threads/{id}/state``;
- interrupts are ``{"id", "value"}`` (plus ``response_schema`` when set).
"""

from __future__ import annotations

from typing import Any


def checkpoint_ref(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{"checkpoint_id", "thread_id", "checkpoint_ns"?, "checkpoint_map"?}`` of a config."""
    conf = (config or {}).get("configurable") or {}
    if not conf.get("thread_id") or not conf.get("checkpoint_id"):
        return None
    ref = {"checkpoint_id": conf["checkpoint_id"], "thread_id": conf["thread_id"]}
    if "checkpoint_ns" in conf:
        ref["checkpoint_ns"] = conf["checkpoint_ns"] or ""
    if "checkpoint_map" in conf:
        ref["checkpoint_map"] = conf["checkpoint_map"]
    return ref


def debug_checkpoint(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    if not payload:
        return None
    tasks = []
    for task in payload.get("tasks", []):
        if isinstance(task, dict):
            state = task.get("state")
            if isinstance(state, dict) and state.get("configurable"):
                task["checkpoint"] = state["configurable"]
                del task["state"]
        tasks.append(task)
    return {
        **payload,
        "checkpoint": checkpoint_ref(payload.get("config")),
        "parent_checkpoint": checkpoint_ref(payload.get("parent_config")),
        "tasks": tasks,
    }


def interrupt(value: Any) -> dict[str, Any]:
    from langgraph.types import Interrupt

    schema = (
        value.get("response_schema")
        if isinstance(value, dict)
        else getattr(value, "response_schema", None)
    )
    if isinstance(value, dict):
        value = Interrupt(**{k: v for k, v in value.items() if k in ("value", "id")})
    out: dict[str, Any] = {"id": value.id, "value": value.value}
    if schema is not None:
        out["response_schema"] = schema
    return out


def thread_state(snapshot: Any) -> dict[str, Any]:
    """A StateSnapshot as the server's thread state / history item (not yet JSON)."""
    from langgraph.types import StateSnapshot

    tasks = []
    for t in snapshot.tasks:
        tasks.append(
            {
                "id": t.id,
                "name": t.name,
                "path": t.path,
                "error": t.error,
                "interrupts": [interrupt(i) for i in t.interrupts],
                "checkpoint": t.state["configurable"]
                if t.state is not None and not isinstance(t.state, StateSnapshot)
                else None,
                "state": thread_state(t.state) if isinstance(t.state, StateSnapshot) else None,
                "result": getattr(t, "result", None),
            }
        )
    config, parent = snapshot.config, snapshot.parent_config
    return {
        "values": snapshot.values,
        "next": snapshot.next,
        "tasks": tasks,
        "metadata": snapshot.metadata,
        "created_at": snapshot.created_at,
        "checkpoint": checkpoint_ref(config),
        "parent_checkpoint": checkpoint_ref(parent),
        "interrupts": [interrupt(i) for i in getattr(snapshot, "interrupts", ())],
        "checkpoint_id": config["configurable"].get("checkpoint_id") if config else None,
        "parent_checkpoint_id": parent["configurable"]["checkpoint_id"] if parent else None,
    }


class MessageAccumulator:
    """``messages`` mode: chunks summed by message id, as the server streams them."""

    def __init__(self) -> None:
        self._by_id: dict[str, Any] = {}

    def feed(self, chunk: Any) -> list[tuple[str, Any]]:
        from langchain_core.messages import (
            AIMessageChunk,
            BaseMessageChunk,
            ToolMessageChunk,
            convert_to_messages,
            message_chunk_to_message,
        )

        message, meta = chunk
        is_chunk = False
        if isinstance(message, dict):
            kind = str(message.get("type", "")).lower()
            role = str(message.get("role", "")).lower()
            if "chunk" in kind or "chunk" in role:
                cls = (
                    AIMessageChunk
                    if "ai" in role
                    else ToolMessageChunk
                    if "tool" in role
                    else BaseMessageChunk
                )
                message = cls(**message)
                is_chunk = True
            else:
                message = convert_to_messages([message])[0]
        out: list[tuple[str, Any]] = []
        if message.id in self._by_id:
            self._by_id[message.id] += message
        else:
            self._by_id[message.id] = message
            out.append(("messages/metadata", {message.id: {"metadata": meta}}))
        total = self._by_id[message.id]
        name = "messages/partial" if isinstance(message, BaseMessageChunk) else "messages/complete"
        out.append((name, [total if is_chunk else message_chunk_to_message(total)]))
        return out
