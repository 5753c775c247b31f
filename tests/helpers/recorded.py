"""A recorded run streamed again through the live app, for screens that must look the same
every time (snapshot tests, `screenshots/make.py`).

Not a fake server: the events are those a real `langgraph dev` sent (recordings/), with
their original names, payloads and times; only the network is left out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lgtui.capture import read_capture
from lgtui.events import StreamEvent
from lgtui.sources.base import RunHandle, RunRequest


class RecordedSource:
    kind = "remote"  # what it was recorded from

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
