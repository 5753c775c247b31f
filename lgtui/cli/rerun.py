"""`lgtui rerun` and `lgtui check`: a recorded run, run again on the graph's current code
with its model and tool calls answered from the recording (lgtui/host/calls.py)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import TYPE_CHECKING, Any

from lgtui.cli.common import (
    EXIT_OK,
    EXIT_RUN_ERROR,
    add_force,
    add_ignore,
    check_capture_target,
)
from lgtui.rerun import calls_line, diff_of, graph_of, rerun
from lgtui.terminal import err, out

if TYPE_CHECKING:
    from lgtui.capture import Capture

EXIT_TROUBLE = 2


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
    add_ignore(p)
    p.add_argument(
        "--python",
        metavar="PATH",
        help="the Python that runs the graph (default: this one); it needs langgraph",
    )


def _print_log(line: str) -> None:
    from lgtui.cli.stream import _print_log as relay

    relay(line)


def read_original(path: str) -> Capture:
    from lgtui.capture import read_capture

    capture = read_capture(path)
    if capture.truncated_at is not None:
        err(f"warning: {path}: {capture.damage}")
    return capture


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
        rerun(
            original,
            graph,
            record_to,
            offline=args.offline,
            force=args.force,
            python=args.python,
            on_log=_print_log,
        )
    )
    err(f"re-ran {args.capture} on {graph}: {result.status}; {calls_line(result.calls)}")
    if result.calls.get("first_live"):
        err(f"the first call made live: {result.calls['first_live']}")
    if result.error:
        err(result.error)
    if result.capture is not None:
        err(f"recorded to {result.capture.path}")
    diff = diff_of(result, args.ignore)
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
            result = asyncio.run(
                rerun(original, graph, record_to, offline=True, python=args.python,
                      on_log=_print_log)
            )  # fmt: skip
            diff = diff_of(result, args.ignore)
            if diff is not None and not diff.differ and not result.error:
                out(f"ok    {name}  ({calls_line(result.calls)})")
                continue
            worst = max(worst, EXIT_RUN_ERROR)
            out(f"FAIL  {name}: {result.error or (diff.verdict() if diff else result.status)}")
            if diff is not None and diff.differ:
                out(render_text(diff, width=100).rstrip("\n"))
    return worst
