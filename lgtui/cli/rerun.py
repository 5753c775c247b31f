"""`lgtui rerun` and `lgtui check`: a recorded run, run again on the graph's current code
with its model and tool calls answered from the recording (lgtui/host/calls.py)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lgtui.cli.common import (
    EXIT_OK,
    EXIT_RUN_ERROR,
    CLIError,
    add_embedded_options,
    add_force,
    check_capture_target,
    make_source,
)
from lgtui.terminal import err, out

if TYPE_CHECKING:
    from lgtui.capture import Capture
    from lgtui.events import StreamEvent
    from lgtui.rundiff import RunDiff
    from lgtui.sources.base import RunHandle, RunRequest

EXIT_TROUBLE = 2
# Not compared after a re-run: token counts and cost (a recorded answer costs nothing,
# and langchain says so in the answer's usage_metadata); the ids tool calls are matched
# by (graphs make random ones, as langgraph-supervisor's handoffs back do).
RERUN_KEYS = frozenset({"usage_metadata", "tool_call_id"})


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "rerun",
        help="run a recorded run again on the graph's current code, its model and tool "
        "calls answered from the recording, and compare",
        description=(
            "Run the graph of a capture (recorded by `lgtui open`) again, in-process, with "
            "the capture's input: every chat model call and tool call whose input matches a "
            "recorded one gets the recorded answer (no API cost, the same every time); the "
            "others go live, or with --offline stop the run naming the first. The new run is "
            "recorded, then opened beside the original as a run diff (--text prints the "
            "report). Exit status, like diff: 0 the runs are the same, 1 they differ, 2 "
            "trouble."
        ),
    )
    p.add_argument("capture", help="a .msgpack capture of an in-process run")
    _common(p)
    p.add_argument(
        "--offline",
        action="store_true",
        help="no call goes live: a call without a recorded answer stops the run",
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE.msgpack",
        help="record the new run here (default: the captures folder)",
    )
    add_force(p)
    p.add_argument("--text", action="store_true", help="print the diff report instead")
    p.set_defaults(func=cmd_rerun)

    p = sub.add_parser(
        "check",
        help="recorded runs as regression tests: re-run each offline and compare",
        description=(
            "Re-run each capture offline on the graph's current code (as `lgtui rerun "
            "--offline`) and compare it with the recording: the path, the final state, the "
            "interrupts and the status. Exit status: 0 every run matched, 1 one differed "
            "(with a `diff --text` report), 2 trouble (a file that is not a capture, a "
            "graph that does not load)."
        ),
    )
    p.add_argument("captures", nargs="+", metavar="CAPTURE", help=".msgpack captures")
    _common(p)
    p.set_defaults(func=cmd_check)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--graph",
        metavar="PATH",
        help="the graph to run (graph.py, graph.py:name, langgraph.json, a folder); default: "
        "the one the capture was recorded from",
    )
    p.add_argument(
        "--ignore",
        action="append",
        metavar="KEY",
        help="a state key not to compare (repeatable), as for diff",
    )
    add_embedded_options(p)


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


def read_original(path: str) -> Capture:
    from lgtui.capture import read_capture

    capture = read_capture(path)
    if capture.truncated_at is not None:
        err(f"warning: {path}: {capture.damage}")
    return capture


def graph_of(capture: Capture, given: str | None) -> str:
    """The graph to run: --graph, else the path the capture was recorded from."""
    if given:
        return given
    header = capture.header
    target = str(header.get("target") or "")
    if header.get("source") != "embedded" or not target:
        raise CLIError(
            f"{capture.path}: recorded from a server ({target or 'unknown'}): "
            "give the graph's path with --graph"
        )
    path = target.rsplit(":", 1)[0] if not Path(target).exists() else target
    if not Path(path).exists():
        raise CLIError(f"{capture.path}: its graph {target} is not here: give it with --graph PATH")
    return target


def request_of(capture: Capture, offline: bool) -> RunRequest:
    """The recorded run's request, for a fresh thread (a capture does not hold the thread)."""
    from lgtui.sources.base import NEW_THREAD, RunRequest

    asked = capture.header.get("request")
    if not isinstance(asked, dict):
        raise CLIError(f"{capture.path}: the capture does not say what run it recorded")
    if asked.get("command"):
        raise CLIError(
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
    for event in capture.events[:2000]:
        data = event.data if event.mode in ("values", "debug", "checkpoints") else None
        if event.mode == "debug" and isinstance(data, dict):
            data = (
                (data.get("payload") or {}).get("values")
                if data.get("type") == "checkpoint"
                else None
            )
        elif event.mode == "checkpoints" and isinstance(data, dict):
            data = data.get("values")
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            return list(data["messages"])
    return []


async def rerun(
    original: Capture,
    graph: str,
    record_to: str | bool,
    args: argparse.Namespace,
    *,
    offline: bool,
    force: bool = False,
) -> Rerun:
    """Run ``original`` again on ``graph``, recorded to ``record_to`` (True: the captures
    folder)."""
    from lgtui.capture import read_capture
    from lgtui.runs import RunController

    request = request_of(original, offline)
    from lgtui.cli.stream import _print_log

    source = make_source(graph, None, None, args, on_log=_print_log)
    runs = RunController(source, record=record_to, force=force)
    try:
        assistants = await runs.list_assistants()
        graphs = {str(a.get("graph_id")) for a in assistants}
        if request.assistant not in graphs | {str(a.get("assistant_id")) for a in assistants}:
            raise CLIError(
                f"{graph}: has no graph {request.assistant!r} (the capture's); "
                f"it has: {', '.join(sorted(graphs)) or 'none'}"
            )
        sink = _QuietSink()
        end = await runs.run(request, sink)
        handle = runs.handle
        assert handle is not None
        if runs.recording_error:
            raise CLIError(runs.recording_error)
        error = end.detail or ""
        if sink.outcome.errors:
            from lgtui.cli.stream import run_failure

            error = run_failure(sink.outcome.errors[-1], handle)
        path = runs.recorded_path
        recorded = read_capture(path) if path is not None and path.is_file() else None
        return Rerun(original, recorded, end.status, error, handle.calls or {})
    finally:
        await source.aclose()


def _diff(rerun_: Rerun, ignore: list[str] | None) -> RunDiff | None:
    from lgtui.rundiff import VOLATILE_KEYS, compare, run_view

    if rerun_.capture is None:
        return None
    a = run_view(rerun_.original, str(rerun_.original.path))
    b = run_view(rerun_.capture, str(rerun_.capture.path))
    return compare(a, b, VOLATILE_KEYS | RERUN_KEYS | frozenset(ignore or ()))


def _calls_line(calls: dict[str, Any]) -> str:
    answered, live = calls.get("answered", 0), calls.get("live", 0)
    return f"{answered} call{'s' if answered != 1 else ''} answered from the recording, {live} live"


def cmd_rerun(args: argparse.Namespace) -> int:
    import asyncio
    import shutil

    original = read_original(args.capture)
    graph = graph_of(original, args.graph)
    check_capture_target(args.output, args.force)
    if not original.calls:
        err(
            f"warning: {args.capture} holds no model or tool calls (recorded from a server "
            "or before lgtui recorded them): every call goes live"
        )
    record_to: str | bool = args.output or True
    result = asyncio.run(
        rerun(original, graph, record_to, args, offline=args.offline, force=args.force)
    )
    err(f"re-ran {args.capture} on {graph}: {result.status}; {_calls_line(result.calls)}")
    if result.calls.get("first_live"):
        err(f"the first call made live: {result.calls['first_live']}")
    if result.error:
        err(result.error)
    if result.capture is not None:
        err(f"recorded to {result.capture.path}")
    diff = _diff(result, args.ignore)
    if diff is None:
        return EXIT_TROUBLE
    code = EXIT_RUN_ERROR if diff.differ else EXIT_OK
    if args.text or not sys.stdout.isatty():
        from lgtui.rundiff import render_text

        width = shutil.get_terminal_size((100, 24)).columns
        out(render_text(diff, width=width).rstrip("\n"))
        return code
    from lgtui.cli.tui import tui_exit
    from lgtui.ui.rundiff_app import RunDiffApp

    app = RunDiffApp(diff)
    app.run()
    return tui_exit(app) or code


def cmd_check(args: argparse.Namespace) -> int:
    import asyncio

    from lgtui.rundiff import render_text

    worst = EXIT_OK
    with tempfile.TemporaryDirectory(prefix="lgtui-check-") as folder:
        os.chmod(folder, 0o700)
        for n, name in enumerate(args.captures):
            original = read_original(name)
            graph = graph_of(original, args.graph)
            record_to = os.path.join(folder, f"{n}.msgpack")
            result = asyncio.run(rerun(original, graph, record_to, args, offline=True))
            diff = _diff(result, args.ignore)
            if diff is not None and not diff.differ and not result.error:
                out(f"ok    {name}  ({_calls_line(result.calls)})")
                continue
            worst = max(worst, EXIT_RUN_ERROR)
            out(f"FAIL  {name}: {result.error or (diff.verdict() if diff else result.status)}")
            if diff is not None and diff.differ:
                out(render_text(diff, width=100).rstrip("\n"))
    return worst
