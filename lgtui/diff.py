"""What changed between two JSON states, as a list of (op, path, old, new)."""

from __future__ import annotations

from typing import Any, NamedTuple

MAX_CHANGES = 500


class Change(NamedTuple):
    op: str  # "+" added, "-" removed, "~" changed
    path: str  # e.g. messages[2].content
    old: Any
    new: Any


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def differs(old: Any, new: Any) -> bool:
    """``old != new``, and True where the values are nested too deep to compare."""
    try:
        return bool(old != new)
    except RecursionError:
        return old is not new


def json_diff(
    old: Any, new: Any, path: str = "", out: list[Change] | None = None, depth: int = 0
) -> list[Change]:
    """Changes from ``old`` to ``new``; dicts by key, lists by index, the rest by value."""
    out = [] if out is None else out
    if len(out) >= MAX_CHANGES:
        return out
    if isinstance(old, dict) and isinstance(new, dict) and depth < 50:
        for key in old:
            if key not in new:
                out.append(Change("-", _join(path, key), old[key], None))
        for key, value in new.items():
            if key not in old:
                out.append(Change("+", _join(path, key), None, value))
            elif differs(old[key], value):
                json_diff(old[key], value, _join(path, key), out, depth + 1)
        return out
    if isinstance(old, list) and isinstance(new, list) and depth < 50:
        common = min(len(old), len(new))
        for i in range(common):
            if differs(old[i], new[i]):
                json_diff(old[i], new[i], _join(path, i), out, depth + 1)
        for i in range(common, len(new)):
            out.append(Change("+", _join(path, i), None, new[i]))
        for i in range(common, len(old)):
            out.append(Change("-", _join(path, i), old[i], None))
        return out
    if differs(old, new):
        out.append(Change("~", path or "(state)", old, new))
    return out
