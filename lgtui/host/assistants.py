"""The host's assistants, as `langgraph dev`'s in-memory runtime keeps them.

The rules (docs/embedded.md says which test holds each):

- Every graph has a system assistant: its id is uuid5 of the graph id, its name the
  graph's own (or the graph id), ``metadata.created_by`` ``system``, version 1.
- ``create``: ``config.configurable`` and ``context`` cannot both be given (400); each
  becomes a copy of the other; a new id unless one is given (409 when it exists and
  ``if_exists`` is ``raise``, the existing one when ``do_nothing``); name "Untitled" by
  default; version 1, kept in the versions too.
- ``update`` (PATCH) writes a new version (the highest + 1) and makes it the live one:
  ``config`` when given (non-empty) else the assistant's, ``context`` when given,
  ``metadata`` merged over the assistant's, name and description when given.
- ``set_latest`` makes an older version live: its config, metadata, name and description
  (not its context: the server keeps the assistant's, and so does this).
- ``versions`` newest first; ``search`` newest created first, by graph id, name
  (case-insensitive part) and metadata (contains); ``delete`` drops the versions too.
- ``schemas``: the graph's input, output, state (its stream channels' update types),
  config (the ``configurable`` part of the config schema) and context JSON schemas, each
  None when the graph cannot say.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

from lgtui.host.project import Project
from lgtui.sources.base import HTTPStatusError, UsageError

NAMESPACE_GRAPH = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
# keys the server leaves out of a config schema's configurable part
_NOT_CONFIGURABLE = ("thread_id", "thread_ts", "checkpoint_id", "checkpoint_ns", "checkpoint_map")


def system_id(graph_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE_GRAPH, graph_id))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _object(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UsageError(f"the assistant's {what} must be a JSON object")
    return copy.deepcopy(value)


def _contains(outer: Any, inner: Any) -> bool:
    """JSONB containment (``@>``), as the server filters metadata."""
    if isinstance(inner, dict):
        return isinstance(outer, dict) and all(
            k in outer and _contains(outer[k], v) for k, v in inner.items()
        )
    if isinstance(inner, list):
        return isinstance(outer, list) and all(any(_contains(o, i) for o in outer) for i in inner)
    return bool(outer == inner)


def _in_sync(config: dict[str, Any], context: dict[str, Any] | None, path: str) -> Any:
    """``(config, context)`` kept up to date with one another, as the server keeps them."""
    if config.get("configurable") and context:
        raise HTTPStatusError(
            400,
            "Cannot specify both configurable and context. Prefer setting context alone.",
            "POST",
            path,
        )
    if config.get("configurable"):
        context = copy.deepcopy(config["configurable"])
    elif context:
        config["configurable"] = copy.deepcopy(context)
    return config, context


class Assistants:
    """The assistants of one host, and every version of each."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.records: dict[str, dict[str, Any]] = {}  # id -> the live version
        self.versions: dict[str, list[dict[str, Any]]] = {}  # id -> every version
        for graph_id, graph in project.graphs.items():
            self._system(graph_id, graph)

    def _system(self, graph_id: str, graph: Any) -> None:
        from langgraph.pregel import Pregel

        value = getattr(graph, "value", None)
        name = getattr(value, "name", None) if isinstance(value, Pregel) else None
        self._add(
            system_id(graph_id),
            graph_id=graph_id,
            name=name if name not in (None, "LangGraph") else graph_id,
            description=getattr(graph, "description", None),
            config={},
            context={},
            metadata={"created_by": "system"},
        )

    def _add(self, assistant_id: str, **fields: Any) -> dict[str, Any]:
        ts = _now()
        record = {"assistant_id": assistant_id, **fields, "version": 1}
        record.update(created_at=ts, updated_at=ts)
        self.records[assistant_id] = record
        version = {k: copy.deepcopy(v) for k, v in record.items() if k != "updated_at"}
        self.versions[assistant_id] = [version]
        return record

    # -- finding ---------------------------------------------------------------------------

    def resolve(self, wanted: str) -> dict[str, Any]:
        """The assistant an id, graph id or name stands for (an id first: two assistants
        may share a graph; a graph id names its system assistant)."""
        from lgtui.sources.base import resolve_assistant

        if wanted in self.records:
            return self.records[wanted]
        system = [a for a in self.records.values() if a["metadata"].get("created_by") == "system"]
        for a in system:
            if a["graph_id"] == wanted:
                return a
        return resolve_assistant(list(self.records.values()), wanted)

    def get(self, assistant_id: str) -> dict[str, Any]:
        record = self.records.get(str(assistant_id))
        if record is None:
            raise HTTPStatusError(
                404, f"Assistant {assistant_id} not found", "GET", f"/assistants/{assistant_id}"
            )
        return record

    def search(
        self,
        *,
        graph_id: str | None = None,
        name: str | None = None,
        metadata: dict[str, Any] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        found = [
            a
            for a in self.records.values()
            if (not graph_id or a["graph_id"] == graph_id)
            and (not name or name.lower() in str(a.get("name") or "").lower())
            and (not metadata or _contains(a.get("metadata"), metadata))
        ]
        found.sort(key=lambda a: str(a["created_at"]), reverse=True)
        return copy.deepcopy(found[offset : offset + limit])

    # -- changing --------------------------------------------------------------------------

    def _graph(self, graph_id: Any, path: str) -> str:
        if not isinstance(graph_id, str) or graph_id not in self.project.graphs:
            listed = ", ".join(sorted(self.project.graphs)) or "none"
            raise HTTPStatusError(
                404, f"Graph {graph_id!r} not found (graphs: {listed})", "POST", path
            )
        return graph_id

    def create(
        self,
        graph_id: str,
        *,
        assistant_id: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        if_exists: str = "raise",
    ) -> dict[str, Any]:
        path = "/assistants"
        graph_id = self._graph(graph_id, path)
        config, context = _in_sync(_object(config, "config"), _object(context, "context"), path)
        if assistant_id is not None:
            try:
                assistant_id = str(uuid.UUID(str(assistant_id)))
            except ValueError:
                raise HTTPStatusError(
                    422, "Invalid assistant ID: must be a UUID", "POST", path
                ) from None
            if assistant_id in self.records:
                if if_exists == "do_nothing":
                    return copy.deepcopy(self.records[assistant_id])
                raise HTTPStatusError(409, f"Assistant {assistant_id} already exists", "POST", path)
        record = self._add(
            assistant_id or str(uuid.uuid4()),
            graph_id=graph_id,
            name=name or "Untitled",
            description=description,
            config=config,
            context=context or {},
            metadata=_object(metadata, "metadata"),
        )
        return copy.deepcopy(record)

    def update(
        self,
        assistant_id: str,
        *,
        graph_id: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        path = f"/assistants/{assistant_id}"
        record = self.get(assistant_id)
        if graph_id is not None:
            graph_id = self._graph(graph_id, path)
        given_context = None if context is None else _object(context, "context")
        config, context = _in_sync(_object(config, "config"), given_context, path)
        number = max(v["version"] for v in self.versions[record["assistant_id"]]) + 1
        version = {
            "assistant_id": record["assistant_id"],
            "version": number,
            "graph_id": graph_id or record["graph_id"],
            "config": config or copy.deepcopy(record["config"]),
            "context": context if context is not None else copy.deepcopy(record.get("context")),
            "metadata": {**record["metadata"], **_object(metadata, "metadata")},
            "created_at": _now(),
            "name": name if name is not None else record["name"],
            "description": description if description is not None else record.get("description"),
        }
        self.versions[record["assistant_id"]].append(version)
        record.update(
            {k: copy.deepcopy(v) for k, v in version.items() if k not in ("created_at",)},
            updated_at=version["created_at"],
        )
        return copy.deepcopy(record)

    def set_latest(self, assistant_id: str, version: int) -> dict[str, Any]:
        record = self.get(assistant_id)
        chosen = next(
            (v for v in self.versions[record["assistant_id"]] if v["version"] == version), None
        )
        if chosen is None:
            raise HTTPStatusError(
                404,
                f"Version {version} not found for assistant {assistant_id}",
                "POST",
                f"/assistants/{assistant_id}/latest",
            )
        record.update(
            config=copy.deepcopy(chosen["config"]),
            metadata=copy.deepcopy(chosen["metadata"]),
            version=chosen["version"],
            name=chosen["name"],
            description=chosen.get("description"),
            updated_at=_now(),
        )
        return copy.deepcopy(record)

    def list_versions(
        self, assistant_id: str, *, limit: int = 10, offset: int = 0
    ) -> list[dict[str, Any]]:
        record = self.get(assistant_id)
        versions = sorted(
            self.versions[record["assistant_id"]], key=lambda v: v["version"], reverse=True
        )
        return copy.deepcopy(versions[offset : offset + limit])

    def delete(self, assistant_id: str) -> None:
        record = self.get(assistant_id)
        del self.records[record["assistant_id"]]
        del self.versions[record["assistant_id"]]


# -- schemas ------------------------------------------------------------------------------


def _state_schema(graph: Any) -> dict[str, Any] | None:
    from typing import Any as AnyType

    from pydantic import create_model

    fields: dict[str, Any] = {}
    for key in graph.stream_channels_list:
        kind = graph.channels[key].UpdateType
        try:
            create_model(key, __root__=(kind, None)).model_json_schema()
            fields[key] = (kind, None)
        except Exception:
            fields[key] = (AnyType, None)
    schema: dict[str, Any] = create_model(graph.get_name("State"), **fields).model_json_schema()
    return schema


def _configurable_schema(graph: Any) -> dict[str, Any] | None:
    from pydantic import TypeAdapter

    schema = graph.config_schema()
    fields = getattr(schema, "model_fields", None) or getattr(schema, "__fields__", None)
    if not fields or "configurable" not in fields:
        return {}
    annotation: Any = fields["configurable"].annotation
    out: dict[str, Any] = TypeAdapter(annotation).json_schema()
    for key in _NOT_CONFIGURABLE:
        (out.get("properties") or {}).pop(key, None)
    name = getattr(getattr(graph, "config_type", None), "__name__", None)
    if out and name:
        out["title"] = name
    return out


def schemas(graph: Any, graph_id: str) -> dict[str, Any]:
    """What ``GET /assistants/{id}/schemas`` answers for ``graph`` (a compiled graph)."""
    out: dict[str, Any] = {"graph_id": graph_id}
    getters = {
        "input_schema": graph.get_input_jsonschema,
        "output_schema": graph.get_output_jsonschema,
        "state_schema": lambda: _state_schema(graph),
        "config_schema": lambda: _configurable_schema(graph),
        "context_schema": graph.get_context_jsonschema,
    }
    for key, get in getters.items():
        try:
            out[key] = get()
        except Exception:  # (a schema pydantic cannot draw: the server says None too)
            out[key] = None
    return out
