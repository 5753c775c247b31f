"""A recorded run streamed again through the live app, for screens that must look the same
every time (snapshot tests, `screenshots/make.py`).

Not a fake server: the events are those a real `langgraph dev` sent (recordings/), with
their original names, payloads and times; only the network is left out.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lgtui.capture import read_capture
from lgtui.events import StreamEvent
from lgtui.sources.base import HTTPStatusError, RunHandle, RunRequest


class RecordedSource:
    kind = "remote"  # what it was recorded from
    warnings: tuple[str, ...] = ()

    def __init__(self, path: str | Path) -> None:
        self.capture = read_capture(path)
        header = self.capture.header
        self.target = str(header.get("target") or "")
        self.assistant = str(header.get("assistant") or "")

    async def list_assistants(self) -> list[dict[str, Any]]:
        return [
            {"assistant_id": self.assistant, "graph_id": self.assistant, "name": self.assistant}
        ]

    async def get_graph(self, assistant: str, *, xray: bool = True) -> dict[str, Any]:
        return self.capture.graph or {"nodes": [], "edges": []}

    async def stream_run(
        self, request: RunRequest, handle: RunHandle
    ) -> AsyncIterator[StreamEvent]:
        handle.thread_id = self.capture.header.get("thread_id")
        for event in self.capture.events:
            if handle.run_id is None and event.mode == "metadata":
                handle.run_id = (event.data or {}).get("run_id")
            yield event

    async def cancel_run(self, thread_id: str | None, run_id: str) -> None:
        return None

    async def aclose(self) -> None:
        return None


class RecordedAssistants(RecordedSource):
    """A recorded run, and a server's assistants and crons as recordings/assistants.json
    holds them (asked of a real `langgraph dev`: versions and schemas too)."""

    def __init__(self, path: str | Path, assistants: str | Path) -> None:
        super().__init__(path)
        data = json.loads(Path(assistants).read_text())
        self.assistants: list[dict[str, Any]] = data["assistants"]
        self.versions: dict[str, list[dict[str, Any]]] = data["versions"]
        self.schemas: dict[str, dict[str, Any]] = data["schemas"]
        self.crons: list[dict[str, Any]] = data.get("crons") or []

    async def search_crons(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return copy.deepcopy(self.crons[offset : offset + limit])

    def _find(self, wanted: str) -> dict[str, Any]:
        for a in self.assistants:
            if wanted in (a["assistant_id"], a["graph_id"]):
                return a
        raise HTTPStatusError(404, f"Assistant {wanted} not found", "GET", "/assistants")

    async def list_assistants(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.assistants)

    async def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        return copy.deepcopy(self._find(assistant_id))

    async def assistant_versions(
        self, assistant_id: str, *, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        found = self.versions.get(self._find(assistant_id)["assistant_id"], [])
        return copy.deepcopy(found[offset : offset + limit])

    async def get_schemas(self, assistant: str) -> dict[str, Any]:
        aid = self._find(assistant)["assistant_id"]
        if aid not in self.schemas:
            raise HTTPStatusError(404, "no schemas recorded", "GET", "/schemas")
        return copy.deepcopy(self.schemas[aid])

    async def create_assistant(self, graph_id: str, **fields: Any) -> dict[str, Any]:
        raise HTTPStatusError(405, "a recording cannot make assistants", "POST", "/assistants")

    async def update_assistant(self, assistant_id: str, **fields: Any) -> dict[str, Any]:
        raise HTTPStatusError(405, "a recording cannot change them", "PATCH", "/assistants")

    async def set_latest_version(self, assistant_id: str, version: int) -> dict[str, Any]:
        raise HTTPStatusError(405, "a recording cannot change them", "POST", "/assistants")

    async def delete_assistant(self, assistant_id: str) -> None:
        raise HTTPStatusError(405, "a recording cannot delete them", "DELETE", "/assistants")
