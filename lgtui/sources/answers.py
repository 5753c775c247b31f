"""What a server's error answer says, read within bounds: its ``detail``, or a short
piece of its body (at most 64 kB of an error body is read, and the rest is said to be cut)."""

from __future__ import annotations

import httpx
import orjson

from lgtui.sources.sse import read_capped

_MAX_DETAIL = 400


MAX_ERROR_BODY = 64 * 1024  # of an error answer, read at most this much


def detail_of(body: bytes, more: bool, reason: str) -> str:
    """The server's ``detail`` for an error answer, or a short piece of its body."""
    text = body.decode("utf-8", "replace")
    try:
        parsed = orjson.loads(body) if not more else None
    except orjson.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict) and "detail" in parsed:
        detail = parsed["detail"]
        text = detail if isinstance(detail, str) else orjson.dumps(detail).decode()
    text = " ".join(text.split()) or reason or "(empty response)"
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL] + "…"
    if more:
        text += f" (the answer went on past {MAX_ERROR_BODY // 1024} kB: the rest was not read)"
    return text


async def error_detail(response: httpx.Response) -> str:
    body, more = await read_capped(
        response.aiter_raw(), response.headers.get("content-encoding", ""), MAX_ERROR_BODY
    )
    return detail_of(body, more, response.reason_phrase)
