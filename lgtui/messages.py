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


# content blocks a message's view shows on their own (its tool calls, its reasoning)
_SHOWN_APART = (
    "tool_call",
    "tool_call_chunk",
    "invalid_tool_call",
    "server_tool_call",
    "reasoning",
)


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
                elif block.get("type") not in (None, "text", *_SHOWN_APART):
                    parts.append(f"[{block.get('type')}]")
        return "".join(parts)
    return "" if content is None else str(content)


def reasoning_text(content: Any) -> str:
    """The reasoning blocks of a message's content, joined."""
    if not isinstance(content, list):
        return ""
    return "".join(
        str(b.get("reasoning") or "")
        for b in content
        if isinstance(b, dict) and b.get("type") == "reasoning"
    )


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
    reasoning: str = ""  # what the model said it thought (reasoning blocks), when it did

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def add_chunk(self, msg: dict[str, Any]) -> None:
        text = content_text(msg.get("content"))
        if text:
            self.parts.append(text)
        self.reasoning += reasoning_text(msg.get("content"))
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
        self.reasoning = reasoning_text(msg.get("content")) or self.reasoning
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


class BlockMessages:
    """Messages of the thread-centric stream (v2), assembled from content-block events.

    A message opens with ``message-start`` (its id, role and, for a tool's answer, the
    call it answers), grows block by block (``content-block-start|delta|finish``: text,
    reasoning, tool calls whose arguments stream as JSON text) and closes with
    ``message-finish`` (token usage).  The block events do not repeat the message's id:
    they belong to the message open in their namespace, as the server sends one at a
    time per namespace.
    """

    def __init__(self) -> None:
        self.open: dict[tuple[str, ...], Message] = {}
        # per message: block index -> its kind and the pieces of its text (or its call)
        self._blocks: dict[str, dict[Any, tuple[str, list[str]]]] = {}
        self._calls: dict[tuple[str, Any], ToolCall] = {}

    def take(
        self, seq: int, ns: tuple[str, ...], data: Any, messages: dict[str, Message], node: str = ""
    ) -> Message | None:
        """Fold one ``messages`` payload in; the message it changed, if any."""
        if not isinstance(data, dict):
            return None
        kind = data.get("event")
        if kind == "message-start":
            mid = str(data.get("id") or f"seq-{seq}")
            msg = messages.get(mid)
            if msg is None:
                msg = messages[mid] = Message(id=mid, ns=ns, node=node, first_seq=seq)
            msg.role = role_of(str(data.get("role") or "ai"))
            if isinstance(data.get("tool_call_id"), str):
                msg.tool_call_id = data["tool_call_id"]
            self.open[ns] = msg
            self._blocks[mid] = {}
        else:
            found = self.open.get(ns)
            if found is None:
                return None
            msg = found
        msg.last_seq = seq
        msg.chunks += 1
        msg.seqs.append(seq)
        blocks = self._blocks.setdefault(msg.id, {})
        index = data.get("index")
        if not isinstance(index, int | str):
            index = 0
        if kind == "content-block-start":
            block = data.get("content")
            if isinstance(block, dict):
                btype = str(block.get("type") or "")
                blocks[index] = (btype, [])
                if btype in _CALL_BLOCKS:
                    self._call(msg, index, block)
                elif isinstance(block.get(btype), str) and block[btype]:
                    blocks[index][1].append(block[btype])
        elif kind == "content-block-delta":
            delta = data.get("delta")
            if isinstance(delta, dict):
                btype, pieces = blocks.setdefault(index, ("text", []))
                if btype in _CALL_BLOCKS:
                    if isinstance(delta.get("args"), str):
                        self._call(msg, index, {}).args += delta["args"]
                else:
                    piece = delta.get("text", delta.get("reasoning"))
                    if isinstance(piece, str):
                        # blocks stream one after another: a text delta extends the end
                        pieces.append(piece)
                        if btype == "text":
                            msg.parts.append(piece)
                        elif btype == "reasoning":
                            msg.reasoning += piece
                return msg
        elif kind == "content-block-finish":
            block = data.get("content")
            if isinstance(block, dict):
                btype = str(block.get("type") or "")
                if btype in _CALL_BLOCKS:
                    blocks[index] = (btype, [])
                    self._call(msg, index, block)
                elif isinstance(block.get(btype), str):
                    blocks[index] = (btype, [block[btype]])
        elif kind == "message-finish":
            usage = data.get("usage")
            if isinstance(usage, dict):
                msg.usage = usage
            msg.complete = True
            if self.open.get(ns) is msg:
                del self.open[ns]
        elif kind == "error":
            msg.complete = True
            blocks["error"] = ("text", [f" [error: {data.get('message', '')}]"])
        self._texts(msg, blocks)
        return msg

    def _call(self, msg: Message, index: Any, block: dict[str, Any]) -> ToolCall:
        """The tool call of block ``index``, made on first sight; ``block``'s name, id and
        arguments (text while streaming, an object once finished) go over what it had."""
        call = self._calls.get((msg.id, index))
        if call is None:
            call = self._calls[(msg.id, index)] = ToolCall()
            msg.tool_calls.append(call)
        if block.get("name"):
            call.name = str(block["name"])
        if block.get("id"):
            call.id = str(block["id"])
        args = block.get("args")
        if isinstance(args, str):
            call.args = args
        elif args is not None:
            import orjson

            try:
                call.args = orjson.dumps(args).decode()
            except TypeError:
                call.args = str(args)
        return call

    def _texts(self, msg: Message, blocks: dict[Any, tuple[str, list[str]]]) -> None:
        text = [p for btype, pieces in blocks.values() if btype == "text" for p in pieces]
        msg.parts = ["".join(text)] if text else []
        reasoning = "".join(
            p for btype, pieces in blocks.values() if btype == "reasoning" for p in pieces
        )
        if reasoning:
            msg.reasoning = reasoning


_CALL_BLOCKS = frozenset({"tool_call", "tool_call_chunk", "invalid_tool_call", "server_tool_call"})
