"""Agent breakpoints: where a run stops so the user can look (lgtui/host/pauses.py pauses an
embedded run there; against a server, lgtui/runs.py pauses the view).

One breakpoint per string:

    before:NODE   after:NODE      a node is about to run / has run (``*``: every node)
    tool:NAME [TERMS]             the graph is about to call tool NAME (``*``: any tool),
                                  whose arguments match TERMS (search terms read in the
                                  arguments: ``query~refund``, ``city=Paris``, a word)
    change:KEY                    a node wrote state key KEY (``messages``, ``plan``)
    anything else                 an event matches this search (lgtui/query.py):
                                  ``values.messages[-1].content~refund``, ``node:tools``

A server can stop only before and after a node (``interrupt_before``/``interrupt_after``).
No Textual here, and nothing the engine host cannot import (the standard library, orjson).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from lgtui.events import ns_node, split_event_name
from lgtui.query import _MISSING, Query, QueryError, Subject, parse

KINDS = ("before", "after", "tool", "change")
ACTIONS = ("continue", "step", "abort")  # the user's word to a paused run
SEPARATOR = ";"  # between breakpoints typed on one line (a search holds commas and spaces)


@dataclass(frozen=True)
class Breakpoint:
    kind: str  # before | after | tool | change | search
    target: str = ""  # the node, tool or state key ("*": any)
    query: Query | None = None  # tool: its arguments' terms; search: the event's
    text: str = ""  # as the user typed it

    def describe(self) -> str:
        if self.kind == "before":
            return f"before node {self.target}" if self.target != "*" else "before every node"
        if self.kind == "after":
            return f"after node {self.target}" if self.target != "*" else "after every node"
        if self.kind == "tool":
            what = "any tool" if self.target == "*" else f"tool {self.target}"
            if self.query is not None and not self.query.empty:
                what += f" with {self.query.describe()}"
            return f"at a call of {what}"
        if self.kind == "change":
            return f"at a change of state key {self.target}"
        assert self.query is not None
        return f"at an event where {self.query.describe()}"

    def names_node(self, node: str) -> bool:
        return self.target in ("*", node)


def parse_one(text: str) -> Breakpoint:
    """One breakpoint; `QueryError` says what is wrong with it."""
    text = text.strip()
    if not text:
        raise QueryError("an empty breakpoint")
    head, colon, rest = text.partition(":")
    kind = head.strip().lower()
    if colon and kind in KINDS:
        target, _, terms = rest.strip().partition(" ")
        if not target:
            raise QueryError(f"{text!r}: say which {'tool' if kind == 'tool' else 'node'}")
        if kind == "tool":
            return Breakpoint("tool", target, parse(terms) if terms.strip() else None, text)
        if terms.strip():
            raise QueryError(f"{text!r}: {kind}: takes one name (no spaces)")
        return Breakpoint(kind, target, None, text)
    query = parse(text)
    if query.empty:
        raise QueryError(f"{text!r} matches every event")
    return Breakpoint("search", "", query, text)


def parse_all(texts: Sequence[str] | None) -> list[Breakpoint]:
    """Every breakpoint of ``texts``; a string may hold several, split on ``;``."""
    return [parse_one(part) for text in texts or () for part in split_line(str(text))]


def split_line(line: str) -> list[str]:
    """Breakpoints typed on one line, as strings (each read by `parse_one`)."""
    return [p.strip() for p in line.split(SEPARATOR) if p.strip()]


def for_server(points: list[Breakpoint]) -> tuple[list[str], list[str], list[Breakpoint]]:
    """What a server can stop at (interrupt_before, interrupt_after), and the rest: the
    breakpoints only the view can stop at."""
    before = [p.target for p in points if p.kind == "before"]
    after = [p.target for p in points if p.kind == "after"]
    return before, after, [p for p in points if p.kind not in ("before", "after")]


class DocSubject(Subject):
    """A thing to match that is a decoded payload: an event (its wire name and data) or a
    tool call's arguments."""

    def __init__(self, name: str, data: Any, node: str = "", state: Any = _MISSING) -> None:
        mode, ns = split_event_name(name)
        self.mode = mode
        self.ns = "/".join(ns_node(p) for p in ns) if ns else "root"
        self.node = node
        self.name = name
        self.data = data
        self._state = state
        self._text: str | None = None

    def text(self) -> str:
        if self._text is None:
            try:
                raw = orjson.dumps(self.data, default=str).decode()
            except (TypeError, ValueError):
                raw = str(self.data)
            self._text = f"{self.name}\n{raw}".lower()
        return self._text

    def text_bytes(self) -> bytes:
        return self.text().encode()

    def doc(self) -> Any:
        return self.data

    def state(self) -> Any:
        if self._state is not _MISSING:
            return self._state
        if self.mode == "values" and isinstance(self.data, dict):
            return self.data
        return _MISSING


