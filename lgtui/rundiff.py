"""`lgtui diff A.msgpack B.msgpack`: how two recorded runs differ.  No Textual here.

Compared, in the root graph:
  - the path: the nodes that ran in each super-step (from ``updates`` events, a step
    ending at each whole state -- a ``values`` event or a checkpoint), aligned like
    `diff` aligns lines, and the first step where the runs part;
  - the state after each step both runs took (``values``/checkpoints), with keys that
    differ in every run anyway (ids, timestamps) left out unless asked for;
  - the messages (assembled from the messages modes): role, node, text, tool calls;
  - the final status.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

from lgtui.capture import Capture
from lgtui.diff import Change, json_diff
from lgtui.preview import preview, safe_text

# keys whose values differ between any two runs: not a difference worth reporting
VOLATILE_KEYS = frozenset(
    {
        "id",
        "run_id",
        "thread_id",
        "checkpoint_id",
        "parent_checkpoint_id",
        "checkpoint_ns",
        "timestamp",
        "created_at",
        "updated_at",
        "langgraph_request_id",
    }
)
_NO_STATE = object()


@dataclass
class Step:
    index: int
    nodes: tuple[str, ...]  # sorted: parallel nodes in any order are the same step
    state: Any = _NO_STATE
    seq: int = -1  # the event that carried the state

    @property
    def label(self) -> str:
        return ", ".join(self.nodes) if self.nodes else "(input)"


@dataclass
class MessageView:
    role: str
    node: str
    text: str
    tool_calls: str
    first_seq: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.role, self.node)

    @property
    def label(self) -> str:
        return f"{self.role}{' · ' + self.node if self.node else ''}"


@dataclass
class RunView:
    """What is compared of one run."""

    path: str
    assistant: str
    status: str
    detail: str
    events: int
    duration: float
    steps: list[Step]
    messages: list[MessageView]
    has_state: bool
    has_messages: bool


def run_view(capture: Capture, name: str) -> RunView:
    from lgtui.session import Session, state_of
    from lgtui.store import NO_SPILL

    session = Session(window=NO_SPILL)
    for event in capture.events:
        session.append(event)
    end = capture.end or {}
    session.finish(end.get("status") if isinstance(end.get("status"), str) else None)
    steps: list[Step] = []
    pending: list[str] = []
    has_state = False
    # without updates (a thread-centric run streams none by default), a step is each new
    # whole state: which nodes ran is not known
    blind = not any(e.mode == "updates" and not e.ns for e in capture.events)
    for event in capture.events:
        if event.ns:
            continue
        mode = event.mode
        if mode == "updates":
            if event.protocol == 2:  # the node's own values, the node beside
                node = getattr(event, "node", "")
                if node and not node.startswith("__"):
                    pending.append(node)
                continue
            data = event.data
            if isinstance(data, dict):
                pending += [str(k) for k in data if not str(k).startswith("__")]
            continue
        whole = (
            mode == "values"
            or (mode == "checkpoints" and event.protocol == 1)
            or (mode == "debug" and b'"type":"checkpoint"' in event.raw[:120])
        )
        if not whole:
            continue
        state = state_of(event)
        has_state = True
        if blind and steps:
            pending = ["?"]
        if not pending and steps:
            steps[-1].state, steps[-1].seq = state, event.seq  # the same step, seen again
            continue
        steps.append(Step(len(steps), tuple(sorted(pending)), state, event.seq))
        pending = []
    if pending:  # nodes after the last whole state (updates only, or the run stopped)
        steps.append(Step(len(steps), tuple(sorted(pending))))
    messages = [
        MessageView(
            m.role,
            m.node,
            m.text,
            "; ".join(f"{c.name}({_args(c.args)})" for c in m.tool_calls),
            m.first_seq,
        )
        for m in sorted(session.snapshot_messages(), key=lambda m: m.first_seq)
    ]
    error = session.last_error()
    return RunView(
        path=name,
        assistant=str(capture.header.get("assistant") or ""),
        status=session.status,
        detail=f"{error.type}: {error.message}" if error else "",
        events=len(capture.events),
        duration=capture.events[-1].t if capture.events else 0.0,
        steps=steps,
        messages=messages,
        has_state=has_state,
        has_messages=bool(session.mode_counts.get("messages"))
        or any(m.startswith("messages/") for m in session.mode_counts),
    )


def _args(text: str) -> str:
    """A tool call's arguments, spaced one way (streamed chunks and whole messages differ)."""
    try:
        return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text


