"""Search and filter terms, for events (live or replayed) and for a thread's checkpoints.

    mode:updates,values    of these stream modes (checkpoints: their source -- input, loop, update, fork)
    node:agent             of a node whose name contains this (any case)
    ns:research            in a subgraph namespace whose label contains this; ns:root for the root
    PATH                   the payload has this JSON path, not null:  values.messages[-1].content
    PATH=VALUE  PATH!=VALUE    ...equal (or not) to VALUE, read as JSON when it is JSON
    PATH~TEXT              ...whose text contains TEXT (any case)
    word  "two words"      the payload's JSON text (or the wire name) contains it (any case)
    -TERM                  not TERM

Every term must hold.  A path is read in the event's payload (``data``, as `lgtui stream`
prints it), then in the state the event carries (a values event, a checkpoint; a thread's
checkpoint in a history), with or without a leading ``values``: so
``values.messages[-1].content`` and ``messages[-1].content`` work on values events, debug
and checkpoint events, and a thread's checkpoints alike.  Quote a word to search for it as
text when it looks like a path (``"gpt-4.1"``).  No Textual here.
"""

from __future__ import annotations

import json
import re
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from lgtui.events import split_event_name

FIELDS = ("mode", "node", "ns")
_PATH = re.compile(
    r"""^(?P<path>\$?\.?[A-Za-z_][\w-]*(?:\.[\w-]+|\[-?\d+\]|\["[^"]*"\])*)
        (?:(?P<op>!=|=|~)(?P<value>.*))?$""",
    re.VERBOSE,
)
_SEGMENT = re.compile(r"""\.?([\w-]+)|\[(-?\d+)\]|\["([^"]*)"\]""")
_MISSING = object()


class QueryError(ValueError):
    """A query that cannot be read: the message says where."""


def parse_path(text: str) -> list[str | int]:
    """``values.messages[-1].content`` -> ["values", "messages", -1, "content"]."""
    text = text.removeprefix("$")
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _SEGMENT.match(text, pos)
        if match is None or match.end() == pos:
            raise QueryError(f"cannot read the path {text!r} at character {pos + 1}")
        key, index, quoted = match.groups()
        parts.append(int(index) if index is not None else (quoted if quoted is not None else key))
        pos = match.end()
    if not parts:
        raise QueryError("an empty path")
    return parts


def resolve(value: Any, path: list[str | int]) -> Any:
    """The value at ``path`` in ``value``, or ``_MISSING``."""
    for part in path:
        if isinstance(value, dict):
            if isinstance(part, int):
                part = str(part)
            if part not in value:
                return _MISSING
            value = value[part]
        elif isinstance(value, list):
            if isinstance(part, str):
                if not part.lstrip("-").isdigit():
                    return _MISSING
                part = int(part)
            if not -len(value) <= part < len(value):
                return _MISSING
            value = value[part]
        else:
            return _MISSING
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return str(value)


# -- what a query looks at --------------------------------------------------------------


class Subject:
    """One thing to match: its mode, node, namespace label, text, payload and state."""

    mode = ""
    node = ""
    ns = ""

    def text(self) -> str:  # lower-cased
        return ""

    def text_bytes(self) -> bytes:  # lower-cased ASCII letters
        return self.text().encode()

    def doc(self) -> Any:
        return None

    def state(self) -> Any:
        return _MISSING


class EventSubject(Subject):
    """Event ``seq`` of a Session; what is costly (the event object, decoding, the node's
    name) is made only when a term asks for it."""

    def __init__(self, session: Any, seq: int) -> None:
        self.session = session
        self.seq = seq
        self.name = session.events.name_at(seq)
        self.mode, ns = split_event_name(self.name)
        self.ns = session.ns_label(ns) if ns else "root"

    @property
    def event(self) -> Any:
        found = self._event
        if found is None:
            found = self._event = self.session.events[self.seq]
        return found

    _event: Any = None

    @property
    def node(self) -> str:  # type: ignore[override]  # (Subject's attribute, computed here)
        return str(self.session.row(self.seq)[0])

    def text(self) -> str:
        raw = self.session.events.raw_at(self.seq)
        return f"{self.name}\n{raw.decode('utf-8', 'replace')}".lower()

    def text_bytes(self) -> bytes:
        """The wire name and payload as bytes, ASCII letters lower-cased: searched as is
        for ASCII words, with no decoding (a million events in a few seconds)."""
        found = self._bytes
        if found is None:
            raw = self.session.events.raw_at(self.seq)
            found = self._bytes = (self.name.encode() + b"\n" + raw).lower()
        return found

    _bytes: bytes | None = None

    def doc(self) -> Any:
        return self.event.data

    def state(self) -> Any:
        from lgtui.session import state_of

        if self.mode in ("values", "checkpoints") or (
            self.mode == "debug" and b'"type":"checkpoint"' in self.event.raw[:120]
        ):
            return state_of(self.event)
        return _MISSING


