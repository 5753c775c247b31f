"""Python tracebacks of the user's code, for people reading them on a terminal: the frames
of the user's own files kept, the runs of library frames between them folded to a line."""

from __future__ import annotations

import re
import sys
from pathlib import Path

_FRAME = re.compile(r'^  File "(?P<path>[^"]*)", line (?P<line>\d+), in (?P<func>.*)$')


def library_frame(line: str) -> bool:
    """A fault-report frame outside the user's code (Python itself, an installed package)."""
    path = line.split('"', 2)[1] if line.count('"') >= 2 else ""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    return (
        "site-packages" in path
        or "/lib/python3" in path
        or path.startswith("<")
        or any(path.startswith(p + "/lib") for p in prefixes)
        or path.startswith(str(Path(__file__).resolve().parent))
    )


def fold_library_frames(text: str) -> str:
    """``text`` with each run of library frames (Python's own, installed packages, lgtui)
    replaced by one line saying how many there were and of which packages; the user's
    frames, the exception and the chained tracebacks are kept as they are."""
    out: list[str] = []
    folded: list[str] = []  # the packages of the library frames being folded

    def flush() -> None:
        if folded:
            names = ", ".join(dict.fromkeys(folded))
            many = "s" if len(folded) > 1 else ""
            out.append(f"  … {len(folded)} library frame{many} ({names}) …")
            folded.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _FRAME.match(line)
        if match is None:
            flush()
            out.append(line)
            i += 1
            continue
        j = i + 1  # the frame's source line and its ^^^ marks, indented deeper
        while j < len(lines) and lines[j].startswith("    ") and not _FRAME.match(lines[j]):
            j += 1
        if library_frame(line):
            folded.append(_package(match["path"]))
        else:
            flush()
            out.extend(lines[i:j])
        i = j
    flush()
    return "\n".join(out)


def _package(path: str) -> str:
    parts = Path(path).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else "site-packages"
    if path.startswith("<"):
        return path
    return "python"
