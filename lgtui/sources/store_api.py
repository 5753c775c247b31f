"""The Store capability of both sources (`StoreSource`): the server's `/store/*` routes,
and the same questions put to the engine host; and a server's crons (`CronSource`).
Mixed into `RemoteSource` and `EmbeddedSource`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lgtui.sources.base import SourceError


def _list_of_dicts(value: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise SourceError(f"the store answered {what} with something that is not a list")
    return [v for v in value if isinstance(v, dict)]


class RemoteStore:
    """`/store/items`, `/store/items/search`, `/store/namespaces` (as langgraph-sdk sends them)."""

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any: ...

    async def search_items(
        self,
        namespace_prefix: Sequence[str],
        *,
        filter: dict[str, Any] | None = None,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "namespace_prefix": list(namespace_prefix),
            "limit": limit,
            "offset": offset,
            "refresh_ttl": False,  # (looking at an item must not keep it alive)
        }
        if filter:
            body["filter"] = filter
        if query:
            body["query"] = query
        answer = await self._request("POST", "/store/items/search", json=body)
        items = answer.get("items") if isinstance(answer, dict) else None
        return _list_of_dicts(items, "a search")

    async def list_namespaces(
        self,
        *,
        prefix: Sequence[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[list[str]]:
        body: dict[str, Any] = {"limit": limit, "offset": offset}
        if prefix:
            body["prefix"] = list(prefix)
        if max_depth is not None:
            body["max_depth"] = max_depth
        answer = await self._request("POST", "/store/namespaces", json=body)
        found = answer.get("namespaces") if isinstance(answer, dict) else None
        if not isinstance(found, list):
            raise SourceError("the store answered the namespaces with something not a list")
        return [[str(p) for p in ns] for ns in found if isinstance(ns, list)]

    async def get_item(self, namespace: Sequence[str], key: str) -> dict[str, Any] | None:
        answer = await self._request(
            "GET",
            "/store/items",
            params={"namespace": ".".join(namespace), "key": key, "refresh_ttl": "false"},
        )
        return answer if isinstance(answer, dict) else None

    async def put_item(
        self, namespace: Sequence[str], key: str, value: dict[str, Any], ttl: float | None = None
    ) -> None:
        body: dict[str, Any] = {"namespace": list(namespace), "key": key, "value": value}
        if ttl is not None:
            body["ttl"] = ttl
        await self._request("PUT", "/store/items", json=body)

    async def delete_item(self, namespace: Sequence[str], key: str) -> None:
        await self._request(
            "DELETE", "/store/items", json={"namespace": list(namespace), "key": key}
        )


class RemoteCrons:
    """A server's scheduled runs, read-only (``POST /runs/crons/search``)."""

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any: ...

    async def search_crons(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        answer = await self._request(
            "POST", "/runs/crons/search", json={"limit": limit, "offset": offset}
        )
        return _list_of_dicts(answer, "the crons")


class HostStore:
    """The embedded graphs' store, asked through the engine host."""

    async def _call(self, op: str, **args: Any) -> Any: ...

    async def search_items(
        self,
        namespace_prefix: Sequence[str],
        *,
        filter: dict[str, Any] | None = None,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        answer = await self._call(
            "store_search",
            namespace_prefix=list(namespace_prefix),
            filter=filter,
            query=query,
            limit=limit,
            offset=offset,
        )
        return _list_of_dicts(answer, "a search")

    async def list_namespaces(
        self,
        *,
        prefix: Sequence[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[list[str]]:
        answer = await self._call(
            "store_namespaces",
            prefix=list(prefix) if prefix else None,
            max_depth=max_depth,
            limit=limit,
            offset=offset,
        )
        return [[str(p) for p in ns] for ns in answer or [] if isinstance(ns, list)]

    async def get_item(self, namespace: Sequence[str], key: str) -> dict[str, Any] | None:
        answer = await self._call("store_get", namespace=list(namespace), key=key)
        return answer if isinstance(answer, dict) else None

    async def put_item(
        self, namespace: Sequence[str], key: str, value: dict[str, Any], ttl: float | None = None
    ) -> None:
        await self._call("store_put", namespace=list(namespace), key=key, value=value, ttl=ttl)

    async def delete_item(self, namespace: Sequence[str], key: str) -> None:
        await self._call("store_delete", namespace=list(namespace), key=key)
