"""Turn what a graph streams into the JSON a LangGraph API server would send for it.

The rules follow the server's wire format: pydantic models (LangChain messages
included) become their ``model_dump()``, dataclasses (``Interrupt``) their fields,
``Send`` becomes ``{"node", "args"}``, exceptions ``{"error", "message"}``, sets and
deques lists, UUIDs and paths strings, bytes base64, anything else ``null``.
"""

from __future__ import annotations

import re
import uuid
from base64 import b64encode
from collections import deque
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _default(obj: Any) -> Any:
    from langgraph.types import Send

    if isinstance(obj, Send):
        return {"node": obj.node, "args": obj.arg}
    if isinstance(obj, type):
        return None
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump()
    as_dict = getattr(obj, "dict", None)
    if callable(as_dict):
        return as_dict()
    as_named = getattr(obj, "_asdict", None)
    if callable(as_named):
        return as_named()
    if isinstance(obj, BaseException):
        return {"error": type(obj).__name__, "message": str(obj)}
    if isinstance(obj, set | frozenset | deque):
        return list(obj)
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, Decimal):
        exponent = obj.as_tuple().exponent  # "n", "N", "F" for NaN, sNaN, infinity
        return float(obj) if not obj.is_finite() or int(exponent) < 0 else int(obj)
    if isinstance(obj, uuid.UUID | PurePath):
        return str(obj)
    if isinstance(obj, re.Pattern):
        return obj.pattern
    if isinstance(obj, bytes | bytearray):
        return b64encode(obj).decode()
    tzname = getattr(obj, "tzname", None)
    if callable(tzname):
        try:
            return tzname(None)
        except Exception:
            return None
    return None


def _without_surrogates(obj: Any) -> Any:
    if isinstance(obj, str):
        return _SURROGATES.sub("?", obj)
    if isinstance(obj, Mapping):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [_without_surrogates(x) for x in obj]
    return obj


def dumps(obj: Any) -> bytes:
    """JSON bytes for ``obj``, as the server would encode it."""
    try:
        out = orjson.dumps(obj, default=_default, option=_OPTIONS)
    except TypeError as exc:
        if "surrogates" not in str(exc):
            raise
        out = orjson.dumps(_without_surrogates(obj), default=_default, option=_OPTIONS)
    if b"\\u0000" in out:  # NUL would let a poisoned key shadow a real one
        out = out.replace(b"\\\\u0000", b"\\\\ufffd").replace(b"\\u0000", b"\\ufffd")
    return out


def to_jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON data (dicts, lists, strings, numbers)."""
    return orjson.loads(dumps(obj))


def shown(obj: Any, limit: int = 20_000) -> Any:
    """``obj`` as plain JSON data to show (a paused run's state, a stopped frame's locals),
    its repr when it is no JSON, a word when it has none."""
    try:
        return to_jsonable(obj)
    except Exception:
        try:
            return repr(obj)[:limit]
        except Exception as exc:
            return f"<unrepresentable {type(obj).__name__}: {exc}>"
