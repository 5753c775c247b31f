"""State payloads as the thread-centric stream (v2) sends them.

A ``values`` or ``updates`` payload goes out with its chat messages in the protocol's
shape (langchain-protocol's message and content blocks) and without ``__interrupt__``
(interrupts go on the ``input`` channel).  The rules, as langgraph-api applies them:

- a message is a dict whose ``type`` (``user`` read as ``human``, ``assistant`` as
  ``ai``) is one of human, ai, system, tool, function, remove; it keeps its ``type``,
  ``content``, ``id`` and ``name``; ``example`` (ai, human); ``response_metadata`` when
  not empty; a tool message its ``tool_call_id``, ``status`` (success/error) and
  ``artifact``; an AI message its tool calls, each a ``tool_call`` (name, args as an
  object) or, when it cannot be one, an ``invalid_tool_call`` with why;
- content that is a list becomes content blocks: text for strings, protocol blocks as
  they are, ``image_url`` as an image, ``input_audio`` as audio, any other typed dict as
  ``non_standard``; an AI message's audio (``additional_kwargs.audio``) is a block too;
- lists are walked; a dict's ``messages`` list has its messages reshaped (nothing else
  there), other values are walked.
"""

from __future__ import annotations

import json
from typing import Any

_MESSAGE_TYPES = frozenset(
    {"human", "user", "ai", "assistant", "system", "tool", "function", "remove"}
)
_BLOCK_TYPES = frozenset(
    {
        "text",
        "reasoning",
        "tool_call",
        "tool_call_chunk",
        "invalid_tool_call",
        "server_tool_call",
        "server_tool_call_chunk",
        "server_tool_call_result",
        "image",
        "audio",
        "video",
        "file",
        "non_standard",
    }
)
_AUDIO_MIME = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "pcm16": "audio/wav",
    "pcm": "audio/wav",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "flac": "audio/flac",
}


