"""The store, as the server's `/store/*` routes answer about it: the graph's own store
(in memory, or the user's SQLite/PostgreSQL), read and written by the app's Store
browser.  Items are shaped as the API's (`Item.dict()`: namespace, key, value,
created_at, updated_at, and a score for a semantic search)."""

from __future__ import annotations

from typing import Any

from lgtui.sources.base import UsageError

MAX_LIMIT = 1000


def _namespace(value: Any, what: str = "namespace") -> tuple[str, ...]:
    """A namespace as the server takes it: a list of labels, none empty or holding a dot."""
    if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
        raise UsageError(f"the {what} must be a list of labels")
    if any(not p or "." in p for p in value):
        raise UsageError(f"a {what} label cannot be empty or hold a dot")
    return tuple(value)


def _item(item: Any) -> dict[str, Any]:
    out: dict[str, Any] = item.dict()
    return out


async def search(
    store: Any,
    namespace_prefix: list[str],
    *,
    filter: dict[str, Any] | None = None,
    query: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    prefix = _namespace(namespace_prefix, "namespace prefix") if namespace_prefix else ()
    items = await store.asearch(
        prefix,
        filter=filter or None,
        query=query or None,
        limit=max(1, min(MAX_LIMIT, int(limit))),
        offset=max(0, int(offset)),
        refresh_ttl=False,  # (looking at an item must not keep it alive)
    )
    return [_item(i) for i in items]


async def namespaces(
    store: Any,
    *,
    prefix: list[str] | None = None,
    max_depth: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[list[str]]:
    found = await store.alist_namespaces(
        prefix=_namespace(prefix, "prefix") if prefix else None,
        max_depth=max_depth,
        limit=max(1, min(MAX_LIMIT, int(limit))),
        offset=max(0, int(offset)),
    )
    return [list(ns) for ns in found]


async def get(store: Any, namespace: list[str], key: str) -> dict[str, Any] | None:
    item = await store.aget(_namespace(namespace), str(key), refresh_ttl=False)
    return _item(item) if item is not None else None


async def put(
    store: Any,
    namespace: list[str],
    key: str,
    value: Any,
    index: Any = None,
    ttl: float | None = None,
) -> None:
    if not isinstance(value, dict):
        raise UsageError("a store item's value must be a JSON object")
    if not key:
        raise UsageError("a store item needs a key")
    kwargs: dict[str, Any] = {} if index is None else {"index": index}
    ns = _namespace(namespace)
    if ttl is not None:
        try:
            await store.aput(ns, str(key), value, ttl=float(ttl), **kwargs)
            return
        except NotImplementedError:
            pass  # (a store without TTLs keeps the item, as `langgraph dev`'s in memory does)
    await store.aput(ns, str(key), value, **kwargs)


async def delete(store: Any, namespace: list[str], key: str) -> None:
    await store.adelete(_namespace(namespace), str(key))
