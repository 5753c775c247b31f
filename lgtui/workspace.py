"""A deep agent's workspace as the state holds it (PyPI deepagents; no Textual): its todo
list (``todos``: ``{content, status}``) and its virtual filesystem (``files``: path ->
``{content, encoding, created_at, modified_at}``; older versions held ``content`` as a
list of lines), as of any event of the run; what a step changed in a file.
"""

from __future__ import annotations

import base64
import difflib
from dataclasses import dataclass
from typing import Any

from lgtui.session import Session, state_of

MARKS = (b'"todos"', b'"files"')
HISTORY_LOOKBACK = 500  # whole states read back at most to find a file's previous version


@dataclass(frozen=True)
class Todo:
    content: str
    status: str  # pending, in_progress, completed


@dataclass(frozen=True)
class File:
    path: str
    text: str  # the content (binary content: a note of its size)
    binary: bool
    modified: str


def has_workspace(session: Session, ns: tuple[str, ...] = ()) -> bool:
    """Whether the namespace's latest whole state holds todos or files (read as bytes)."""
    seqs = session.state_events.get(ns)
    if not seqs:
        return False
    raw = session.events.raw_at(seqs[-1])
    return any(mark in raw for mark in MARKS)


def todos_of(values: Any) -> list[Todo]:
    items = values.get("todos") if isinstance(values, dict) else None
    return [
        Todo(str(t.get("content", "")), str(t.get("status", "")))
        for t in items or ()
        if isinstance(t, dict)
    ]


def _text(data: Any) -> tuple[str, bool]:
    if not isinstance(data, dict):
        return ("" if data is None else str(data)), False
    content = data.get("content")
    if isinstance(content, list):  # (older deepagents: a list of lines)
        return "\n".join(str(line) for line in content), False
    content = "" if content is None else str(content)
    if data.get("encoding") == "base64":
        try:
            size = len(base64.b64decode(content, validate=False))
        except ValueError:
            size = len(content)
        return f"[binary, {size:,} bytes]", True
    return content, False


def files_of(values: Any) -> dict[str, File]:
    found = values.get("files") if isinstance(values, dict) else None
    out: dict[str, File] = {}
    for path, data in (found or {}).items() if isinstance(found, dict) else ():
        text, binary = _text(data)
        modified = data.get("modified_at") if isinstance(data, dict) else None
        out[str(path)] = File(str(path), text, binary, str(modified or ""))
    return out


def workspace_at(
    session: Session, seq: int, ns: tuple[str, ...] = ()
) -> tuple[int | None, list[Todo], dict[str, File]]:
    """(the event the state is from, todos, files) as of event ``seq``."""
    found = session.state_at(seq, ns)
    if found is None:
        return None, [], {}
    source, values = found
    return source, todos_of(values), files_of(values)


def file_change(
    session: Session, path: str, seq: int, ns: tuple[str, ...] = ()
) -> tuple[int | None, str | None]:
    """(the state event where ``path`` last changed at or before ``seq``, its content
    before that change: None when it was new then)."""
    seqs = session.state_events.get(ns)
    found = session.state_at(seq, ns)
    if not seqs or found is None:
        return None, None
    source, values = found
    current = files_of(values).get(path)
    if current is None:
        return None, None
    from bisect import bisect_left

    i = bisect_left(seqs, source)
    changed_at = source
    for j in range(i - 1, max(-1, i - 1 - HISTORY_LOOKBACK), -1):
        before = files_of(state_of(session.events[seqs[j]])).get(path)
        if before is None:
            return changed_at, None
        if before.text != current.text:
            return changed_at, before.text
        changed_at = seqs[j]
    return changed_at, None


def diff_lines(before: str | None, after: str) -> list[tuple[str, str]]:
    """(mark, line) of ``after`` against ``before``: ``+`` added, ``-`` removed, `` `` kept;
    every line added when there was no file before."""
    if before is None:
        return [("+", line) for line in after.splitlines()]
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        mark = line[:1]
        if mark in ("+", "-", " "):
            out.append((mark, line[2:]))
    return out
