"""A LangGraph API server, over HTTP and server-sent events (httpx + httpx-sse)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, cast

import httpx
import orjson

from lgtui import __version__
from lgtui.breakpoints import for_server
from lgtui.events import StreamEvent
from lgtui.sources.answers import error_detail
from lgtui.sources.assistants_api import RemoteAssistants
from lgtui.sources.base import (
    NEW_THREAD,
    ConnectError,
    HTTPStatusError,
    RunHandle,
    RunRequest,
    SourceError,
    UsageError,
    read_breakpoints,
)
from lgtui.sources.rejoin import (
    ProtocolError,
    StreamPosition,
    ThreadPosition,
    _Dropped,
    backoff,
)
from lgtui.sources.sse import BodyError, read_capped, read_events
from lgtui.sources.store_api import RemoteCrons, RemoteStore
from lgtui.sources.thread_stream import PROTOCOLS, ThreadStreams

DEFAULT_URL = "http://127.0.0.1:2024"
_MAX_PAGES = 100
MAX_ANSWER = 256 * 1024 * 1024  # of a JSON answer


class RunLost(ConnectError):
    """A rejoin found the server up but the run unknown to it."""


def server_breakpoints(request: RunRequest) -> tuple[list[str] | str, list[str] | str]:
    """interrupt_before and interrupt_after: the request's, with its before:/after:
    breakpoints (the rest are the view's to stop at)."""
    before, after, _ = for_server(read_breakpoints(request.breakpoints))

    def merged(given: list[str] | None, more: list[str]) -> list[str] | str:
        nodes = list(dict.fromkeys([*(given or []), *more]))
        return "*" if "*" in nodes else nodes

    return merged(request.interrupt_before, before), merged(request.interrupt_after, after)


def _run_gone(event: str, data: str) -> bool:
    """The server's answer to a rejoin of a run it does not know: an ``error`` event
    saying 404 (the stream itself answers 200)."""
    return event == "error" and "404" in data and "not found" in data.lower()


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class RemoteSource(RemoteStore, RemoteCrons, RemoteAssistants, ThreadStreams):
    """Talks to `langgraph dev`, a self-hosted server or a cloud deployment."""

    kind = "remote"
    warnings: tuple[str, ...] = ()  # a server's project loaded on its side

    def __init__(
        self,
        url: str = DEFAULT_URL,
        api_key: str | None = None,
        *,
        reconnect_for: float = 60.0,
        stall_after: float = 20.0,
        protocol: str | None = None,
    ) -> None:
        # which stream runs use: "auto" (the thread-centric one where the server has it),
        # "v1", "v2"; $LGTUI_PROTOCOL sets the default
        self.protocol = protocol or os.environ.get("LGTUI_PROTOCOL") or "auto"
        if self.protocol not in PROTOCOLS:
            raise UsageError(
                f"unknown protocol {self.protocol!r}: choose from {', '.join(PROTOCOLS)}"
            )
        self.reconnect_for = reconnect_for
        self.stall_after = stall_after
        url = url.strip()
        if "://" not in url:
            url = "http://" + url
        self.target = url.rstrip("/")
        # compressed bodies are inflated here, within bounds (sources/sse.py)
        headers = {"user-agent": f"lgtui/{__version__}", "accept-encoding": "gzip, deflate"}
        if api_key:
            headers["x-api-key"] = api_key
        self._client = httpx.AsyncClient(
            base_url=self.target,
            headers=headers,
            timeout=httpx.Timeout(30.0, connect=5.0),
        )

    # -- plumbing -----------------------------------------------------------------

    def _transport_error(self, exc: Exception) -> ConnectError:
        if isinstance(exc, httpx.ConnectTimeout | httpx.ConnectError):
            reason = str(exc) or type(exc).__name__
            return ConnectError(
                f"cannot reach {self.target}: {reason} (is the server running? "
                "`langgraph dev` listens on http://127.0.0.1:2024)"
            )
        if isinstance(exc, httpx.TimeoutException):
            return ConnectError(f"{self.target} did not answer in time ({type(exc).__name__})")
        return ConnectError(f"connection to {self.target} failed: {str(exc) or type(exc).__name__}")

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One JSON request; the answer read within bounds (an error's body: 64 kB)."""
        try:
            async with self._client.stream(method, path, **kwargs) as response:
                encoding = response.headers.get("content-encoding", "")
                if response.status_code >= 400:
                    detail = await error_detail(response)
                    raise HTTPStatusError(response.status_code, detail, method, path)
                body, more = await read_capped(response.aiter_raw(), encoding, MAX_ANSWER)
        except httpx.InvalidURL as exc:
            raise ConnectError(f"invalid URL {self.target}: {exc}") from None
        except (httpx.TransportError, httpx.UnsupportedProtocol) as exc:
            raise self._transport_error(exc) from None
        except BodyError as exc:
            raise SourceError(f"{method} {path}: {exc}") from None
        if more:
            raise SourceError(
                f"{method} {path} answered with more than {MAX_ANSWER // 2**20} MiB: not read"
            )
        if not body:
            return None
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            text = body[:200].decode("utf-8", "replace")
            raise SourceError(
                f"{method} {path} answered with something that is not JSON: {text!r}"
            ) from None

    # -- queries ------------------------------------------------------------------

    async def list_assistants(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        limit = 100
        for page in range(_MAX_PAGES):
            batch = await self._request(
                "POST", "/assistants/search", json={"limit": limit, "offset": page * limit}
            )
            if not isinstance(batch, list):
                break
            out.extend(a for a in batch if isinstance(a, dict))
            if len(batch) < limit:
                break
        return out

    async def create_thread(self) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._request("POST", "/threads", json={}))

    async def get_thread(self, thread_id: str) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._request("GET", f"/threads/{thread_id}"))

    async def get_run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        return cast(
            "dict[str, Any]", await self._request("GET", f"/threads/{thread_id}/runs/{run_id}")
        )

    async def cancel_run(self, thread_id: str | None, run_id: str) -> None:
        if thread_id:
            await self._request(
                "POST",
                f"/threads/{thread_id}/runs/{run_id}/cancel",
                params={"action": "interrupt"},
            )

    # -- threads, checkpoints, graphs ------------------------------------------------

    async def search_threads(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "sort_by": "updated_at",
            "sort_order": "desc",
            "select": ["thread_id", "created_at", "updated_at", "metadata", "status", "interrupts"],
        }
        if status:
            body["status"] = status
        if metadata:
            body["metadata"] = metadata
        result = await self._request("POST", "/threads/search", json=body)
        return result if isinstance(result, list) else []

    async def list_runs(
        self, thread_id: str, *, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        runs = await self._request(
            "GET", f"/threads/{thread_id}/runs", params={"limit": limit, "offset": offset}
        )
        return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []

    async def get_history(
        self, thread_id: str, *, limit: int = 100, before: str | None = None
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"limit": limit}
        if before:
            body["before"] = {"configurable": {"checkpoint_id": before}}
        result = await self._request("POST", f"/threads/{thread_id}/history", json=body)
        return result if isinstance(result, list) else []

    async def get_state(
        self, thread_id: str, checkpoint_id: str | None = None, *, subgraphs: bool = False
    ) -> dict[str, Any]:
        path = f"/threads/{thread_id}/state" + (f"/{checkpoint_id}" if checkpoint_id else "")
        return cast(
            "dict[str, Any]",
            await self._request("GET", path, params={"subgraphs": "true"} if subgraphs else None),
        )

    async def update_state(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"values": values}
        if as_node:
            body["as_node"] = as_node
        if checkpoint_id:
            body["checkpoint_id"] = checkpoint_id
        return cast(
            "dict[str, Any]", await self._request("POST", f"/threads/{thread_id}/state", json=body)
        )

    async def delete_thread(self, thread_id: str) -> None:
        await self._request("DELETE", f"/threads/{thread_id}")

    async def copy_thread(self, thread_id: str) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._request("POST", f"/threads/{thread_id}/copy"))

    async def get_graph(self, assistant: str, *, xray: bool = True) -> dict[str, Any]:
        assistant_id = await self._assistant_id(assistant)
        return cast(
            "dict[str, Any]",
            await self._request(
                "GET",
                f"/assistants/{assistant_id}/graph",
                params={"xray": "true"} if xray else None,
            ),
        )

    async def state_keys(self, assistant: str) -> list[str] | None:
        """Top-level keys of the assistant's state schema (None when the server has no schema)."""
        assistant_id = await self._assistant_id(assistant)
        schemas = await self._request("GET", f"/assistants/{assistant_id}/schemas")
        props = ((schemas or {}).get("state_schema") or {}).get("properties")
        return sorted(props) if isinstance(props, dict) else None

    async def _assistant_id(self, assistant: str) -> str:
        if _looks_like_uuid(assistant):
            return assistant
        for a in await self.list_assistants():
            if a.get("graph_id") == assistant or a.get("name") == assistant:
                return str(a["assistant_id"])
        return assistant

    # -- streaming ----------------------------------------------------------------

    def _body(self, request: RunRequest, stateful: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "assistant_id": request.assistant,
            "stream_mode": list(request.stream_mode),
            "stream_subgraphs": request.subgraphs,
        }
        if request.command is not None:
            body["command"] = request.command
        else:
            body["input"] = request.input
        if request.config:
            body["config"] = request.config
        if request.context:
            body["context"] = request.context
        if request.metadata:
            body["metadata"] = request.metadata
        if request.checkpoint_id:
            body["checkpoint_id"] = request.checkpoint_id
        before, after = server_breakpoints(request)
        if before:
            body["interrupt_before"] = before
        if after:
            body["interrupt_after"] = after
        if stateful:
            # Lets a client that lost the connection rejoin with Last-Event-ID.
            body["stream_resumable"] = True
            # A thread already running a run answers 409 at once, instead of this run
            # waiting silently in a queue behind it.
            body["multitask_strategy"] = "reject"
        return body

    async def stream_run(
        self, request: RunRequest, handle: RunHandle
    ) -> AsyncIterator[StreamEvent]:
        """Stream a run; a dropped connection is rejoined with Last-Event-ID when it can be."""
        handle.stall_after = self.stall_after
        if request.answers is not None:
            raise UsageError(
                "a server runs its own graph: answering its model calls from a recording "
                "needs the graph in-process (lgtui rerun CAPTURE --graph PATH)"
            )
        if request.watch:
            if not request.thread_id or request.thread_id == NEW_THREAD:
                raise SourceError("watching needs an existing thread id")
            handle.thread_id = request.thread_id
            async for event in self._watch(request.thread_id, handle):
                yield event
            return
        if await self.protocol_of(request) == 2:
            async for event in self.stream_thread_run(request, handle):
                yield event
            return
        thread_id = request.thread_id
        new_thread = thread_id == NEW_THREAD
        if new_thread:
            # The server creates the thread with the run: no round trip, no orphan thread
            # when the run is refused.
            thread_id = str(uuid.uuid4())
        handle.thread_id = thread_id
        path = f"/threads/{thread_id}/runs/stream" if thread_id else "/runs/stream"
        body = self._body(request, stateful=thread_id is not None)
        if new_thread:
            body["if_not_exists"] = "create"
        stream = StreamPosition()
        try:
            async for event in self._events("POST", path, stream, handle, json=body):
                yield event
            await self._status_after_cancel(thread_id, handle)
            return
        except _Dropped as drop:
            if not (thread_id and handle.run_id and stream.last_id):
                raise ConnectError(
                    f"connection to {self.target} lost after {stream.seq} events: {drop.reason}; "
                    "the run was not resumable, so events may be missing (reload the thread's state)"
                ) from None
            reason = drop.reason
        async for event in self._rejoin(thread_id, stream, handle, reason):
            yield event

    async def _status_after_cancel(self, thread_id: str | None, handle: RunHandle) -> None:
        """A cancelled run's stream just ends: its status is the server's word for it."""
        if not (handle.cancel_requested and thread_id and handle.run_id):
            return
        try:
            run = await self.get_run(thread_id, handle.run_id)
        except SourceError:
            handle.final_status = "interrupted"
            return
        status = run.get("status") if isinstance(run, dict) else None
        handle.final_status = status if isinstance(status, str) and status else "interrupted"
        if handle.final_status == "pending":  # still winding down: it will be interrupted
            handle.final_status = "interrupted"

    async def _watch(self, thread_id: str, handle: RunHandle) -> AsyncIterator[StreamEvent]:
        """Follow a thread; a dropped watch is taken up again (backing off while the server
        is away), and what was sent meanwhile is not replayed: the status bar says so."""
        stream = StreamPosition()
        path = f"/threads/{thread_id}/stream"
        attempt, since, reason = 0, time.monotonic(), ""
        while True:
            before = stream.seq
            try:
                async for event in self._events("GET", path, stream, handle):
                    yield event
                return
            except _Dropped as drop:
                reason = drop.reason
            except HTTPStatusError:
                raise
            except ConnectError as exc:
                if not stream.seq:
                    raise
                reason = exc.message
            if stream.seq > before:
                attempt, since = 0, time.monotonic()
            delay = backoff(attempt)
            if time.monotonic() + delay - since > self.reconnect_for:
                handle.link, handle.link_detail = "connected", ""
                raise ConnectError(
                    f"watch of thread {thread_id} lost and not back after "
                    f"{self.reconnect_for:.0f}s of retrying: {reason}"
                )
            handle.link = "reconnecting"
            handle.link_detail = f"{reason}; events sent meanwhile will be missing"
            await asyncio.sleep(delay)
            attempt += 1

    async def _rejoin(
        self, thread_id: str, stream: StreamPosition, handle: RunHandle, reason: str
    ) -> AsyncIterator[StreamEvent]:
        """Rejoin a dropped run with Last-Event-ID until it ends."""
        path = f"/threads/{thread_id}/runs/{handle.run_id}/stream"

        def again() -> AsyncIterator[StreamEvent]:
            return self._events(
                "GET",
                path,
                stream,
                handle,
                rejoin=True,
                headers={"Last-Event-ID": stream.rejoin_from()},
            )

        async for event in self._keep_rejoining(stream, handle, reason, again):
            yield event

    async def _keep_rejoining(
        self,
        stream: StreamPosition,
        handle: RunHandle,
        reason: str,
        again: Callable[[], AsyncIterator[StreamEvent]],
    ) -> AsyncIterator[StreamEvent]:
        """Open the stream again (``again``) until it ends, backing off while the server
        is away; give up after ``reconnect_for`` seconds without progress."""
        attempt = 0  # consecutive rejoins that brought nothing; progress resets it
        since = time.monotonic()  # the last time an event got through
        while True:
            delay = backoff(attempt)
            if time.monotonic() + delay - since > self.reconnect_for:
                break
            handle.link = "reconnecting"
            handle.link_detail = (
                f"{reason}; attempt {attempt + 1}, next in {delay:.1f}s"
                if attempt
                else f"{reason}; rejoining"
            )
            await asyncio.sleep(delay)
            stream.rejoins += 1
            handle.rejoins = stream.rejoins
            before = stream.seq
            try:
                async for event in again():
                    yield event
                return
            except _Dropped as drop:
                reason = drop.reason
            except RunLost:
                handle.link, handle.link_detail = "connected", ""
                raise
            except ConnectError as exc:
                reason = exc.message
            if stream.seq > before:
                attempt, since = 0, time.monotonic()
            else:
                attempt += 1
        handle.link, handle.link_detail = "connected", ""
        raise ConnectError(
            f"connection to {self.target} lost after {stream.seq} events and not back after "
            f"{self.reconnect_for:.0f}s of retrying: {reason}"
        )

    async def _events(
        self,
        method: str,
        path: str,
        stream: StreamPosition,
        handle: RunHandle,
        rejoin: bool = False,
        v2: bool = False,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamEvent, None]:
        """SSE events of one request; raises _Dropped when the connection breaks mid-way.
        ``v2``: envelopes of the thread-centric stream, those of ``stream``'s run only."""
        received = 0
        headers = {
            **(kwargs.pop("headers", None) or {}),
            "accept": "text/event-stream",
            "cache-control": "no-store",
        }
        opened = self._client.stream(
            method,
            path,
            headers=headers,
            timeout=httpx.Timeout(30.0, connect=5.0, read=None),
            **kwargs,
        )
        try:
            try:  # a server that takes the connection and says nothing: not forever
                response = await asyncio.wait_for(opened.__aenter__(), self.stall_after)
            except TimeoutError:
                raise ConnectError(
                    f"{self.target} took the connection but sent no answer in "
                    f"{self.stall_after:g}s ({method} {path}; --stall-after sets how long)"
                ) from None
            try:
                if response.status_code >= 400:
                    detail = await error_detail(response)
                    raise HTTPStatusError(response.status_code, detail, method, path)
                content_type = response.headers.get("content-type", "").partition(";")[0]
                if "text/event-stream" not in content_type:
                    raise SourceError(
                        f"{method} {path} did not answer with an event stream: expected "
                        f"Content-Type text/event-stream, got {content_type!r}"
                    )
                handle.last_data = time.monotonic()
                handle.link, handle.link_detail = "connected", ""

                def arrived() -> None:
                    handle.last_data = time.monotonic()

                async for sse, cut in read_events(
                    response.aiter_raw(), response.headers.get("content-encoding", ""), arrived
                ):
                    if sse is None:
                        handle.cut_events = cut.events
                        continue
                    if not sse.data:
                        # `: heartbeat` comments and other blocks without data dispatch
                        # nothing (as the SSE spec says)
                        continue
                    sse_id = sse.id or None
                    if v2:
                        assert isinstance(stream, ThreadPosition)
                        received += 1
                        try:
                            event = stream.thread_event(sse, handle)
                        except ProtocolError as exc:
                            raise SourceError(exc.said(self.target, stream.seq)) from None
                        if event is not None:
                            stream.seq += 1
                            yield event
                        if stream.ended_with in ("completed", "failed"):
                            return  # (the server never ends the thread's stream)
                        continue
                    if stream.seen(sse_id, sse.data):
                        continue
                    if rejoin and not received and _run_gone(sse.event, sse.data):
                        raise RunLost(
                            f"the server at {self.target} came back without run "
                            f"{handle.run_id} (it was restarted?): events after "
                            f"#{stream.seq - 1} are missing; the thread's state may tell "
                            "what happened (h: history)"
                        )
                    received += 1
                    event = StreamEvent(
                        stream.seq,
                        time.monotonic() - stream.start,
                        sse.event or "message",
                        sse.data.encode("utf-8", "replace"),
                        id=sse_id,
                        run_id=handle.run_id,
                    )
                    if event.event == "metadata" and handle.run_id is None:
                        data = event.data
                        if isinstance(data, dict) and isinstance(data.get("run_id"), str):
                            handle.run_id = event.run_id = data["run_id"]
                    stream.seq += 1
                    stream.delivered(sse_id, sse.data)
                    yield event
            finally:
                await opened.__aexit__(None, None, None)
        except BodyError as exc:
            raise SourceError(f"{method} {path}: {exc}") from None
        except httpx.InvalidURL as exc:
            raise ConnectError(f"invalid URL {self.target}: {exc}") from None
        except (httpx.TransportError, httpx.UnsupportedProtocol) as exc:
            if received or stream.seq:
                raise _Dropped(str(exc) or type(exc).__name__) from None
            raise self._transport_error(exc) from None

    async def aclose(self) -> None:
        await self._client.aclose()
