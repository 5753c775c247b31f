"""The `lgtui` command line: a module per group of commands, each adding its own
subparsers with ``set_defaults(func=...)``.

- `lgtui.cli.common`: what the commands share (options, parsing, the source);
- `lgtui.cli.tui`: `connect`, `open`, `demo` (the app on a source);
- `lgtui.cli.stream`: `stream` (headless, JSON lines);
- `lgtui.cli.captures`: `replay`, `info`, `export`, `diff`, `keys`.

Only the standard library is imported at module level, so `lgtui --help` answers at
once; sources, langgraph and Textual load when a command needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Protocol

from lgtui.cli import captures, rerun, stream, tui
from lgtui.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CLIError,
    _warned_hosts,
    check_capture_target,
    warn_plain_http,
)
from lgtui.cli.tui import bundled_examples, tui_exit
from lgtui.errors import LgtuiError
from lgtui.terminal import err

__all__ = [
    "CLIError",
    "_warned_hosts",
    "build_parser",
    "bundled_examples",
    "check_capture_target",
    "main",
    "tui_exit",
    "warn_plain_http",
]


class CommandGroup(Protocol):
    """A module of commands: it adds a subparser per command, each with
    ``set_defaults(func=cmd_x)`` where ``cmd_x(args) -> int`` is the exit status."""

    def add_parsers(self, sub: Any) -> None: ...


# in `lgtui --help` order: connect, open, demo; stream; replay, info, export, diff, keys
GROUPS: list[CommandGroup] = [tui, stream, captures, rerun]


def build_parser() -> argparse.ArgumentParser:
    from lgtui import __version__

    parser = argparse.ArgumentParser(
        prog="lgtui",
        description="A terminal debugger and inspector for LangGraph runs.",
        epilog="Run `lgtui COMMAND --help` for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"lgtui {__version__}")
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command_name is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.func(args)
        return code
    except LgtuiError as exc:  # a user's mistake, a capture, a source: one line
        err(exc.message)
        return exc.exit_code
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
