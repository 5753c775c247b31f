"""The commands on captures: `replay`, `info`, `export`, `diff`; and `keys`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lgtui.cli.common import EXIT_OK, EXIT_RUN_ERROR, CLIError, add_ignore
from lgtui.cli.tui import tui_exit
from lgtui.terminal import err, out


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("replay", help="step through a recorded run offline (time travel)")
    p.add_argument("file", help="a .msgpack capture")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser(
        "info", help="what a capture holds: header, duration, events per mode and namespace, status"
    )
    p.add_argument("file", help="a .msgpack capture")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    p.add_argument(
        "--verify",
        action="store_true",
        help="read every record (a finished recording is otherwise summed up by the summary "
        "it ends with: instant, whatever its size)",
    )
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "export",
        help="a capture's events as JSON lines (as `lgtui stream` prints them), or the state at an event",
    )
    p.add_argument("file", help="a .msgpack capture")
    p.add_argument("--output", "-o", metavar="OUT", help="write here instead of standard output")
    p.add_argument(
        "--state-at", type=int, metavar="SEQ", help="print the values state as of event SEQ as JSON"
    )
    p.set_defaults(func=cmd_export)

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
    add_ignore(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "keys",
        help="every key binding, its id and where to remap it",
        description="Lists every key binding with the id to remap it by in config.toml.",
    )
    p.set_defaults(func=cmd_keys)


def cmd_info(args: argparse.Namespace) -> int:
    from lgtui.capture import summarize

    info = summarize(args.file, verify=args.verify)
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
    if info.get("protocol") == 2:
        channels = request.get("channels")
        line(
            "stream",
            "thread-centric (v2), channels: "
            + (", ".join(map(str, channels)) if isinstance(channels, list) else "every one"),
        )
    else:
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
    out("per channel" if info.get("protocol") == 2 else "per mode")
    for mode, n in info["modes"].items():
        out(f"  {safe_text(mode, 60):<20} {n:>10,}")
    out("per namespace")
    for ns, n in info["namespaces"].items():
        out(f"  {safe_text(ns, 80):<20} {n:>10,}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from lgtui.capture import read_capture

    capture = read_capture(args.file)
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
    from lgtui.capture import read_header

    read_header(args.file)  # fail before the screen opens when it is not a capture
    from lgtui.ui.app import ReplayApp

    app = ReplayApp(args.file)
    app.run()
    return tui_exit(app)


def cmd_diff(args: argparse.Namespace) -> int:
    from lgtui.capture import read_capture
    from lgtui.rundiff import VOLATILE_KEYS, compare, render_text, run_view

    captures = []
    for name in (args.a, args.b):
        capture = read_capture(name)
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
    from lgtui.ui import base, catalog  # noqa: F401  (the apps' own keys, and every screen's)
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
