"""Short, safe one-line previews of untrusted JSON values.

Previews stop early: a 200 kB string or a 10,000-key dict costs what the preview
shows, not what the value holds.  Control characters (ANSI escapes included) come out
escaped, so nothing a graph sends can drive the terminal.
"""

from __future__ import annotations

import re
from typing import Any

# Control characters (C0, DEL, C1: ESC, CSI, OSC, BEL...), line/paragraph separators,
# zero-width and bidirectional formatting characters (which reorder or hide text: a
# "Trojan Source" trick), the byte order mark: never drawn as themselves.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_NOT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def safe_text(text: str, limit: int | None = None) -> str:
    """``text`` with control characters escaped, cut to ``limit`` characters with an ellipsis."""
    if limit is not None and len(text) > limit:
        text = text[:limit]
        cut = True
    else:
        cut = False
    text = _CONTROL.sub(_escape_char, text)
    if limit is not None and len(text) > limit:
        text, cut = text[:limit], True
    return text + "…" if cut else text


class _Out:
    __slots__ = ("budget", "parts")

    def __init__(self, budget: int) -> None:
        self.parts: list[str] = []
        self.budget = budget

    def add(self, s: str) -> bool:
        """Append ``s``; False once the budget is spent."""
        if self.budget <= 0:
            return False
        if len(s) > self.budget:
            s = s[: self.budget]
        self.parts.append(s)
        self.budget -= len(s)
        return self.budget > 0


def _walk(value: Any, out: _Out, depth: int) -> bool:
    if isinstance(value, str):
        body = safe_text(value, out.budget + 1)
        return out.add('"' + body + ('"' if not body.endswith("…") else ""))
    if value is None:
        return out.add("null")
    if value is True:
        return out.add("true")
    if value is False:
        return out.add("false")
    if isinstance(value, int | float):
        return out.add(repr(value))
    if isinstance(value, dict):
        if depth > 6:
            return out.add("{…}")
        if not out.add("{"):
            return False
        for i, (k, v) in enumerate(value.items()):
            if i and not out.add(", "):
                return False
            if not out.add(safe_text(str(k), 60) + ": "):
                return False
            if not _walk(v, out, depth + 1):
                return False
        return out.add("}")
    if isinstance(value, list | tuple):
        if depth > 6:
            return out.add("[…]")
        if not out.add("["):
            return False
        for i, v in enumerate(value):
            if i and not out.add(", "):
                return False
            if not _walk(v, out, depth + 1):
                return False
        return out.add("]")
    return out.add(safe_text(repr(value), 80))


def preview(value: Any, limit: int = 160) -> str:
    """A one-line preview of a JSON value, at most ``limit`` characters (plus '…')."""
    out = _Out(limit)
    complete = _walk(value, out, 0)
    text = "".join(out.parts)
    if not complete and not text.endswith("…"):
        text += "…"
    return text


def safe_multiline(text: str) -> str:
    """``text`` with newlines kept (tabs as four spaces) and every other control character
    escaped."""
    if not _NOT_NEWLINE.search(text):
        return text
    return _NOT_NEWLINE.sub(lambda m: "    " if m.group() == "\t" else _escape_char(m), text)