class CheckpointSubject(Subject):
    """A checkpoint of a thread's history, as the server's history endpoint returns it."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.item = item
        meta: dict[str, Any] = item["metadata"] if isinstance(item.get("metadata"), dict) else {}
        self.mode = str(meta.get("source") or "")
        writes: dict[str, Any] = meta["writes"] if isinstance(meta.get("writes"), dict) else {}
        nodes = list(writes)
        nodes += [str(n) for n in item.get("next") or []]
        nodes += [str(t.get("name")) for t in item.get("tasks") or [] if isinstance(t, dict)]
        self.node = " ".join(nodes)
        config: dict[str, Any] = (
            item["checkpoint"] if isinstance(item.get("checkpoint"), dict) else {}
        )
        self.ns = str(config.get("checkpoint_ns") or "") or "root"

    def text(self) -> str:
        return _as_text(self.item).lower()

    def doc(self) -> Any:
        return self.item

    def state(self) -> Any:
        values = self.item.get("values")
        return values if values is not None else _MISSING


# -- terms ---------------------------------------------------------------------------------


@dataclass
class Term:
    kind: str  # mode | node | ns | path | text
    value: str = ""
    values: tuple[str, ...] = ()
    path: list[str | int] = field(default_factory=list)
    op: str = ""  # path: "" (exists), "=", "!=", "~"
    expected: Any = None
    negated: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        self.ascii = self.value.isascii()
        self.value_bytes = self.value.encode()

    def holds(self, subject: Subject) -> bool:
        return self._test(subject) != self.negated

    def _test(self, s: Subject) -> bool:
        kind = self.kind
        if kind == "mode":
            return any(s.mode == v or s.mode.startswith(v + "/") for v in self.values)
        if kind == "node":
            return self.value in s.node.lower()
        if kind == "ns":
            return self.value in s.ns.lower()
        if kind == "text":
            if self.ascii:
                return self.value_bytes in s.text_bytes()
            return self.value in s.text()
        found = resolve(s.doc(), self.path)
        if found is _MISSING:  # then in the state the event or checkpoint carries
            state = s.state()
            if state is not _MISSING:
                inner = self.path[1:] if self.path[0] == "values" else self.path
                found = resolve(state, inner)
        if found is _MISSING:
            return self.op == "!="
        if self.op == "":
            return found is not None
        if self.op == "~":
            return self.value in _as_text(found).lower()
        equal = found == self.expected or (
            isinstance(found, str) and not isinstance(self.expected, str) and found == self.value
        )
        return equal if self.op == "=" else not equal

    def describe(self) -> str:
        neg = "not " if self.negated else ""
        if self.kind == "mode":
            return f"{neg}mode {' or '.join(self.values)}"
        if self.kind in ("node", "ns"):
            what = "namespace" if self.kind == "ns" else "node"
            return f"{neg}{what} has {self.value!r}"
        if self.kind == "text":
            return f"{neg}text {self.value!r}"
        path = self.source
        if self.op == "":
            return f"{neg}{path} is set"
        if self.op == "~":
            return f"{neg}{path} contains {self.value!r}"
        return f"{neg}{path} {'=' if self.op == '=' else '≠'} {json.dumps(self.expected)}"


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words split on spaces, quotes kept together: (token, had quotes)."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start, quoted = i, False
        while i < n and not text[i].isspace():
            if text[i] == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    raise QueryError(f"a quote opened at character {i + 1} is not closed")
                quoted, i = True, end + 1
            else:
                i += 1
        out.append((text[start:i], quoted))
    return out


def _unquote(text: str) -> str:
    return text.replace('"', "") if text.count('"') >= 2 else text


@dataclass
class Query:
    """Terms that must all hold; made by `parse`."""

    text: str
    terms: list[Term]

    def matches(self, subject: Subject) -> bool:
        return all(term.holds(subject) for term in self.terms)

    def describe(self) -> str:
        return " · ".join(t.describe() for t in self.terms) or "everything"

    @property
    def highlights(self) -> list[str]:
        """Words to highlight in a matching row."""
        return [
            t.value
            for t in self.terms
            if not t.negated
            and t.value
            and (t.kind == "text" or (t.kind == "path" and t.op == "~"))
        ]

    @property
    def empty(self) -> bool:
        return not self.terms


def parse(text: str) -> Query:
    """Read a query (see the module docstring); QueryError says what is wrong and where."""
    terms: list[Term] = []
    for token, quoted in _tokens(text):
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        field_name, colon, rest = body.partition(":")
        if colon and field_name.lower() in FIELDS and not field_name.startswith('"'):
            value = _unquote(rest).strip()
            if not value:
                raise QueryError(
                    f"{field_name}: needs a value, e.g. {field_name}:{_EXAMPLES[field_name]}"
                )
            kind = field_name.lower()
            if kind == "mode":
                values = tuple(v.strip().lower() for v in value.split(",") if v.strip())
                values = tuple("messages" if v == "messages-tuple" else v for v in values)
                terms.append(Term("mode", values=values, negated=negated, source=token))
            else:
                terms.append(Term(kind, value=value.lower(), negated=negated, source=token))
            continue
        match = None if body.startswith('"') else _PATH.match(body)
        if match and (match["op"] or "." in match["path"] or "[" in match["path"]):
            path = parse_path(match["path"].lstrip("$").lstrip("."))
            op = match["op"] or ""
            raw_value = _unquote(match["value"] or "")
            if op and not raw_value and op != "=":
                raise QueryError(f"{token}: nothing after {op}")
            expected: Any = raw_value
            if op in ("=", "!="):
                try:
                    expected = json.loads(raw_value)
                except ValueError:
                    expected = raw_value
            terms.append(
                Term(
                    "path",
                    value=raw_value.lower(),
                    path=path,
                    op=op,
                    expected=expected,
                    negated=negated,
                    source=match["path"],
                )
            )
            continue
        value = _unquote(body) if quoted else body
        if value:
            terms.append(Term("text", value=value.lower(), negated=negated, source=token))
    return Query(text, terms)


_EXAMPLES = {"mode": "updates", "node": "agent", "ns": "research"}


# -- searching a run -----------------------------------------------------------------------


class EventSearch:
    """Which events of a Session match a query, found a slice at a time.

    `advance` looks at more events within a time budget, so a search over a million
    events never blocks a key press; a live run's new events are looked at as they come.
    ``hits`` has a byte per event looked at (1: it matches); ``matched`` the matching
    sequence numbers in order."""

    def __init__(self, session: Any, query: Query) -> None:
        self.session = session
        self.query = query
        self.hits = bytearray()
        self.matched: array[int] = array("q")
        self.errors = 0  # events whose payload made a term fail (counted as no match)

    @property
    def scanned(self) -> int:
        return len(self.hits)

    @property
    def done(self) -> bool:
        return bool(self.scanned >= self.session.count)

    def advance(self, budget: float = 0.015, clock: Callable[[], float] = time.perf_counter) -> int:
        """Look at more events for up to ``budget`` seconds; returns how many matched."""
        session, query = self.session, self.query
        end = session.count
        deadline = clock() + budget
        found = 0
        seq = self.scanned
        while seq < end:
            try:
                ok = query.matches(EventSubject(session, seq))
            except Exception:  # a hostile payload: no match, never a crash
                ok = False
                self.errors += 1
            self.hits.append(1 if ok else 0)
            if ok:
                self.matched.append(seq)
                found += 1
            seq += 1
            if not seq & 15 and clock() > deadline:
                break
        return found

    def is_hit(self, seq: int) -> bool:
        return seq < len(self.hits) and self.hits[seq] == 1

    def next_after(self, seq: int) -> int | None:
        i = bisect_right(self.matched, seq)
        return self.matched[i] if i < len(self.matched) else None

    def prev_before(self, seq: int) -> int | None:
        i = bisect_left(self.matched, seq)
        return self.matched[i - 1] if i > 0 else None

    def count_upto(self, seq: int) -> int:
        return bisect_right(self.matched, seq)
