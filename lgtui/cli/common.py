"""What the commands share: parsing what the user typed, the options, the source.

Only the standard library is imported here (and lgtui's own light modules), so that
`lgtui --help` answers at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lgtui.breakpoints import QueryError, parse_all, split_line
from lgtui.errors import EXIT_OK, EXIT_RUN_ERROR, EXIT_UNREACHABLE, EXIT_USAGE, LgtuiError
from lgtui.terminal import err

if TYPE_CHECKING:  # (imported when a command runs: `lgtui --help` stays light)
    from lgtui.runs import RunController
    from lgtui.sources.base import RunRequest, ThreadSource

__all__ = ["EXIT_OK", "EXIT_RUN_ERROR", "EXIT_UNREACHABLE", "EXIT_USAGE"]

MODES_HELP = (
    "values, updates, debug, messages-tuple, messages, events, custom, tasks, checkpoints "
    "(repeat the flag or separate with commas; default: updates,values,debug,messages-tuple,custom)"
)


class CLIError(LgtuiError):
    """A user mistake on the command line: one line, exit 2 unless said otherwise."""


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
        return str(given)
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
    debug: bool = False,
) -> ThreadSource:
    """A remote source for a URL, an embedded one for a path (both keep threads)."""
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
            protocol=getattr(args, "protocol", None),
        )
    from lgtui.sources.embedded import EmbeddedSource

    if getattr(args, "watch", False):  # (what runs must outlive each reload: on disk)
        from lgtui.watch import project_root, state_folder

        folder = state_folder(project_root(target))
        checkpointer = checkpointer or f"sqlite:{folder / 'checkpoints.sqlite'}"
        store = store or f"sqlite:{folder / 'store.sqlite'}"
    return EmbeddedSource(
        target,
        checkpointer=checkpointer,
        store=store,
        python=getattr(args, "python", None),
        on_log=on_log,
        protocol=getattr(args, "protocol", None),
        debug=debug,
    )


def add_run_options(p: argparse.ArgumentParser, *, for_stream: bool = False) -> None:
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
    p.add_argument(
        "--protocol",
        choices=("auto", "v1", "v2"),
        help="v1: the run stream (stream modes); v2: the thread-centric event stream "
        "(channels, lifecycle, content blocks; langgraph-api 0.9+). auto (default, or "
        "$LGTUI_PROTOCOL): on a server, v2 where it has it unless --mode, breakpoints or a "
        "stateless run ask for the run stream; in-process, v1 (debug, tasks and custom "
        "events reach every tab)",
    )
    p.add_argument("--mode", "-m", action="append", metavar="MODE", help=MODES_HELP)
    p.add_argument(
        "--channel",
        "-c",
        action="append",
        metavar="CHANNEL",
        help="the thread-centric stream's channels: values, updates, messages, tools, "
        "lifecycle, input, checkpoints, tasks, custom, custom:NAME (default: every one)",
    )
    p.add_argument(
        "--namespace",
        action="append",
        metavar="PATH",
        help="thread-centric stream: only this namespace and below, parts joined by / "
        "(e.g. research or research/tools); repeat for several",
    )
    p.add_argument(
        "--depth",
        type=int,
        metavar="N",
        help="thread-centric stream: at most N levels below --namespace (or the root)",
    )
    p.add_argument("--subgraphs", "-s", action="store_true", help="stream subgraph events too")
    p.add_argument(
        "--interrupt-before",
        metavar="NODES",
        help="breakpoints: stop before these nodes (comma-separated, * = all)",
    )
    p.add_argument("--interrupt-after", metavar="NODES", help="breakpoints: stop after these nodes")
    if not for_stream:  # (a headless run has no one to say "continue")
        p.add_argument(
            "--pause-at",
            "-b",
            metavar="BREAKPOINT",
            action="append",
            help="pause the run there (repeatable): before:NODE, after:NODE, tool:NAME [TERMS],"
            " change:KEY or a search (`node:tools`); in-process runs pause, a server's view",
        )
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


def add_ignore(p: argparse.ArgumentParser) -> None:
    """--ignore KEY, for the commands that compare runs (diff, rerun, check)."""
    p.add_argument(
        "--ignore",
        action="append",
        metavar="KEY",
        help="also leave out this state key wherever it appears (repeatable)",
    )


CHECKPOINTER_HELP = (
    "run with your application's checkpoint database instead of an in-memory one, and "
    "browse its threads: sqlite:PATH (langgraph-checkpoint-sqlite) or "
    "postgresql://... (langgraph-checkpoint-postgres)"
)


def add_embedded_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpointer", metavar="DB", help=CHECKPOINTER_HELP)
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


def thread_arg(value: str) -> str | None:
    return None if value.lower() in ("none", "stateless", "") else value


def build_request(
    args: argparse.Namespace, assistant: str, *, default_input: Any = None
) -> RunRequest:
    from lgtui.sources.base import RunRequest

    command = parse_json_arg(args.command, "--command") if args.command else None
    if command is not None and not isinstance(command, dict):
        raise CLIError('--command must be a JSON object such as {"resume": "yes"}')
    if args.input is not None:
        run_input = parse_json_arg(args.input, "--input")
    else:
        run_input = default_input
    config = json_object(args, "config")
    context = json_object(args, "context")
    channels = parse_channels(getattr(args, "channel", None))
    depth = getattr(args, "depth", None)
    if depth is not None and depth < 0:
        raise CLIError(f"--depth must be 0 or more, got {depth}")
    protocol = getattr(args, "protocol", None) or "auto"
    if protocol == "auto" and args.mode:
        protocol = "v1"  # stream modes are the run stream's
    if protocol == "v1" and (channels or args.namespace or depth is not None):
        raise CLIError("--channel, --namespace and --depth are the thread-centric stream's (v2)")
    return RunRequest(
        assistant=assistant,
        input=run_input,
        command=command,
        stream_mode=parse_modes(args.mode),
        subgraphs=args.subgraphs,
        thread_id=thread_arg(args.thread),
        interrupt_before=nodes_arg(args.interrupt_before),
        interrupt_after=nodes_arg(args.interrupt_after),
        breakpoints=breakpoints_arg(getattr(args, "pause_at", None)),
        checkpoint_id=args.checkpoint,
        config=config,
        context=context,
        protocol=protocol,
        channels=channels,
        namespaces=[_namespace_arg(n) for n in args.namespace] if args.namespace else None,
        depth=depth,
    )


def parse_channels(values: list[str] | None) -> list[str] | None:
    from lgtui.v2 import CHANNELS, channel_ok

    if not values:
        return None
    channels: list[str] = []
    for value in values:
        for channel in filter(None, (c.strip() for c in value.split(","))):
            if not channel_ok(channel):
                raise CLIError(
                    f"unknown channel {channel!r}; choose from {', '.join(CHANNELS)} or custom:NAME"
                )
            if channel not in channels:
                channels.append(channel)
    return channels


def _namespace_arg(value: str) -> list[str]:
    parts = [p for p in value.strip().strip("/").split("/") if p]
    if not parts:
        raise CLIError(f"--namespace {value!r}: name a subgraph, e.g. research or agent/tools")
    return parts


def json_object(args: argparse.Namespace, name: str) -> dict[str, Any] | None:
    text = getattr(args, name, None)
    if text is None:
        return None
    value = parse_json_arg(text, f"--{name}")
    if not isinstance(value, dict):
        raise CLIError(f"--{name} must be a JSON object, got {type(value).__name__}")
    return value


def breakpoints_arg(values: list[str] | None) -> list[str] | None:
    """--pause-at, each read now: a breakpoint that cannot be read is said before the app
    starts."""
    points = [p for value in values or () for p in split_line(value)]
    try:
        parse_all(points)
    except QueryError as exc:
        raise CLIError(f"--pause-at: {exc}") from None
    return points or None


def nodes_arg(value: str | None) -> list[str] | None:
    nodes = [n.strip() for n in (value or "").split(",") if n.strip()]
    return nodes or None


async def check_checkpoint(
    source: ThreadSource, thread: str | None, checkpoint: str | None
) -> None:
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


async def pick_assistant(runs: RunController, wanted: str | None) -> str:
    """``wanted`` as given, or the only assistant there is; else a usage error naming them."""
    if wanted:
        return wanted
    assistants = await runs.list_assistants()
    graph_ids = sorted({str(a.get("graph_id")) for a in assistants})
    if len(graph_ids) == 1:
        return graph_ids[0]
    raise CLIError(
        "choose a graph with --assistant; available: " + (", ".join(graph_ids) or "none")
    )
