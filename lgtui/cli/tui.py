"""The commands that open the app on a source: `connect`, `open`, `demo`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lgtui.cli.common import (
    EXIT_RUN_ERROR,
    CLIError,
    add_embedded_options,
    add_key_options,
    add_network_options,
    add_record_options,
    add_run_options,
    api_key_from,
    breakpoints_arg,
    build_request,
    check_capture_target,
    check_checkpoint,
    is_url,
    json_object,
    make_source,
    parse_json_arg,
    parse_modes,
    thread_arg,
)
from lgtui.errors import LgtuiError
from lgtui.terminal import err


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("connect", help="inspect runs on a LangGraph API server")
    p.add_argument(
        "url", nargs="?", default="http://127.0.0.1:2024", help="server URL (default %(default)s)"
    )
    add_key_options(p)
    add_run_options(p)
    add_record_options(p)
    add_network_options(p)
    p.set_defaults(func=cmd_connect)

    p = sub.add_parser("open", help="run a graph in-process (no server) and inspect it")
    add_embedded_options(p)
    p.add_argument(
        "path", help="graph.py, graph.py:name, a langgraph.json, or a folder holding one"
    )
    p.add_argument(
        "--watch",
        "-w",
        action="store_true",
        help="reload the project when one of its files changes; threads, checkpoints and the"
        " store are kept on disk between reloads (unless --checkpointer/--store say where)",
    )
    add_run_options(p)
    add_record_options(p)
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("demo", help="open the bundled example graphs (no server needed)")
    add_run_options(p)
    add_record_options(p)
    p.set_defaults(func=cmd_demo)


def bundled_examples() -> str:
    return str(Path(__file__).parent.parent / "examples" / "langgraph.json")


def cmd_connect(args: argparse.Namespace) -> int:
    """A server: ``localhost:2024`` means ``http://localhost:2024`` (connect takes nothing
    else); anything that is no URL is refused in one line."""
    url = args.url.strip()
    if not is_url(url):
        if "://" in url:
            raise CLIError(f"{url}: connect takes an http:// or https:// URL")
        url = "http://" + url
    return cmd_tui(args, url)


def cmd_open(args: argparse.Namespace) -> int:
    return cmd_tui(args, args.path)


def cmd_demo(args: argparse.Namespace) -> int:
    if not (args.assistant or args.input or args.command):
        # Start straight away on the research agent, subgraphs included.
        args.assistant, args.input, args.subgraphs = (
            "research",
            '{"topic": "LangGraph streaming"}',
            True,
        )
    return cmd_tui(args, bundled_examples())


def cmd_tui(args: argparse.Namespace, target: str) -> int:
    import asyncio

    from lgtui.sources.base import HostedSource

    # Bad input is reported here, before the screen takes over the terminal.
    if args.mode:
        parse_modes(args.mode)
    if args.input is not None:
        parse_json_arg(args.input, "--input")
    json_object(args, "config")
    json_object(args, "context")
    breakpoints = breakpoints_arg(getattr(args, "pause_at", None))
    check_capture_target(getattr(args, "record", None), args.force)
    source: Any = None
    api_key = api_key_from(args) if is_url(target) else None  # once: '-' asks for it
    try:
        source = make_source(target, api_key, getattr(args, "checkpointer", None), args, debug=True)
        if isinstance(source, HostedSource) and (args.checkpoint or not sys.stdout.isatty()):
            # the project loads in its own process, behind the screen in a terminal (said
            # on the status bar; a project that does not load ends it with one line);
            # first when a checkpoint must be checked, or with no terminal to show
            source.wait_ready()
    except LgtuiError:  # said by main() in one line, before the screen takes over
        if isinstance(source, HostedSource):
            source.close()
        raise
    if args.checkpoint:

        async def check() -> None:
            if source.kind == "embedded":  # the host answers any event loop
                await check_checkpoint(source, thread_arg(args.thread), args.checkpoint)
                return
            probe = make_source(target, api_key, None, args)
            try:
                await check_checkpoint(probe, thread_arg(args.thread), args.checkpoint)
            finally:
                await probe.aclose()

        try:
            asyncio.run(check())
        except LgtuiError:
            if isinstance(source, HostedSource):
                source.close()
            raise
    request = None
    if args.assistant or args.input is not None or args.command:
        # An empty assistant is resolved by the app (the only graph, or the dialog).
        request = build_request(
            args, args.assistant or "", default_input=None if args.checkpoint else {}
        )

    from lgtui.ui.app import LgtuiApp

    record: str | bool = False if args.no_record else (args.record or True)
    thread = thread_arg(args.thread)
    app = LgtuiApp(
        source,
        request=request,
        thread=thread,
        record=record,
        open_history=request is None and thread not in (None, "new"),
        checkpoint=args.checkpoint,
        force=args.force,
    )
    if getattr(args, "watch", False):
        from lgtui.watch import ProjectFiles, project_root

        app.watching = ProjectFiles(project_root(args.path))
    if breakpoints:  # (the New run dialog's Pause at, when no run starts at once)
        app.form.breakpoints_text = "; ".join(breakpoints)
    app.run()
    return tui_exit(app)


def tui_exit(app: Any) -> int:
    """The exit status of a screen: 1, with one line, when it crashed."""
    if getattr(app, "crash", None):
        err(f"lgtui crashed (a bug: please report it): {app.crash}")
        return EXIT_RUN_ERROR
    if getattr(app, "load_error", ""):
        err(app.load_error)
    return app.return_code or 0