def _strip(value: Any, ignore: frozenset[str], depth: int = 0) -> Any:
    if depth >= 50:  # as deep as json_diff looks; below that, values compare whole
        return value
    if isinstance(value, dict):
        return {k: _strip(v, ignore, depth + 1) for k, v in value.items() if k not in ignore}
    if isinstance(value, list):
        return [_strip(v, ignore, depth + 1) for v in value]
    return value


@dataclass
class StepDiff:
    a: Step
    b: Step
    changes: list[Change]


@dataclass
class MessageDiff:
    kind: str  # "changed", "only A", "only B"
    a: MessageView | None
    b: MessageView | None
    lines: list[str] = field(default_factory=list)  # "- ..." / "+ ..."


@dataclass
class RunDiff:
    a: RunView
    b: RunView
    rows: list[tuple[str, Step | None, Step | None]]  # (" " same, "!" differs, "-"/"+" one side)
    diverged: tuple[int, int] | None  # (step in A, step in B) where the paths part
    states: list[StepDiff]  # matched steps whose states differ
    same_states: int  # matched steps whose states are the same
    messages: list[MessageDiff]
    ignored: frozenset[str]

    @property
    def path_differs(self) -> bool:
        return self.diverged is not None

    @property
    def status_differs(self) -> bool:
        return self.a.status != self.b.status

    @property
    def differ(self) -> bool:
        return bool(self.path_differs or self.states or self.messages or self.status_differs)

    def verdict(self) -> str:
        if not self.differ:
            return "the runs are the same"
        parts = []
        if self.diverged is not None:
            parts.append(f"path from step {self.diverged[0]}")
        if self.states:
            parts.append(f"state at {len(self.states)} step{'s' if len(self.states) != 1 else ''}")
        if self.messages:
            n = len(self.messages)
            parts.append(f"{n} message{'s' if n != 1 else ''}")
        if self.status_differs:
            parts.append("status")
        return "the runs differ: " + ", ".join(parts)


