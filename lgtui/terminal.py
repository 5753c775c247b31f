"""What the command line writes, and the one way it writes it.

Text from a server, a capture or a graph goes to stdout or stderr only through these
functions: on stderr a line of `lgtui: ...` with every control character escaped (an
OSC 52 in a server's error ``detail`` cannot set the clipboard, nor OSC 0 the window
title); on stdout text reports the same way, and JSON with the characters JSON leaves
raw -- C1 controls, bidirectional and zero-width marks -- written as ``\\uXXXX`` (the
same JSON value, nothing a terminal acts on).
"""

from __future__ import annotations

import re
import sys
from typing import IO

from lgtui.preview import safe_multiline, safe_text

# What orjson/json leave raw that a terminal may act on or that hides or reorders text.
_JSON_RAW = re.compile(
    "[\\x7f-\\x9f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff\\ufff9-\\ufffb]"
)
_JSON_RAW_BYTES = re.compile(
    rb"\x7f|\xc2[\x80-\x9f\xad]|\xd8\x9c|\xe1\xa0\x8e|\xe2\x80[\x8b-\x8f\xa8-\xae]"
    rb"|\xe2\x81[\xa0-\xa9]|\xef\xbb\xbf|\xef\xbf[\xb9-\xbb]"
)


def json_safe(line: bytes) -> bytes:
    """JSON text with C1, bidi and zero-width characters as ``\\u`` escapes (same value)."""
    if not _JSON_RAW_BYTES.search(line):
        return line
    text = line.decode("utf-8", "replace")
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


def json_text_safe(text: str) -> str:
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def out_json(text: str) -> None:
    """A JSON document (``json.dumps`` text) on stdout, nothing in it raw for a terminal."""
    sys.stdout.write(json_text_safe(text) + "\n")


def err(message: str, stream: IO[str] | None = None) -> None:
    """``lgtui: message`` on stderr, one line, escaped; a closed stderr is not an error."""
    try:
        out = stream or sys.stderr
        out.write(f"lgtui: {safe_text(message)}\n")
        out.flush()
    except (OSError, ValueError):
        pass


def out(text: str = "") -> None:
    """A line of a text report on stdout, escaped (newlines kept)."""
    sys.stdout.write(safe_multiline(text) + "\n")


def relay(line: str) -> None:
    """A line the graph's own process printed, on stderr, escaped, as it was."""
    try:
        sys.stderr.write(safe_text(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
