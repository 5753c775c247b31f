"""One-line summaries of events, per stream mode: what a row of an event list says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lgtui.messages import content_text, role_of
from lgtui.preview import preview, safe_text

if TYPE_CHECKING:
    from lgtui.session import Session

_SUMMARY = 160


def _describe_updates(session: Session, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    if "__interrupt__" in data:
        items = data["__interrupt__"]
        values = (
            [i.get("value") for i in items if isinstance(i, dict)]
            if isinstance(items, list)
            else items
        )
        return "__interrupt__", "interrupt " + preview(values, _SUMMARY)
    nodes = ", ".join(safe_text(str(k), 40) for k in data)
    if len(data) == 1:
        (value,) = data.values()
        return nodes, preview(value, _SUMMARY)
    return nodes, preview(data, _SUMMARY)


def _describe_values(session: Session, data: Any) -> tuple[str, str]:
    if isinstance(data, dict) and "__interrupt__" in data:
        return "__interrupt__", preview(data, _SUMMARY)
    return "", preview(data, _SUMMARY)


def _describe_debug_like(kind: str, payload: Any) -> tuple[str, str]:
    if not isinstance(payload, dict):
        return "", preview(payload, _SUMMARY)
    if kind == "checkpoint" or ("next" in payload and "values" in payload):
        meta = payload.get("metadata") or {}
        step = meta.get("step", payload.get("step", ""))
        source = meta.get("source", "")
        nxt = payload.get("next") or []
        writers = ", ".join(safe_text(str(n), 30) for n in (meta.get("writes") or {}))
        summary = f"checkpoint step {step} {source}".rstrip()
        summary += f" next={preview(nxt, 60)}"
        return writers, summary
    name = safe_text(str(payload.get("name", "")), 40)
    if "result" in payload or ("error" in payload and "input" not in payload):
        if payload.get("error"):
            return name, "task error " + preview(payload.get("error"), _SUMMARY)
        if payload.get("interrupts"):
            return name, "task interrupted " + preview(payload.get("interrupts"), _SUMMARY)
        return name, "task result " + preview(payload.get("result"), _SUMMARY)
    return name, "task start " + preview(payload.get("input"), _SUMMARY)


def _describe_debug(session: Session, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    kind = data.get("type", "")
    node, summary = _describe_debug_like(kind, data.get("payload"))
    return node, summary


def _describe_checkpoints(session: Session, data: Any) -> tuple[str, str]:
    return _describe_debug_like("checkpoint", data)


def _describe_tasks(session: Session, data: Any) -> tuple[str, str]:
    return _describe_debug_like("task", data)


def _message_line(msg: dict[str, Any]) -> str:
    role = role_of(str(msg.get("type") or ""))
    text = content_text(msg.get("content"))
    extra = ""
    chunks = msg.get("tool_call_chunks") or msg.get("tool_calls") or []
    if chunks:
        names = [str(c.get("name")) for c in chunks if isinstance(c, dict) and c.get("name")]
        args = "".join(
            c["args"] for c in chunks if isinstance(c, dict) and isinstance(c.get("args"), str)
        )
        extra = f" tool_call {','.join(names)} {args}".rstrip()
    shown = safe_text(text, _SUMMARY)
    if not text.strip():  # a whitespace chunk: make it visible
        shown = '"' + shown + '"' if text else ""
    return f"{role}: " + shown + safe_text(extra, 80)


def _describe_messages(session: Session, data: Any) -> tuple[str, str]:
    if isinstance(data, list) and data and isinstance(data[0], dict):
        meta = data[1] if len(data) > 1 and isinstance(data[1], dict) else {}
        return safe_text(str(meta.get("langgraph_node") or ""), 40), _message_line(data[0])
    return "", preview(data, _SUMMARY)


def _describe_message_whole(session: Session, data: Any) -> tuple[str, str]:
    if isinstance(data, list) and data and isinstance(data[0], dict):
        mid = str(data[0].get("id"))
        meta = session._message_meta.get(mid, {})
        return safe_text(str(meta.get("langgraph_node") or ""), 40), _message_line(data[0])
    return "", preview(data, _SUMMARY)


def _describe_message_meta(session: Session, data: Any) -> tuple[str, str]:
    if isinstance(data, dict):
        for mid, meta in data.items():
            md = meta.get("metadata", {}) if isinstance(meta, dict) else {}
            node = md.get("langgraph_node", "") if isinstance(md, dict) else ""
            return safe_text(str(node), 40), "message " + safe_text(str(mid), 60)
    return "", preview(data, _SUMMARY)


def _describe_events(session: Session, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    meta = data.get("metadata") or {}
    node = meta.get("langgraph_node") or "" if isinstance(meta, dict) else ""
    kind = safe_text(str(data.get("event", "")), 40)
    name = safe_text(str(data.get("name", "")), 40)
    inner = data.get("data") or {}
    detail = ""
    if isinstance(inner, dict):
        if "chunk" in inner:
            chunk = inner["chunk"]
            detail = (
                content_text(chunk.get("content"))
                if isinstance(chunk, dict) and "content" in chunk
                else preview(chunk, 100)
            )
            detail = safe_text(detail, 100)
        elif "output" in inner:
            detail = "→ " + preview(inner["output"], 100)
        elif "input" in inner:
            detail = preview(inner["input"], 100)
    return safe_text(str(node), 40), f"{kind} {name} {detail}".rstrip()


def _describe_error(session: Session, data: Any) -> tuple[str, str]:
    if isinstance(data, dict):
        return (
            "",
            f"{safe_text(str(data.get('error', 'Error')), 60)}: {safe_text(str(data.get('message', '')), _SUMMARY)}",
        )
    return "", preview(data, _SUMMARY)


def _describe_metadata(session: Session, data: Any) -> tuple[str, str]:
    if isinstance(data, dict) and "run_id" in data:
        extra = f" {data['status']}" if "status" in data else f" attempt {data.get('attempt', 1)}"
        return "", f"run {safe_text(str(data['run_id']), 40)}{extra}"
    return "", preview(data, _SUMMARY)


def describe_other(session: Session, data: Any) -> tuple[str, str]:
    return "", preview(data, _SUMMARY)


DESCRIBERS = {
    "updates": _describe_updates,
    "values": _describe_values,
    "debug": _describe_debug,
    "checkpoints": _describe_checkpoints,
    "tasks": _describe_tasks,
    "messages": _describe_messages,
    "messages/partial": _describe_message_whole,
    "messages/complete": _describe_message_whole,
    "messages/metadata": _describe_message_meta,
    "events": _describe_events,
    "error": _describe_error,
    "metadata": _describe_metadata,
    "custom": describe_other,
}


# -- the thread-centric stream (v2): a row from the envelope's payload and its node -------


def _v2_updates(session: Session, event: Any, data: Any) -> tuple[str, str]:
    return safe_text(event.node, 40), preview(data, _SUMMARY)


def _v2_messages(session: Session, event: Any, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    kind = data.get("event")
    if kind == "message-start":
        role = role_of(str(data.get("role") or ""))
        return "", f"{role} message {safe_text(str(data.get('id', '')), 60)}"
    if kind in ("content-block-start", "content-block-finish"):
        block = data.get("content")
        if isinstance(block, dict):
            btype = str(block.get("type") or "")
            if "name" in block:
                shown = f"{btype} {safe_text(str(block.get('name') or ''), 40)} " + preview(
                    block.get("args"), 100
                )
            else:
                shown = f"{btype} " + preview(block.get(btype), _SUMMARY)
            return "", f"{kind.removeprefix('content-')} {shown}".rstrip()
    if kind == "content-block-delta":
        delta = data.get("delta")
        if isinstance(delta, dict):
            piece = delta.get("text", delta.get("reasoning", delta.get("args", "")))
            text = safe_text(str(piece), _SUMMARY)
            if isinstance(piece, str) and not piece.strip():
                text = '"' + text + '"'
            return "", f"{safe_text(str(delta.get('type', 'delta')), 20)} {text}"
    if kind == "message-finish":
        usage = data.get("usage")
        return "", "message-finish" + (f" usage {preview(usage, 120)}" if usage else "")
    return "", preview(data, _SUMMARY)


def _v2_tools(session: Session, event: Any, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    kind = safe_text(str(data.get("event", "")), 20)
    name = safe_text(str(data.get("tool_name") or ""), 40)
    detail = data.get("input", data.get("delta", data.get("output", data.get("message"))))
    return safe_text(event.node, 40), f"{kind} {name} {preview(detail, 120)}".replace("  ", " ")


def _v2_lifecycle(session: Session, event: Any, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    from lgtui.agents import cause_text

    name = safe_text(str(data.get("graph_name") or ""), 40)
    words = safe_text(cause_text(data.get("cause"))[0], 80)
    error = data.get("error")
    summary = safe_text(str(data.get("event", "")), 20)
    if words:
        summary += f" ({words})"
    if error:
        summary += ": " + safe_text(str(error), _SUMMARY)
    return name, summary


def _v2_input(session: Session, event: Any, data: Any) -> tuple[str, str]:
    payload = data.get("payload") if isinstance(data, dict) else data
    return "__interrupt__", "input requested " + preview(payload, _SUMMARY)


def _v2_checkpoints(session: Session, event: Any, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", preview(data, _SUMMARY)
    return "", (
        f"checkpoint step {safe_text(str(data.get('step', '')), 12)} "
        f"{safe_text(str(data.get('source', '')), 12)} {safe_text(str(data.get('id', '')), 40)}"
    )


def _v2_tasks(session: Session, event: Any, data: Any) -> tuple[str, str]:
    return _describe_debug_like("task", data)


def _v2_custom(session: Session, event: Any, data: Any) -> tuple[str, str]:
    if isinstance(data, dict) and "payload" in data:
        return safe_text(str(data.get("name") or ""), 40), preview(data["payload"], _SUMMARY)
    return "", preview(data, _SUMMARY)


def _v2_values(session: Session, event: Any, data: Any) -> tuple[str, str]:
    return "", preview(data, _SUMMARY)


V2_DESCRIBERS = {
    "values": _v2_values,
    "updates": _v2_updates,
    "messages": _v2_messages,
    "tools": _v2_tools,
    "lifecycle": _v2_lifecycle,
    "input.requested": _v2_input,
    "checkpoints": _v2_checkpoints,
    "tasks": _v2_tasks,
    "custom": _v2_custom,
}