def compare(a: RunView, b: RunView, ignore: frozenset[str] = VOLATILE_KEYS) -> RunDiff:
    rows: list[tuple[str, Step | None, Step | None]] = []
    diverged: tuple[int, int] | None = None
    pairs: list[tuple[Step, Step]] = []
    matcher = difflib.SequenceMatcher(
        None, [s.nodes for s in a.steps], [s.nodes for s in b.steps], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                rows.append((" ", a.steps[i], b.steps[j]))
                pairs.append((a.steps[i], b.steps[j]))
            continue
        if diverged is None:
            diverged = (i1, j1)
        for k in range(max(i2 - i1, j2 - j1)):
            sa = a.steps[i1 + k] if i1 + k < i2 else None
            sb = b.steps[j1 + k] if j1 + k < j2 else None
            rows.append(("!" if sa and sb else "-" if sa else "+", sa, sb))
    states: list[StepDiff] = []
    same = 0
    for sa, sb in pairs:
        if sa.state is _NO_STATE or sb.state is _NO_STATE:
            continue
        changes = json_diff(_strip(sa.state, ignore), _strip(sb.state, ignore))
        if changes:
            states.append(StepDiff(sa, sb, changes))
        else:
            same += 1
    return RunDiff(
        a, b, rows, diverged, states, same, _message_diffs(a.messages, b.messages), ignore
    )


def _message_diffs(a: list[MessageView], b: list[MessageView]) -> list[MessageDiff]:
    out: list[MessageDiff] = []
    matcher = difflib.SequenceMatcher(None, [m.key for m in a], [m.key for m in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "replace"):
            for k in range(min(i2 - i1, j2 - j1)):
                ma, mb = a[i1 + k], b[j1 + k]
                lines = _text_lines(ma, mb)
                if lines:
                    out.append(MessageDiff("changed", ma, mb, lines))
            extra_a = a[i1 + (j2 - j1) : i2] if i2 - i1 > j2 - j1 else []
            extra_b = b[j1 + (i2 - i1) : j2] if j2 - j1 > i2 - i1 else []
        else:
            extra_a, extra_b = a[i1:i2], b[j1:j2]
        out += [MessageDiff("only A", m, None) for m in extra_a]
        out += [MessageDiff("only B", None, m) for m in extra_b]
    return out


def _text_lines(a: MessageView, b: MessageView) -> list[str]:
    lines: list[str] = []
    if a.text != b.text:
        old, new = a.text.splitlines() or [""], b.text.splitlines() or [""]
        if len(old) == 1 and len(new) == 1:
            lines += [f"- {old[0]}", f"+ {new[0]}"]
        else:
            for line in difflib.unified_diff(old, new, lineterm="", n=1):
                if not line.startswith(("---", "+++")):
                    lines.append(line if line.startswith("@@") else f"{line[0]} {line[1:]}")
    if a.tool_calls != b.tool_calls:
        lines += [
            f"- tool calls: {a.tool_calls or '(none)'}",
            f"+ tool calls: {b.tool_calls or '(none)'}",
        ]
    return lines


# -- text output (`lgtui diff --text`) ----------------------------------------------------


def render_text(diff: RunDiff, width: int = 100) -> str:
    a, b = diff.a, diff.b
    out: list[str] = []
    col = max(20, (width - 12) // 2)

    def run_line(tag: str, run: RunView) -> str:
        status = run.status + (f" ({run.detail})" if run.detail else "")
        return (
            f"{tag}  {safe_text(run.path, 60)}  {safe_text(run.assistant, 30)}  "
            f"{run.events:,} events  {run.duration:.3f} s  {safe_text(status, 120)}"
        )

    out += [run_line("A", a), run_line("B", b), ""]
    out.append("Path (the nodes of each super-step, root graph)")
    if any("?" in st.nodes for st in (*a.steps, *b.steps)):
        out.append("  (? a step whose nodes are not known: the run streamed no updates)")
    out.append(f"  {'':1} {'step':>4}  {'A':<{col}} {'step':>4}  B")
    for mark, sa, sb in diff.rows:
        left = (
            f"{sa.index:>4}  {safe_text(sa.label, col - 1):<{col}}"
            if sa
            else f"{'':>4}  {'—':<{col}}"
        )
        right = f"{sb.index:>4}  {safe_text(sb.label, col - 1)}" if sb else f"{'':>4}  —"
        out.append(f"  {mark} {left} {right}")
    if diff.diverged is None:
        out.append(f"  same path: {len(a.steps)} step{'s' if len(a.steps) != 1 else ''}")
    else:
        out.append(f"  the paths part at step {diff.diverged[0]} of A, {diff.diverged[1]} of B")
    out.append("")
    out.append("State after the steps both runs took" + _ignored(diff))
    if not (a.has_state and b.has_state):
        missing = " and ".join(r.path for r in (a, b) if not r.has_state)
        out.append(
            f"  not compared: {missing} has no values or checkpoint events "
            "(record with the values, debug or checkpoints mode)"
        )
    else:
        for sd in diff.states:
            n = len(sd.changes)
            out.append(
                f"  step {sd.a.index} (after {safe_text(sd.a.label, 60)}): "
                f"{n} difference{'s' if n != 1 else ''}"
            )
            for change in sd.changes[:20]:
                out.append("    " + _change_line(change))
            if n > 20:
                out.append(f"    … {n - 20} more")
        out.append(
            f"  {diff.same_states} step{'s' if diff.same_states != 1 else ''} with the same state"
        )
    out.append("")
    out.append("Messages")
    if not (a.has_messages or b.has_messages):
        out.append("  none streamed (record with the messages-tuple or messages mode)")
    elif not diff.messages:
        out.append(f"  the same: {len(a.messages)} message{'s' if len(a.messages) != 1 else ''}")
    for md in diff.messages:
        if md.kind == "changed":
            assert md.a is not None
            out.append(f"  {safe_text(md.a.label, 60)}: differs")
            out += ["    " + safe_text(line, width - 4) for line in md.lines[:40]]
        else:
            m = md.a or md.b
            assert m is not None
            body = m.text or m.tool_calls
            out.append(
                f"  only in {md.kind[-1]}: {safe_text(m.label, 40)}  {safe_text(body, width - 40)}"
            )
    out.append("")
    if diff.status_differs:
        out.append(f"Status: A {a.status}, B {b.status}")
    else:
        out.append(f"Status: both {a.status}")
    out.append(diff.verdict().capitalize())
    return "\n".join(out) + "\n"


def _ignored(diff: RunDiff) -> str:
    if not diff.ignored:
        return ""
    if diff.ignored == VOLATILE_KEYS:
        return " (ids and timestamps left out; --strict compares them)"
    return " (leaving out the keys " + ", ".join(sorted(diff.ignored)) + ")"


def _change_line(change: Change) -> str:
    if change.op == "~":
        return f"~ {change.path}: {preview(change.old, 120)} → {preview(change.new, 120)}"
    value = change.new if change.op == "+" else change.old
    return f"{'+' if change.op == '+' else '-'} {change.path}: {preview(value, 200)}"
