"""Chat messages as a run streams them: chunks assembled into one message, tool calls
with their arguments, whole messages replacing what was streamed."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def role_of(kind: str) -> str:
    k = kind.lower()
    for prefix, role in (
        ("ai", "ai"),
        ("assistant", "ai"),
        ("human", "human"),
        ("user", "human"),
        ("tool", "tool"),
        ("system", "system"),
        ("function", "tool"),
    ):
        if k.startswith(prefix):
            return role
    return k.removesuffix("messagechunk").removesuffix("message") or "message"


def content_text(content: Any) -> str:
    """Text of a message's content: a string, or a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict):
                if isinstance(block.get("text"), str):
                    parts.append(block["text"])
                elif block.get("type") not in (None, "text"):
                    parts.append(f"[{block.get('type')}]")
        return "".join(parts)
    return "" if content is None else str(content)


@dataclass
class ToolCall:
    name: str = ""
    args: str = ""
    id: str = ""


@dataclass
class Message:
    """A message assembled from the chunks streamed so far."""

    id: str
    role: str = "ai"
    node: str = ""
    ns: tuple[str, ...] = ()
    parts: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str = ""
    name: str = ""
    first_seq: int = 0
    last_seq: int = 0
    chunks: int = 0
    complete: bool = False
    usage: dict[str, Any] | None = None
    seqs: array[int] = field(default_factory=lambda: array("q"))  # the events that built it

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def add_chunk(self, msg: dict[str, Any]) -> None:
        text = content_text(msg.get("content"))
        if text:
            self.parts.append(text)
        for tc in msg.get("tool_call_chunks") or ():
            if not isinstance(tc, dict):
                continue
            index = tc.get("index")
            target = None
            if isinstance(index, int) and 0 <= index < len(self.tool_calls):
                target = self.tool_calls[index]
            elif tc.get("id") and any(t.id == tc["id"] for t in self.tool_calls):
                target = next(t for t in self.tool_calls if t.id == tc["id"])
            if target is None:
                target = ToolCall()
                self.tool_calls.append(target)
            target.name += tc.get("name") or ""
            target.args += tc.get("args") or ""
            target.id = target.id or tc.get("id") or ""
        if not msg.get("tool_call_chunks") and msg.get("tool_calls"):
            self._set_tool_calls(msg["tool_calls"])
        if msg.get("chunk_position") == "last":
            self.complete = True
        self._common(msg)

    def replace(self, msg: dict[str, Any], complete: bool) -> None:
        self.parts = [content_text(msg.get("content"))]
        self._set_tool_calls(msg.get("tool_calls") or ())
        self.complete = complete
        self._common(msg)

    def _set_tool_calls(self, calls: Iterable[Any]) -> None:
        import orjson

        self.tool_calls = []
        for tc in calls:
            if isinstance(tc, dict):
                args = tc.get("args")
                if not isinstance(args, str):
                    try:
                        args = orjson.dumps(args).decode()
                    except TypeError:
                        args = str(args)
                self.tool_calls.append(
                    ToolCall(str(tc.get("name") or ""), args, str(tc.get("id") or ""))
                )

    def _common(self, msg: dict[str, Any]) -> None:
        if msg.get("usage_metadata"):
            self.usage = msg["usage_metadata"]
        if msg.get("tool_call_id"):
            self.tool_call_id = str(msg["tool_call_id"])
        if msg.get("name"):
            self.name = str(msg["name"])
