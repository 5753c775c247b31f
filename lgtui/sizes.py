"""How big each channel of a state is: the bytes of its value as JSON (what a server
sends and, near enough, what a checkpointer stores), largest first -- to find the
channel that bloats a thread's checkpoints."""

from __future__ import annotations

from typing import Any

import orjson


def json_size(value: Any) -> int:
    try:
        return len(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS, default=str))
    except (TypeError, orjson.JSONEncodeError):
        return len(str(value).encode("utf-8", "replace"))


def channel_sizes(values: Any) -> list[tuple[str, int]]:
    """``[(channel, bytes)]`` largest first; a state that is not an object is one channel."""
    if not isinstance(values, dict):
        return [("(the whole state)", json_size(values))] if values is not None else []
    sizes = [(str(key), json_size(value)) for key, value in values.items()]
    return sorted(sizes, key=lambda kv: (-kv[1], kv[0]))


def human(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"
