"""Make two streams of the same run comparable: ids, timestamps and server-only keys out."""

from __future__ import annotations

import re
from typing import Any

# Keys only a server adds (deployment facts, auth, request bookkeeping).
SERVER_ONLY_KEYS = {
    "langgraph_api_version",
    "langgraph_plan",
    "langgraph_host",
    "langgraph_api_url",
    "langgraph_auth_user",
    "langgraph_auth_user_id",
    "langgraph_auth_permissions",
    "langgraph_request_id",
    "__request_start_time_ms__",
    "__after_seconds__",
    "user_id",
    "langgraph_user_id",
}
# Per-run values: equal in shape, different by nature.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX32 = re.compile(r"\b[0-9a-f]{32}\b")
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def norm_str(s: str) -> str:
    s = _UUID.sub("<id>", s)
    s = _HEX32.sub("<hex>", s)
    return _ISO.sub("<time>", s)


def norm(value: Any) -> Any:
    if isinstance(value, str):
        return norm_str(value)
    if isinstance(value, dict):
        return {norm_str(str(k)): norm(v) for k, v in value.items() if k not in SERVER_ONLY_KEYS}
    if isinstance(value, list | tuple):
        return [norm(v) for v in value]
    return value


def norm_events(events: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(norm_str(name), norm(data)) for name, data in events]


_SOURCE_ID = re.compile(r"^\d+-\d+(\.\d+)?$")


def norm_envelopes(envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Thread-centric (v2) envelopes made comparable: the source event ids (times) and
    timestamps out, seq counted from the first event shown, ids in data normalized."""
    if not envelopes:
        return []
    first = envelopes[0].get("seq", 0)
    out = []
    for envelope in envelopes:
        params = dict(envelope.get("params") or {})
        params.pop("timestamp", None)
        eid = str(envelope.get("event_id", ""))
        out.append(
            {
                **envelope,
                "event_id": "<source>" if _SOURCE_ID.match(eid) else norm_str(eid),
                "seq": envelope.get("seq", 0) - first,
                "params": norm(params),
            }
        )
    return out