def node_of(name: str, data: Any) -> str:
    """The node an event of the run stream speaks of, where its payload says it."""
    mode, ns = split_event_name(name)
    if mode == "updates" and isinstance(data, dict) and len(data) == 1:
        return str(next(iter(data)))
    if mode in ("debug", "tasks", "checkpoints") and isinstance(data, dict):
        payload = data.get("payload", data)
        if isinstance(payload, dict) and isinstance(payload.get("name"), str):
            return str(payload["name"])
    if mode.startswith("messages") and isinstance(data, list) and len(data) == 2:
        meta = data[1]
        if isinstance(meta, dict) and isinstance(meta.get("langgraph_node"), str):
            return str(meta["langgraph_node"])
    if mode == "events" and isinstance(data, dict):
        meta = data.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("langgraph_node"), str):
            return str(meta["langgraph_node"])
    return ns_node(ns[-1]) if ns else ""


def event_matches(point: Breakpoint, name: str, data: Any, node: str | None = None) -> bool:
    """A search breakpoint holds for this event."""
    if point.kind != "search" or point.query is None:
        return False
    found = node if node is not None else node_of(name, data)
    return point.query.matches(DocSubject(name, data, found))


def tool_matches(point: Breakpoint, tool: str, args: Any) -> bool:
    if point.kind != "tool" or point.target not in ("*", tool):
        return False
    if point.query is None or point.query.empty:
        return True
    return point.query.matches(DocSubject("tool", args, tool))


def tool_calls_in(data: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """The tool calls (name, arguments) a payload carries: a model's message asking for
    them, in an updates, values or messages event (searched a few levels deep)."""
    found: list[tuple[str, Any]] = []
    if depth > 6:
        return found
    if isinstance(data, dict):
        calls = data.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, dict) and isinstance(call.get("name"), str):
                    found.append((call["name"], call.get("args")))
        for value in data.values():
            if isinstance(value, dict | list):
                found.extend(tool_calls_in(value, depth + 1))
    elif isinstance(data, list):
        for value in data[-20:]:  # (the newest messages of a long conversation)
            if isinstance(value, dict | list):
                found.extend(tool_calls_in(value, depth + 1))
    return found


def view_matches(point: Breakpoint, name: str, data: Any) -> bool:
    """An event of a server's run where the view stops: a search that holds, a model's
    message asking for the tool, a node's update writing the key."""
    mode, _ = split_event_name(name)
    if point.kind == "search":
        return event_matches(point, name, data)
    if point.kind == "tool" and mode in ("updates", "messages/complete"):
        # (not values: they carry every call of the conversation so far; not a message's
        # chunks: their calls are not whole yet)
        return any(tool_matches(point, tool, args) for tool, args in tool_calls_in(data))
    if point.kind == "change" and mode == "updates" and isinstance(data, dict):
        keys = [k for update in data.values() for k in written_keys(update)]
        return point.target in keys or (point.target == "*" and bool(keys))
    return False


def written_keys(update: Any) -> list[str]:
    """The state keys a node's update writes (a dict, or a list of them)."""
    if isinstance(update, dict):
        return [str(k) for k in update]
    if isinstance(update, list | tuple):
        return [k for item in update for k in written_keys(item)]
    return []


__all__ = [
    "Breakpoint",
    "QueryError",
    "event_matches",
    "for_server",
    "node_of",
    "parse_all",
    "parse_one",
    "split_line",
    "tool_calls_in",
    "tool_matches",
    "view_matches",
    "written_keys",
]
