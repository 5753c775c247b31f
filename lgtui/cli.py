"""The `lgtui` command line.

Only the standard library is imported at module level, so `lgtui --help` answers at
once; sources, langgraph and Textual load when a command needs them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from lgtui.terminal import err, out

EXIT_OK, EXIT_RUN_ERROR, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3

MODES_HELP = (
    "values, updates, debug, messages-tuple, messages, events, custom, tasks, checkpoints "
    "(repeat the flag or separate with commas; default: updates,values,debug,messages-tuple,custom)"
)


class CLIError(Exception):
    """A user mistake: print one line, exit with ``code``."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def parse_json_arg(text: str, what: str) -> Any:
    """``--input`` / ``--command``: JSON text, or ``@file.json``; errors say where it breaks."""
    source = what
    if text.startswith("@"):
        path = Path(text[1:]).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CLIError(f"{what}: cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CLIError(f"{what}: {path} is not UTF-8 text") from None
        source = str(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"{source}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def parse_modes(values: list[str] | None) -> list[str]:
    from lgtui.events import DEFAULT_STREAM_MODES, STREAM_MODES

    if not values:
        return list(DEFAULT_STREAM_MODES)
    modes: list[str] = []
    for value in values:
        for mode in filter(None, (m.strip() for m in value.split(","))):
            if mode not in STREAM_MODES:
                raise CLIError(
                    f"unknown stream mode {mode!r}; choose from {', '.join(STREAM_MODES)}"
                )
            if mode not in modes:
                modes.append(mode)
    return modes


API_KEY_VARIABLES = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")


def api_key_from(args: argparse.Namespace) -> str | None:
    """The key to send as ``x-api-key``, as langgraph-sdk finds it: ``--api-key KEY``
    (``-`` reads it from the terminal without echo, or a line of stdin),
    ``--api-key-file PATH``, else $LANGGRAPH_API_KEY, $LANGSMITH_API_KEY,
    $LANGCHAIN_API_KEY (the first set; quotes and spaces stripped)."""
    given = getattr(args, "api_key", None)
    if given == "-":
        return _read_key_from_stdin()
    if given:
        return given
    path = getattr(args, "api_key_file", None)
    if path:
        try:
            key = Path(path).expanduser().read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise CLIError(
                f"--api-key-file {path}: cannot read it: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        if not key:
            raise CLIError(f"--api-key-file {path}: the file is empty")
        return key
    for name in API_KEY_VARIABLES:
        if value := os.environ.get(name):
            return value.strip().strip('"').strip("'") or None
    return None


def _read_key_from_stdin() -> str:
    if sys.stdin.isatty():
        import getpass

        try:
            key = getpass.getpass("API key (not shown): ")
        except (EOFError, KeyboardInterrupt):
            key = ""
    else:
        key = sys.stdin.readline()
    key = key.strip()
    if not key:
        raise CLIError("--api-key -: no key given")
    return key


_warned_hosts: set[str] = set()


def warn_plain_http(url: str, api_key: str | None) -> None:
    """Say once that a key would travel unencrypted to another machine."""
    from urllib.parse import urlsplit

    if not api_key or not url.startswith("http://"):
        return
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".localhost"):
        return
    if host in _warned_hosts:
        return
    _warned_hosts.add(host)
    err(
        f"warning: the API key goes to {host} over plain http:// (unencrypted): "
        "use https:// unless the network is yours"
    )


def make_source(
    target: str,
    api_key: str | None = None,
    checkpointer: str | None = None,
    args: argparse.Namespace | None = None,
    *,
    on_log: Any = None,
):
    """A remote source for a URL, an embedded one for a path."""
    store = getattr(args, "store", None)
    if is_url(target):
        for flag, value in (("--checkpointer", checkpointer), ("--store", store)):
            if value:
                raise CLIError(f"{flag} is for graphs run in-process (a path), not a server")
        from lgtui.sources.remote import RemoteSource

        warn_plain_http(target if "://" in target else "http://" + target, api_key)
        return RemoteSource(
            target,
            api_key=api_key,
            stall_after=getattr(args, "stall_after", None) or 20.0,
            reconnect_for=getattr(args, "reconnect_for", None) or 60.0,
        )
    from lgtui.sources.embedded import EmbeddedSource

    return EmbeddedSource(
        target,
        checkpointer=checkpointer,
        store=store,
        python=getattr(args, "python", None),
        on_log=on_log,
    )


def _add_run_options(p: argparse.ArgumentParser, *, for_stream: bool = False) -> None:
    p.add_argument("--assistant", "-a", metavar="NAME", help="assistant id, graph id or name")
    p.add_argument(
        "--input",
        "-i",
        metavar="JSON",
        help="run input as JSON, or @file.json" + (" (default: {})" if for_stream else ""),
    )
    p.add_argument(
        "--command", metavar="JSON", help='a command instead of input, e.g. {"resume": "yes"}'
    )
    p.add_argument(
        "--config",
        metavar="JSON",
        help='run config as JSON or @file.json: {"configurable": {...}, "recursion_limit": 50, '
        '"tags": [...]}',
    )
    p.add_argument(
        "--context",
        metavar="JSON",
        help="the run's runtime context (langgraph's context_schema) as JSON or @file.json",
    )
    p.add_argument("--mode", "-m", action="append", metavar="MODE", help=MODES_HELP)
    p.add_argument("--subgraphs", "-s", action="store_true", help="stream subgraph events too")
    p.add_argument(
        "--interrupt-before",
        metavar="NODES",
        help="breakpoints: stop before these nodes (comma-separated, * = all)",
    )
    p.add_argument("--interrupt-after", metavar="NODES", help="breakpoints: stop after these nodes")
    p.add_argument(
        "--checkpoint",
        metavar="ID",
        help="with --thread: run from this checkpoint (time travel), or open the history on it",
    )
    p.add_argument(
        "--thread",
        "-t",
        metavar="ID",
        default="new",
        help="thread to run on: an id, 'new' (default) or 'none' for a stateless run",
    )


def build_parser() -> argparse.ArgumentParser:
    from lgtui import __version__

    parser = argparse.ArgumentParser(
        prog="lgtui",
        description="A terminal debugger and inspector for LangGraph runs.",
        epilog="Run `lgtui COMMAND --help` for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"lgtui {__version__}")
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")

    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
        if not 0 < value <= 86400:
            raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds: {text!r}")
        return value

    def add_network_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--stall-after",
            type=seconds,
            metavar="SECONDS",
            help="say the stream stalled after this long without a byte from the server, "
            "heartbeats included (default 20; the server sends one every 5 s)",
        )
        p.add_argument(
            "--reconnect-for",
            type=seconds,
            metavar="SECONDS",
            help="after a dropped connection, keep trying to rejoin the run (backing off "
            "up to 5 s between tries) until this long passes without progress (default 60)",
        )

    def add_key_options(p: argparse.ArgumentParser) -> None:
        g = p.add_mutually_exclusive_group()
        g.add_argument(
            "--api-key",
            metavar="KEY",
            help="sent as x-api-key; '-' asks for it (not echoed) or reads a line of stdin, "
            "so it stays out of ps (default: $LANGGRAPH_API_KEY, $LANGSMITH_API_KEY, "
            "$LANGCHAIN_API_KEY, the first set)",
        )
        g.add_argument("--api-key-file", metavar="PATH", help="read the API key from this file")

    def add_record_options(p: argparse.ArgumentParser) -> None:
        g = p.add_mutually_exclusive_group()
        g.add_argument(
            "--record",
            metavar="PATH",
            help="record runs to this .msgpack file (default: the user data folder)",
        )
        g.add_argument("--no-record", action="store_true", help="do not record runs")
        add_force(p)

    def add_force(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--force",
            action="store_true",
            help="let the capture file given replace an existing one (else refused)",
        )

    p = sub.add_parser("connect", help="inspect runs on a LangGraph API server")
    p.add_argument(
        "url", nargs="?", default="http://127.0.0.1:2024", help="server URL (default %(default)s)"
    )
    add_key_options(p)
    _add_run_options(p)
    add_record_options(p)
    add_network_options(p)

    checkpointer_help = (
        "run with your application's checkpoint database instead of an in-memory one, and "
        "browse its threads: sqlite:PATH (langgraph-checkpoint-sqlite) or "
        "postgresql://... (langgraph-checkpoint-postgres)"
    )

    def add_embedded_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--checkpointer", metavar="DB", help=checkpointer_help)
        p.add_argument(
            "--store",
            metavar="DB",
            help="the graphs' store (runtime.store): sqlite:PATH or postgresql://... "
            "(langgraph's SqliteStore / PostgresStore, with langgraph.json's index and ttl); "
            "default: in memory, as langgraph dev",
        )
        p.add_argument(
            "--python",
            metavar="PATH",
            help="the Python that runs the graphs (default: this one); it needs langgraph",
        )

    p = sub.add_parser("open", help="run a graph in-process (no server) and inspect it")
    add_embedded_options(p)
    p.add_argument(
        "path", help="graph.py, graph.py:name, a langgraph.json, or a folder holding one"
    )
    _add_run_options(p)
    add_record_options(p)

    p = sub.add_parser("demo", help="open the bundled example graphs (no server needed)")
    _add_run_options(p)
    add_record_options(p)

    p = sub.add_parser(
        "stream",
        help="run headless and print one JSON object per event",
        description=(
            "Stream a run without the UI, printing one JSON object per line: "
            '{"seq", "t", "event", "mode", "ns", "id", "data"}. Exit status: 0 when the run '
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
    _add_run_options(p, for_stream=True)
    add_network_options(p)

    p = sub.add_parser("replay", help="step through a recorded run offline (time travel)")
    p.add_argument("file", help="a .msgpack capture")

    p = sub.add_parser(
        "info", help="what a capture holds: header, duration, events per mode and namespace, status"
    )
    p.add_argument("file", help="a .msgpack capture")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")

    p = sub.add_parser(
        "export",
        help="a capture's events as JSON lines (as `lgtui stream` prints them), or the state at an event",
    )
    p.add_argument("file", help="a .msgpack capture")
    p.add_argument("--output", "-o", metavar="OUT", help="write here instead of standard output")
    p.add_argument(
        "--state-at", type=int, metavar="SEQ", help="print the values state as of event SEQ as JSON"
    )
    p = sub.add_parser(
        "diff",
        help="compare two recorded runs: path, state at matching steps, messages, status",
        description=(
            "Compare two captures: the nodes each super-step ran and where the paths part, "
            "the state after each step both runs took, the messages, the final status. "
            "Opens a screen to explore them, or with --text prints a report. Exit status, "
            "like diff: 0 the runs are the same, 1 they differ, 2 trouble (a file that is "
            "not a capture)."
        ),
    )
    p.add_argument("a", help="a .msgpack capture")
    p.add_argument("b", help="another .msgpack capture")
    p.add_argument("--text", action="store_true", help="print the report instead (for CI)")
    p.add_argument(
        "--strict",
        action="store_true",
        help="compare every key; by default ids and timestamps (id, run_id, thread_id, "
        "checkpoint_id, created_at, timestamp, ...) are left out, as they differ in any two runs",
    )
    p.add_argument(
        "--ignore",
        action="append",
        metavar="KEY",
        help="also leave out this state key wherever it appears (repeatable)",
    )

    sub.add_parser(
        "keys",
        help="every key binding, its id and where to remap it",
        description="Lists every key binding with the id to remap it by in config.toml.",
    )
    return parser


def check_capture_target(path: str | None, force: bool) -> None:
    """A capture file given by the user: never silently over an existing file."""
    if not path:
        return
    target = Path(path).expanduser()
    if target.is_dir():
        raise CLIError(f"{target}: is a folder, not a capture file")
    if target.is_file() and not force:  # (a device or a pipe is no file to clobber)
        raise CLIError(f"{target} exists: --force replaces it, or choose another name")
    if not target.parent.is_dir():
        raise CLIError(f"{target}: folder {target.parent} does not exist")


def _thread_arg(value: str) -> str | None:
    return None if value.lower() in ("none", "stateless", "") else value


def build_request(args: argparse.Namespace, assistant: str, *, default_input: Any = None):
    from lgtui.sources.base import RunRequest

    command = parse_json_arg(args.command, "--command") if args.command else None
    if command is not None and not isinstance(command, dict):
        raise CLIError('--command must be a JSON object such as {"resume": "yes"}')
    if args.input is not None:
        run_input = parse_json_arg(args.input, "--input")
    else:
        run_input = default_input
    config = _json_object(args, "config")
    context = _json_object(args, "context")
    return RunRequest(
        assistant=assistant,
        input=run_input,
        command=command,
        stream_mode=parse_modes(args.mode),
        subgraphs=args.subgraphs,
        thread_id=_thread_arg(args.thread),
        interrupt_before=_nodes(args.interrupt_before),
        interrupt_after=_nodes(args.interrupt_after),
        checkpoint_id=args.checkpoint,
        config=config,
        context=context,
    )


def _json_object(args: argparse.Namespace, name: str) -> dict[str, Any] | None:
    text = getattr(args, name, None)
    if text is None:
        return None
    value = parse_json_arg(text, f"--{name}")
    if not isinstance(value, dict):
        raise CLIError(f"--{name} must be a JSON object, got {type(value).__name__}")
    return value


def _nodes(value: str | None) -> list[str] | None:
    nodes = [n.strip() for n in (value or "").split(",") if n.strip()]
    return nodes or None


async def check_checkpoint(source, thread: str | None, checkpoint: str | None) -> None:
    """A checkpoint given with --checkpoint must exist in the thread (a server answers an
    unknown one with an empty state, and would run from scratch)."""
    if not checkpoint:
        return
    if not thread or thread in ("new", "none"):
        raise CLIError("--checkpoint needs --thread ID: checkpoints belong to a thread")
    from lgtui.sources.base import HTTPStatusError

    try:
        state = await source.get_state(thread, checkpoint)
    except HTTPStatusError as exc:
        if exc.status != 404:
            raise
        state = None
    if not isinstance(state, dict) or state.get("created_at") is None:
        raise CLIError(f"checkpoint {checkpoint} is not in thread {thread}")


async def pick_assistant(source, wanted: str | None) -> str:
    """``wanted`` as given, or the only assistant there is; else a usage error naming them."""
    if wanted:
        return wanted
    assistants = await source.list_assistants()
    graph_ids = sorted({str(a.get("graph_id")) for a in assistants})
    if len(graph_ids) == 1:
        return graph_ids[0]
    raise CLIError(
        "choose a graph with --assistant; available: " + (", ".join(graph_ids) or "none")
    )


# -- lgtui stream ---------------------------------------------------------------------------


class _LinkReporter:
    """Says on stderr when the stream stalls or the connection is being rebuilt, and when
    it is back: a headless user would otherwise see nothing but silence."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.shown = ""
        self.cut = 0

    def check(self) -> None:
        handle = self.handle
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


async def _stream(args: argparse.Namespace, out) -> int:
    import asyncio
    import time

    from lgtui.outcome import Outcome
    from lgtui.sources.base import RunHandle, SourceError

    # Parse everything the user typed before touching the network or importing a graph.
    parse_modes(args.mode)
    if args.input is not None:
        parse_json_arg(args.input, "--input")
    _json_object(args, "config")
    _json_object(args, "context")
    check_capture_target(args.output, args.force)
    source = None
    recorder = None
    status, detail = "cancelled", ""
    try:
        source = make_source(
            args.target,
            api_key_from(args) if is_url(args.target) else None,
            getattr(args, "checkpointer", None),
            args,
            on_log=_print_log,
        )
        assistant = await pick_assistant(source, args.assistant)
        for warning in getattr(source, "warnings", ()):
            err(f"warning: {warning}")
        # from a checkpoint, no input means "continue from it" (input: null)
        request = build_request(args, assistant, default_input=None if args.checkpoint else {})
        await check_checkpoint(source, request.thread_id, request.checkpoint_id)
        handle = RunHandle()
        outcome = Outcome()  # how the run ended; no event is kept
        last_flush = time.monotonic()
        if args.output:
            from lgtui.capture import Recorder

            recorder = Recorder(
                args.output,
                source_kind=source.kind,
                target=source.target,
                request=request.describe(),
                overwrite=args.force,
            )
            try:  # the graph, so a replay can draw it
                graph = await source.get_graph(assistant, xray=True)
                recorder.add_record({"k": "graph", "assistant": assistant, "graph": graph})
            except SourceError:
                pass
        reporter = _LinkReporter(handle)
        watchdog = asyncio.ensure_future(reporter.run())
        try:
            async for event in source.stream_run(request, handle):
                if recorder is not None:
                    recorder.write(event, run_id=handle.run_id, thread_id=handle.thread_id)
                out.write(event.to_json_line() + b"\n")
                outcome.take(event)
                now = time.monotonic()
                if now - last_flush > 0.05:
                    out.flush()
                    last_flush = now
            reporter.check()
        finally:
            watchdog.cancel()
        out.flush()
        status = outcome.status(handle.final_status)
        if outcome.errors:
            err(run_failure(outcome.errors[-1], handle))
            return EXIT_RUN_ERROR
        return EXIT_OK
    except SourceError as exc:
        out.flush()
        status, detail = "error", exc.message
        raise CLIError(exc.message, exc.exit_code) from None
    finally:
        if recorder is not None:
            recorder.close(status, detail)
            if recorder.error:
                err(recorder.error)
        if source is not None:
            await source.aclose()


def run_failure(error: Any, handle: Any) -> str:
    """One line for a run that ended with an error event: the error, and where it
    happened when the source knows (an embedded run names the node and the line)."""
    from lgtui.preview import safe_text

    where = []
    if getattr(handle, "error_node", None):
        where.append(f"in node {handle.error_node!r}")
    if getattr(handle, "error_where", None):
        where.append(f"at {handle.error_where}")
    place = f" {' '.join(where)}" if where else ""
    return safe_text(f"the run failed{place}: {error.type}: {error.message}", 2000)


def _print_log(line: str) -> None:
    """A line the graph's process printed: on stderr, as `langgraph dev` shows it on its
    console (stdout is for events), never as raw terminal bytes."""
    from lgtui.terminal import relay

    relay(line)


def cmd_stream(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_stream(args, sys.stdout.buffer))


# -- the TUI commands -------------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace, target: str) -> int:
    import asyncio

    from lgtui.sources.base import SourceError

    # Bad input is reported here, before the screen takes over the terminal.
    if args.mode:
        parse_modes(args.mode)
    if args.input is not None:
        parse_json_arg(args.input, "--input")
    _json_object(args, "config")
    _json_object(args, "context")
    check_capture_target(getattr(args, "record", None), args.force)
    source: Any = None
    api_key = api_key_from(args) if is_url(target) else None  # once: '-' asks for it
    try:
        source = make_source(target, api_key, getattr(args, "checkpointer", None), args)
        if hasattr(source, "wait_ready"):
            # the project loads in its own process; what stops it is said before the screen
            source.wait_ready()
    except SourceError as exc:
        if hasattr(source, "close"):
            source.close()
        raise CLIError(exc.message, exc.exit_code) from None
    if args.checkpoint:

        async def check() -> None:
            if source.kind == "embedded":  # the host answers any event loop
                await check_checkpoint(source, _thread_arg(args.thread), args.checkpoint)
                return
            probe = make_source(target, api_key, None, args)
            try:
                await check_checkpoint(probe, _thread_arg(args.thread), args.checkpoint)
            finally:
                await probe.aclose()

        try:
            asyncio.run(check())
        except SourceError as exc:
            if hasattr(source, "close"):
                source.close()
            raise CLIError(exc.message, exc.exit_code) from None
    request = None
    if args.assistant or args.input is not None or args.command:
        # An empty assistant is resolved by the app (the only graph, or the dialog).
        request = build_request(
            args, args.assistant or "", default_input=None if args.checkpoint else {}
        )

    from lgtui.ui.app import LgtuiApp

    record: str | bool = False if args.no_record else (args.record or True)
    thread = _thread_arg(args.thread)
    app = LgtuiApp(
        source,
        request=request,
        thread=thread,
        record=record,
        open_history=request is None and thread not in (None, "new"),
        checkpoint=args.checkpoint,
        force=args.force,
    )
    app.run()
    return tui_exit(app)


def tui_exit(app: Any) -> int:
    """The exit status of a screen: 1, with one line, when it crashed."""
    if getattr(app, "crash", None):
        err(f"lgtui crashed (a bug: please report it): {app.crash}")
        return EXIT_RUN_ERROR
    return app.return_code or 0


# -- captures ---------------------------------------------------------------------------------


def _capture_error(exc: Exception) -> CLIError:
    return CLIError(getattr(exc, "message", str(exc)), EXIT_USAGE)


def cmd_info(args: argparse.Namespace) -> int:
    from lgtui.capture import CaptureError, summarize

    try:
        info = summarize(args.file)
    except CaptureError as exc:
        raise _capture_error(exc) from None
    if args.json:
        from lgtui.terminal import out_json

        out_json(json.dumps(info, indent=2, ensure_ascii=False))
        return EXIT_OK
    from lgtui.preview import safe_text

    def line(label: str, value: object) -> None:
        out(f"{label:<12} {safe_text(str(value), 300)}")

    line("file", f"{info['path']} ({info['size']:,} bytes)")
    line("format", f"{info['format']} (written by lgtui {info['lgtui']})")
    line("created", info["created"])
    line("source", f"{info['source']} {info['target']}")
    line("assistant", info["assistant"])
    line("thread", info["thread_id"] or "none (stateless)")
    request = info["request"] or {}
    line(
        "modes",
        ", ".join(request.get("stream_mode") or [])
        + ("  (subgraphs)" if request.get("subgraphs") else ""),
    )
    line("events", f"{info['events']:,} over {info['duration']:.3f} s")
    line("status", info["status"])
    for run in info["runs"]:
        line("run", f"{run['run_id']} (from event {run['first_event']})")
    if info["truncated"]:
        line("TRUNCATED", f"{info['damage']}; every record before it is readable")
    out("per mode")
    for mode, n in info["modes"].items():
        out(f"  {safe_text(mode, 60):<20} {n:>10,}")
    out("per namespace")
    for ns, n in info["namespaces"].items():
        out(f"  {safe_text(ns, 80):<20} {n:>10,}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from lgtui.capture import CaptureError, read_capture

    try:
        capture = read_capture(args.file)
    except CaptureError as exc:
        raise _capture_error(exc) from None
    if capture.truncated_at is not None:
        err(f"warning: {args.file}: {capture.damage}")
    out = open(args.output, "wb") if args.output else sys.stdout.buffer
    try:
        if args.state_at is not None:
            from lgtui.session import Session
            from lgtui.store import NO_SPILL

            session = Session(window=NO_SPILL)
            for event in capture.events:
                session.append(event)
            if not 0 <= args.state_at < session.count:
                raise CLIError(
                    f"--state-at {args.state_at}: the capture has events 0 to {session.count - 1}"
                )
            found = session.state_at(args.state_at)
            if found is None:
                raise CLIError(
                    f"no state at event {args.state_at}: the capture has no values or checkpoint "
                    "event at or before it (record with the values, debug or checkpoints mode)",
                    EXIT_RUN_ERROR,
                )
            import orjson

            from lgtui.terminal import json_safe

            out.write(json_safe(orjson.dumps(found[1], option=orjson.OPT_INDENT_2)) + b"\n")
            return EXIT_OK
        for event in capture.events:
            out.write(event.to_json_line() + b"\n")
        return EXIT_OK
    finally:
        if args.output:
            out.close()
        else:
            out.flush()


def cmd_replay(args: argparse.Namespace) -> int:
    from lgtui.capture import CaptureError, read_header

    try:
        read_header(args.file)  # fail before the screen opens when it is not a capture
    except CaptureError as exc:
        raise _capture_error(exc) from None
    from lgtui.ui.app import ReplayApp

    app = ReplayApp(args.file)
    app.run()
    return tui_exit(app)


def cmd_diff(args: argparse.Namespace) -> int:
    from lgtui.capture import CaptureError, read_capture
    from lgtui.rundiff import VOLATILE_KEYS, compare, render_text, run_view

    captures = []
    for name in (args.a, args.b):
        try:
            capture = read_capture(name)
        except CaptureError as exc:
            raise _capture_error(exc) from None
        if capture.truncated_at is not None:
            err(f"warning: {name}: {capture.damage}")
        captures.append(capture)
    ignore = frozenset() if args.strict else VOLATILE_KEYS
    ignore |= frozenset(args.ignore or ())
    diff = compare(run_view(captures[0], args.a), run_view(captures[1], args.b), ignore)
    status = EXIT_RUN_ERROR if diff.differ else EXIT_OK
    if args.text:
        import shutil

        out(render_text(diff, width=shutil.get_terminal_size((100, 24)).columns).rstrip("\n"))
        return status
    from lgtui.ui.rundiff_app import RunDiffApp

    app = RunDiffApp(diff)
    app.run()
    return tui_exit(app) or status


def cmd_keys(args: argparse.Namespace) -> int:
    from lgtui.config import config_path
    from lgtui.ui.keys import all_bindings

    out(f"Remap keys in {config_path()}:\n")
    out('  [keys]\n  "replay.play" = "p,space"\n')
    where = ""
    for place, binding in all_bindings():
        if place != where:
            out(f"\n{place}")
            where = place
        out(f"  {binding.id:<28} {binding.key:<26} {binding.description}")
    return EXIT_OK


def bundled_examples() -> str:
    return str(Path(__file__).parent / "examples" / "langgraph.json")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command_name is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command_name == "stream":
            return cmd_stream(args)
        if args.command_name == "connect":
            return cmd_tui(args, args.url)
        if args.command_name == "open":
            return cmd_tui(args, args.path)
        if args.command_name == "info":
            return cmd_info(args)
        if args.command_name == "export":
            return cmd_export(args)
        if args.command_name == "replay":
            return cmd_replay(args)
        if args.command_name == "diff":
            return cmd_diff(args)
        if args.command_name == "keys":
            return cmd_keys(args)
        if args.command_name == "demo":
            if not (args.assistant or args.input or args.command):
                # Start straight away on the research agent, subgraphs included.
                args.assistant, args.input, args.subgraphs = (
                    "research",
                    '{"topic": "LangGraph streaming"}',
                    True,
                )
            return cmd_tui(args, bundled_examples())
    except CLIError as exc:
        err(exc.message)
        return exc.code
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`lgtui stream ... | head`); say nothing more.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    parser.error(f"unknown command {args.command_name}")
    return EXIT_USAGE
