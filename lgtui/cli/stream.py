"""`lgtui stream`: a run without the UI, one JSON object per event on stdout."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, BinaryIO

from lgtui.cli.common import (
    EXIT_OK,
    EXIT_RUN_ERROR,
    add_embedded_options,
    add_force,
    add_key_options,
    add_network_options,
    add_run_options,
    api_key_from,
    build_request,
    check_capture_target,
    check_checkpoint,
    is_url,
    json_object,
    make_source,
    parse_channels,
    parse_json_arg,
    parse_modes,
    pick_assistant,
)
from lgtui.terminal import err

if TYPE_CHECKING:
    from lgtui.events import StreamEvent
    from lgtui.runs import RunController
    from lgtui.sources.base import RunHandle


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "stream",
        help="run headless and print one JSON object per event",
        description=(
            "Stream a run without the UI, printing one JSON object per line: "
            '{"seq", "t", "event", "mode", "ns", "id", "data"} (with --protocol v2, the '
            "thread-centric stream's envelopes as the server sends them). Exit status: 0 when "
            "the run "
            "ends (interrupted included), 1 when it ended with an error event, 2 for bad "
            "usage or input, 3 when the server can't be reached or answers an HTTP error."
        ),
    )
    p.add_argument("target", help="a server URL, or a graph path as for `open`")
    add_key_options(p)
    add_embedded_options(p)
    p.add_argument(
        "--output", "-o", metavar="FILE.msgpack", help="also record the run to this capture file"
    )
    add_force(p)
    add_run_options(p, for_stream=True)
    add_network_options(p)
    p.set_defaults(func=cmd_stream)


class _LinkReporter:
    """Says on stderr when the stream stalls or the connection is being rebuilt, and when
    it is back: a headless user would otherwise see nothing but silence."""

    def __init__(self, runs: RunController) -> None:
        self.runs = runs
        self.shown = ""
        self.cut = 0

    def check(self) -> None:
        handle = self.runs.handle
        if handle is None:
            return
        if handle.cut_events != self.cut:
            self.cut = handle.cut_events
            from lgtui.sources.sse import MAX_EVENT_BYTES

            err(
                f"{self.cut} event{'s' if self.cut != 1 else ''} over "
                f"{MAX_EVENT_BYTES // 2**20} MiB dropped as they arrived (the stream goes on)"
            )
        if handle.link == "reconnecting":
            state, line = "reconnecting", f"reconnecting: {handle.link_detail}"
        elif stalled := handle.stalled_for():
            state, line = "stalled", f"stalled: no data from the server for {stalled:.0f}s"
        else:
            state, line = "", "connected again"
        if state != self.shown:
            err(line)
            self.shown = state

    async def run(self) -> None:
        import asyncio

        while True:
            await asyncio.sleep(0.5)
            self.check()


class _StdoutSink:
    """A headless run's events as JSON lines (flushed every 50 ms), keeping none: how it
    ended is all that is remembered (an endless run costs nothing but the line written)."""

    def __init__(self, out: BinaryIO) -> None:
        import time

        from lgtui.outcome import Outcome

        self.out = out
        self.outcome = Outcome()
        self._clock = time.monotonic
        self._flushed = self._clock()

    def take(self, event: StreamEvent, handle: RunHandle) -> None:
        self.out.write(event.to_json_line() + b"\n")
        self.outcome.take(event)
        now = self._clock()
        if now - self._flushed > 0.05:
            self.out.flush()
            self._flushed = now

    def finish(
        self, status: str | None, detail: str, handle: RunHandle, *, whole: bool = False
    ) -> str:
        self.out.flush()
        return self.outcome.status(status)


async def _stream(args: argparse.Namespace, out: BinaryIO) -> int:
    import asyncio

    from lgtui.runs import RunController

    # Parse everything the user typed before touching the network or importing a graph.
    parse_modes(args.mode)
    parse_channels(args.channel)
    if args.input is not None:
        parse_json_arg(args.input, "--input")
    json_object(args, "config")
    json_object(args, "context")
    check_capture_target(args.output, args.force)
    source = make_source(
        args.target,
        api_key_from(args) if is_url(args.target) else None,
        getattr(args, "checkpointer", None),
        args,
        on_log=_print_log,
    )
    # the same run lifecycle as the TUI's, on this loop; a failure is an LgtuiError
    runs = RunController(source, record=args.output or False, force=args.force)
    try:
        assistant = await pick_assistant(runs, args.assistant)
        for warning in source.warnings:
            err(f"warning: {warning}")
        # from a checkpoint, no input means "continue from it" (input: null)
        request = build_request(args, assistant, default_input=None if args.checkpoint else {})
        await check_checkpoint(source, request.thread_id, request.checkpoint_id)
        sink = _StdoutSink(out)
        reporter = _LinkReporter(runs)
        watchdog = asyncio.ensure_future(reporter.run())
        try:
            end = await runs.run(request, sink)
            reporter.check()
        finally:
            watchdog.cancel()
            if runs.recording_error:
                err(runs.recording_error)
        if end.error is not None:
            raise end.error  # said by main() in one line, with its exit code
        if sink.outcome.errors:
            assert runs.handle is not None
            from lgtui.outcome import run_failure

            err(run_failure(sink.outcome.errors[-1], runs.handle))
            return EXIT_RUN_ERROR
        return EXIT_OK
    finally:
        await source.aclose()


def _print_log(line: str) -> None:
    """A line the graph's process printed: on stderr, as `langgraph dev` shows it on its
    console (stdout is for events), never as raw terminal bytes."""
    from lgtui.terminal import relay

    relay(line)


def cmd_stream(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_stream(args, sys.stdout.buffer))
