"""The `AssistantSource` capability of both sources: one implementation of the calls,
over two ways of asking -- a server's ``/assistants`` routes (as langgraph-sdk sends
them) and the engine host's registry (`lgtui/host/assistants.py`, the same rules).
Mixed into `RemoteSource` and `EmbeddedSource`, which say how to ask (`_assistant_op`)."""

from __future__ import annotations

from typing import Any

from lgtui.sources.base import SourceError


def _one(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(f"the server answered {what} with something that is not an object")
    return value


def _fields(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class AssistantsAPI:
    """The calls; ``_assistant_op(op, assistant_id, body)`` asks them."""

    async def _assistant_op(self, op: str, assistant_id: str | None, body: dict[str, Any]) -> Any:
        raise NotImplementedError

    async def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        return _one(await self._assistant_op("get", assistant_id, {}), "the assistant")

    async def create_assistant(
        self,
        graph_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        body = _fields(
            graph_id=graph_id,
            name=name,
            description=description,
            config=config,
            context=context,
            metadata=metadata,
        )
        return _one(await self._assistant_op("create", None, body), "the new assistant")

    async def update_assistant(
        self,
        assistant_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        body = _fields(
            name=name, description=description, config=config, context=context, metadata=metadata
        )
        return _one(await self._assistant_op("update", assistant_id, body), "the new version")

    async def assistant_versions(
        self, assistant_id: str, *, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        answer = await self._assistant_op(
            "versions", assistant_id, {"limit": limit, "offset": offset}
        )
        if not isinstance(answer, list):
            raise SourceError("the server answered the versions with something that is not a list")
        return [v for v in answer if isinstance(v, dict)]

    async def set_latest_version(self, assistant_id: str, version: int) -> dict[str, Any]:
        answer = await self._assistant_op("latest", assistant_id, {"version": version})
        return _one(answer, "the live version")

    async def delete_assistant(self, assistant_id: str) -> None:
        await self._assistant_op("delete", assistant_id, {})

    async def get_schemas(self, assistant: str) -> dict[str, Any]:
        return _one(await self._assistant_op("schemas", assistant, {}), "the schemas")


# (method, path) of each call on a server; {id} is the assistant's
_ROUTES = {
    "get": ("GET", "/assistants/{id}"),
    "create": ("POST", "/assistants"),
    "update": ("PATCH", "/assistants/{id}"),
    "versions": ("POST", "/assistants/{id}/versions"),
    "latest": ("POST", "/assistants/{id}/latest"),
    "delete": ("DELETE", "/assistants/{id}"),
    "schemas": ("GET", "/assistants/{id}/schemas"),
}


class RemoteAssistants(AssistantsAPI):
    async def _request(self, method: str, path: str, **kwargs: Any) -> Any: ...

    async def _assistant_id(self, assistant: str) -> str:
        raise NotImplementedError

    async def _assistant_op(self, op: str, assistant_id: str | None, body: dict[str, Any]) -> Any:
        method, path = _ROUTES[op]
        if assistant_id is not None:
            path = path.format(id=await self._assistant_id(assistant_id))
        if method in ("GET", "DELETE"):
            return await self._request(method, path)
        return await self._request(method, path, json=body)


# the engine host's op of each call
_HOST_OPS = {
    "get": "get_assistant",
    "create": "create_assistant",
    "update": "update_assistant",
    "versions": "assistant_versions",
    "latest": "set_latest_version",
    "delete": "delete_assistant",
}


class HostAssistants(AssistantsAPI):
    async def _call(self, op: str, **args: Any) -> Any: ...

    async def _assistant_op(self, op: str, assistant_id: str | None, body: dict[str, Any]) -> Any:
        if op == "schemas":
            return await self._call("schemas", assistant=assistant_id)
        args = dict(body)
        if assistant_id is not None:
            args["assistant_id"] = assistant_id
        return await self._call(_HOST_OPS[op], **args)
