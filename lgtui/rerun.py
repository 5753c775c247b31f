"""Re-running a recorded run on the graph's current code, its model and tool calls
answered from the recording (lgtui/host/calls.py); what `lgtui rerun`, `lgtui check` and
the replay's re-run key share.  No Textual."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lgtui.errors import LgtuiError

if TYPE_CHECKING:
    from lgtui.capture import Capture
    from lgtui.events import StreamEvent
    from lgtui.rundiff import RunDiff
    from lgtui.sources.base import RunHandle, RunRequest

# Not compared after a re-run: token counts and cost (a recorded answer costs nothing,
# and langchain says so in the answer's usage_metadata); the ids tool calls are matched
# by (graphs make random ones, as langgraph-supervisor's handoffs back do).
RERUN_KEYS = frozenset({"usage_metadata", "tool_call_id"})


@dataclass
class Rerun:
    original: Capture
    capture: Capture | None  # the new run, as recorded
    status: str
    error: str  # the new run's error, in one line ("" when it ended well)
    calls: dict[str, Any]


class _QuietSink:
    """A re-run's events go to its recording only; this remembers how it ended."""

    def __init__(self) -> None:
        from lgtui.outcome import Outcome

        self.outcome = Outcome()

    def take(self, event: StreamEvent, handle: RunHandle) -> None:
        self.outcome.take(event)

    def finish(
        self, status: str | None, detail: str, handle: RunHandle, *, whole: bool = False
    ) -> str:
        return self.outcome.status(status)


def graph_of(capture: Capture, given: str | None) -> str:
    """The graph to run: --graph, else the path the capture was recorded from."""
    if given:
        return given
    header = capture.header
    target = str(header.get("target") or "")
    if header.get("source") != "embedded" or not target:
        raise LgtuiError(
            f"{capture.path}: recorded from a server ({target or 'unknown'}): "
            "give the graph's path with --graph"
        )
    path = target.rsplit(":", 1)[0] if not Path(target).exists() else target
    if not Path(path).exists():
        raise LgtuiError(
            f"{capture.path}: its graph {target} is not here: give it with --graph PATH"
        )
    return target


def request_of(capture: Capture, offline: bool) -> RunRequest:
    """The recorded run's request, for a fresh thread (a capture does not hold the thread)."""
    from lgtui.sources.base import NEW_THREAD, RunRequest

    asked = capture.header.get("request")
    if not isinstance(asked, dict):
        raise LgtuiError(f"{capture.path}: the capture does not say what run it recorded")
    if asked.get("command"):
        raise LgtuiError(
            f"{capture.path}: this run resumed a thread (a command): re-running it needs the "
            "thread's state, which a capture does not hold"
        )
    protocol = asked.get("protocol") or ("v2" if capture.header.get("protocol") == 2 else "v1")
    return RunRequest(
        str(asked.get("assistant") or capture.header.get("assistant") or ""),
        with_recorded_ids(asked.get("input"), capture),
        stream_mode=[str(m) for m in asked.get("stream_mode") or []] or ["values", "updates"],
        subgraphs=bool(asked.get("subgraphs")),
        thread_id=NEW_THREAD if asked.get("thread_id") is not None else None,
        config=asked.get("config") if isinstance(asked.get("config"), dict) else None,
        context=asked.get("context") if isinstance(asked.get("context"), dict) else None,
        protocol=str(protocol),
        answers=capture.calls,
        offline=offline,
    )


def with_recorded_ids(given: Any, capture: Capture) -> Any:
    """The input, its messages given the ids the recorded run gave them (else each run
    makes new random ones, and what the graph hands on by id would not match)."""
    if not isinstance(given, dict) or not isinstance(given.get("messages"), list):
        return given
    recorded = _first_messages(capture)
    messages = []
    for i, message in enumerate(given["messages"]):
        if isinstance(message, dict) and "id" not in message and i < len(recorded):
            old = recorded[i]
            if isinstance(old, dict) and isinstance(old.get("id"), str):
                message = {**message, "id": old["id"]}
        messages.append(message)
    return {**given, "messages": messages}


def _first_messages(capture: Capture) -> list[Any]:
    """The messages of the first state the capture holds (the run's input, as the graph
    took it)."""
    from lgtui.session import state_of

    for event in capture.events[:2000]:
        if event.mode in ("values", "debug", "checkpoints"):
            state = state_of(event)
            if isinstance(state, dict) and isinstance(state.get("messages"), list):
                return list(state["messages"])
    return []


async def rerun(
    original: Capture,
    graph: str,
    record_to: str | bool,
    *,
    offline: bool,
    force: bool = False,
    python: str | None = None,
    on_log: Callable[[str], None] | None = None,
) -> Rerun:
    """Run ``original`` again on ``graph``, recorded to ``record_to`` (True: the captures
    folder)."""
    from lgtui.capture import read_capture
    from lgtui.runs import RunController
    from lgtui.sources.embedded import EmbeddedSource

    request = request_of(original, offline)
    source = EmbeddedSource(graph, python=python, on_log=on_log)
    runs = RunController(source, record=record_to, force=force)
    try:
        assistants = await runs.list_assistants()
        graphs = {str(a.get("graph_id")) for a in assistants}
        if request.assistant not in graphs | {str(a.get("assistant_id")) for a in assistants}:
            raise LgtuiError(
                f"{graph}: has no graph {request.assistant!r} (the capture's); "
                f"it has: {', '.join(sorted(graphs)) or 'none'}"
            )
        sink = _QuietSink()
        end = await runs.run(request, sink)
        handle = runs.handle
        assert handle is not None
        if runs.recording_error:
            raise LgtuiError(runs.recording_error)
        error = end.detail or ""
        if sink.outcome.errors:
            from lgtui.outcome import run_failure

            error = run_failure(sink.outcome.errors[-1], handle)
        path = runs.recorded_path
        recorded = read_capture(path) if path is not None and path.is_file() else None
        return Rerun(original, recorded, end.status, error, handle.calls or {})
    finally:
        await source.aclose()


def diff_of(rerun_: Rerun, ignore: list[str] | None) -> RunDiff | None:
    from lgtui.rundiff import VOLATILE_KEYS, compare, run_view

    if rerun_.capture is None:
        return None
    a = run_view(rerun_.original, str(rerun_.original.path))
    b = run_view(rerun_.capture, str(rerun_.capture.path))
    return compare(a, b, VOLATILE_KEYS | RERUN_KEYS | frozenset(ignore or ()))


def calls_line(calls: dict[str, Any]) -> str:
    answered, live = calls.get("answered", 0), calls.get("live", 0)
    return f"{answered} call{'s' if answered != 1 else ''} answered from the recording, {live} live"