def state_payload(value: Any) -> Any:
    """A ``values``/``updates`` payload (JSON-able) in the protocol's shape."""
    if isinstance(value, list):
        return [_message(v) if _is_message(v) else state_payload(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "__interrupt__":
            continue
        if key == "messages" and isinstance(item, list):
            out[key] = [_message(v) if _is_message(v) else v for v in item]
        else:
            out[key] = state_payload(item)
    return out


def _kind(value: Any) -> str | None:
    if value == "assistant":
        return "ai"
    if value == "user":
        return "human"
    return value if isinstance(value, str) else None


def _is_message(value: Any) -> bool:
    return isinstance(value, dict) and _kind(value.get("type")) in _MESSAGE_TYPES


def _message(value: dict[str, Any]) -> dict[str, Any]:
    kind = _kind(value.get("type"))
    if kind is None:
        return value
    extra = value.get("additional_kwargs")
    extra = extra if isinstance(extra, dict) else None
    out: dict[str, Any] = {
        "type": kind,
        "content": _content(value.get("content", ""), extra if kind == "ai" else None),
    }
    for key in ("id", "name"):
        if isinstance(value.get(key), str):
            out[key] = value[key]
    if kind in ("ai", "human") and isinstance(value.get("example"), bool):
        out["example"] = value["example"]
    meta = value.get("response_metadata")
    if isinstance(meta, dict) and meta:
        out["response_metadata"] = meta
    if kind == "tool":
        if isinstance(value.get("tool_call_id"), str):
            out["tool_call_id"] = value["tool_call_id"]
        if value.get("status") in ("success", "error"):
            out["status"] = value["status"]
        if "artifact" in value:
            out["artifact"] = value["artifact"]
    if kind == "ai":
        asked = value.get("tool_calls")
        if not (isinstance(asked, list) and asked):
            asked = (
                extra.get("tool_calls")
                if extra and isinstance(extra.get("tool_calls"), list)
                else None
            )
        calls, bad = _tool_calls(asked)
        given_bad = value.get("invalid_tool_calls")
        if isinstance(given_bad, list) and given_bad:
            bad = _invalid_calls(given_bad)
        if calls:
            out["tool_calls"] = calls
        if bad:
            out["invalid_tool_calls"] = bad
    return out


# -- content ----------------------------------------------------------------------------


def _audio(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    audio = extra.get("audio") if extra else None
    if not isinstance(audio, dict):
        return None
    data = audio.get("data") if isinstance(audio.get("data"), str) else None
    url = audio.get("url") if isinstance(audio.get("url"), str) else None
    if data is None and url is None:
        return None
    mime = audio.get("mime_type") if isinstance(audio.get("mime_type"), str) else None
    if isinstance(audio.get("format"), str):
        fmt: str | None = audio["format"].lower()
    else:
        fmt = None if mime else "wav"
    block: dict[str, Any] = {"type": "audio"}
    if isinstance(audio.get("id"), str):
        block["id"] = audio["id"]
    if url is not None:
        block["url"] = url
    if data is not None:
        block["data"] = data
    if mime:
        block["mime_type"] = mime
    elif fmt in _AUDIO_MIME:
        block["mime_type"] = _AUDIO_MIME[fmt]
    if isinstance(audio.get("transcript"), str):
        block["transcript"] = audio["transcript"]
    return block


def _block(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    kind = value["type"]
    if kind in _BLOCK_TYPES:
        return value
    if kind == "image_url":
        image = value.get("image_url")
        url = (
            image
            if isinstance(image, str)
            else image.get("url")
            if isinstance(image, dict)
            else None
        )
        return {"type": "image", "url": url} if isinstance(url, str) else None
    if kind == "input_audio":
        audio = value.get("input_audio")
        if not isinstance(audio, dict):
            return None
        block: dict[str, Any] = {"type": "audio"}
        for key in ("data", "mime_type"):
            if isinstance(audio.get(key), str):
                block[key] = audio[key]
        return block
    return {"type": "non_standard", "value": dict(value)}


def _content(content: Any, extra: dict[str, Any] | None) -> Any:
    audio = _audio(extra)
    if isinstance(content, str):
        if audio is None:
            return content
        return ([{"type": "text", "text": content}] if content else []) + [audio]
    if not isinstance(content, list):
        return [audio] if audio is not None else content
    blocks: list[dict[str, Any]] = []
    for entry in content:
        if isinstance(entry, str):
            blocks.append({"type": "text", "text": entry})
        elif (block := _block(entry)) is not None:
            blocks.append(block)
    if audio is not None and not any(b.get("type") == "audio" for b in blocks):
        blocks.append(audio)
    return blocks or content


# -- tool calls ---------------------------------------------------------------------------


def _identity(call: dict[str, Any]) -> tuple[str | None, str | None]:
    function = call.get("function") if isinstance(call.get("function"), dict) else None
    call_id = call["id"] if isinstance(call.get("id"), str) else None
    if isinstance(call.get("name"), str):
        name: str | None = call["name"]
    elif function is not None and isinstance(function.get("name"), str):
        name = function["name"]
    else:
        name = None
    return call_id, name


def _args(call: dict[str, Any]) -> Any:
    if "args" in call:
        return call["args"]
    function = call.get("function") if isinstance(call.get("function"), dict) else None
    return function.get("arguments") if function else None


def _parsed_args(args: Any) -> tuple[bool, Any]:
    """(whether they are arguments, the arguments): an object, or JSON text of one."""
    if isinstance(args, str):
        if not args:
            return True, {}
        try:
            return True, json.loads(args)
        except ValueError:
            return False, args
    return True, {} if args is None else args


def _tool_calls(asked: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    for raw in asked if isinstance(asked, list) else ():
        if not isinstance(raw, dict):
            continue
        call_id, name = _identity(raw)
        raw_args = _args(raw)
        ok, args = _parsed_args(raw_args)
        if name is None:
            entry: dict[str, Any] = {"type": "invalid_tool_call", "error": "Incomplete tool call."}
            if call_id is not None:
                entry["id"] = call_id
            if isinstance(raw_args, str):
                entry["args"] = raw_args
            bad.append(entry)
        elif not ok:
            entry = {"type": "invalid_tool_call", "name": name, "error": "Malformed args."}
            if call_id is not None:
                entry["id"] = call_id
            if isinstance(args, str):
                entry["args"] = args
            bad.append(entry)
        else:
            call: dict[str, Any] = {"type": "tool_call", "name": name, "args": args}
            if call_id is not None:
                call["id"] = call_id
            calls.append(call)
    return calls, bad


def _invalid_calls(given: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for raw in given:
        if not isinstance(raw, dict):
            continue
        call_id, name = _identity(raw)
        entry: dict[str, Any] = {"type": "invalid_tool_call"}
        if call_id is not None:
            entry["id"] = call_id
        if name is not None:
            entry["name"] = name
        if isinstance(raw.get("args"), str):
            entry["args"] = raw["args"]
        entry["error"] = raw["error"] if isinstance(raw.get("error"), str) else "Malformed args."
        out.append(entry)
    return out
