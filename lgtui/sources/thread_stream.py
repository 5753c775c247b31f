"""The thread-centric event stream of a LangGraph API server (v2; langgraph-api >= 0.9),
mixed into `RemoteSource` (lgtui/v2.py says what its events are).

A run is started with a command (``POST /threads/{id}/commands``, ``run.start``; an
interrupt is answered with ``input.respond``) and watched on the thread's event stream
(``POST /threads/{id}/stream/events`` with the channels, namespaces and depth asked
for).  That stream replays the thread from its first run and never ends by itself: this
run's events are taken from its root ``lifecycle`` to the one that ends it.  A dropped
connection is opened again with ``since``, the number of the last event read.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import orjson

from lgtui.events import StreamEvent
from lgtui.sources.base import (
    NEW_THREAD,
    HTTPStatusError,
    RunHandle,
    RunRequest,
    SourceError,
    UsageError,
)
from lgtui.sources.rejoin import ThreadPosition, _Dropped
from lgtui.sources.sse import read_capped
from lgtui.v2 import CHANNELS, STATUS_OF_LIFECYCLE, channel_ok

PROTOCOLS = ("auto", "v1", "v2")
# After the root's `interrupted` the server goes on with what else the run says (each
# interrupt it waits on, the state): the stream is read until this long passes quietly.
INTERRUPTED_QUIET = 0.5


class ThreadStreams:
    """`RemoteSource`'s v2 runs: choosing the protocol, commands, the stream."""

    target: str
    protocol: str = "auto"
    _v2: bool | None = None

    # (RemoteSource's)
    async def _request(self, method: str, path: str, **kwargs: Any) -> Any: ...

    _events: Callable[..., AsyncGenerator[StreamEvent, None]]
    _keep_rejoining: Callable[..., AsyncIterator[StreamEvent]]
    _client: Any

    # -- which stream ---------------------------------------------------------------------

    async def has_v2(self) -> bool:
        """Whether the server speaks the thread-centric stream: it answers a malformed
        command with a protocol error (an older server: 404).  Asked once."""
        if self._v2 is None:
            self._v2 = await self._probe_v2()
        return self._v2

    async def _probe_v2(self) -> bool:
        import httpx

        try:
            async with self._client.stream(
                "POST",
                f"/threads/{uuid.uuid4()}/commands",
                content=b"{}",
                headers={"content-type": "application/json"},
            ) as response:
                if response.status_code in (401, 403):
                    return False  # the run itself will say why
                body, _ = await read_capped(
                    response.aiter_raw(), response.headers.get("content-encoding", ""), 4096
                )
        except (httpx.HTTPError, OSError):
            return False
        try:
            answer = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False
        return isinstance(answer, dict) and answer.get("type") == "error" and "error" in answer

    async def protocol_of(self, request: RunRequest) -> int:
        """1 or 2: the stream ``request`` is run on here."""
        wanted = request.protocol if request.protocol != "auto" else self.protocol
        if wanted == "v1":
            return 1
        refusal = request.v2_refusal()
        if wanted == "v2":
            if refusal:
                raise UsageError(f"the thread-centric stream (--protocol v2) cannot {refusal}")
            if not await self.has_v2():
                raise SourceError(
                    f"{self.target} has no thread-centric event stream "
                    "(langgraph-api 0.9 or later has it): use --protocol v1"
                )
            return 2
        return 2 if refusal is None and await self.has_v2() else 1

    # -- commands -------------------------------------------------------------------------

    async def command(self, thread_id: str, method: str, params: dict[str, Any]) -> Any:
        """One protocol command; its ``result``, or a SourceError with the server's words."""
        body = {"id": 1, "method": method, "params": params}
        try:
            answer = await self._request("POST", f"/threads/{thread_id}/commands", json=body)
        except HTTPStatusError as exc:
            if exc.status != 400:
                raise
            raise SourceError(f"{method} refused: {_protocol_words(exc.detail)}") from None
        if not isinstance(answer, dict):
            raise SourceError(f"{method}: the server answered with something not a command reply")
        if answer.get("type") == "error":
            raise SourceError(f"{method} refused: {_protocol_words(answer)}")
        return answer.get("result")

    async def _pending_interrupts(self, thread_id: str) -> list[str]:
        state = await self._request("GET", f"/threads/{thread_id}/state")
        found: list[str] = []
        if isinstance(state, dict):
            items = list(state.get("interrupts") or [])
            for task in state.get("tasks") or []:
                if isinstance(task, dict):
                    items.extend(task.get("interrupts") or [])
            for item in items:
                iid = item.get("id") if isinstance(item, dict) else None
                if isinstance(iid, str) and iid not in found:
                    found.append(iid)
        return found

    async def _respond(self, thread_id: str, command: dict[str, Any]) -> str:
        """Answer the thread's interrupts (one ``input.respond``, a batch when several
        wait; a ``resume`` keyed by interrupt id answers each its own); the run it made."""
        pending = await self._pending_interrupts(thread_id)
        if not pending:
            raise SourceError(f"thread {thread_id} has no interrupt waiting for an answer")
        resume = command.get("resume")
        if isinstance(resume, dict) and resume and set(resume) <= set(pending):
            answers = list(resume.items())
        else:
            answers = [(iid, resume) for iid in pending]
        params: dict[str, Any] = {
            "responses": [
                {"interrupt_id": iid, "namespace": [], "response": value} for iid, value in answers
            ]
        }
        for key in ("update", "goto"):
            if command.get(key) is not None:
                params[key] = command[key]
        await self.command(thread_id, "input.respond", params)
        runs = await self._request("GET", f"/threads/{thread_id}/runs", params={"limit": 1})
        run = runs[0] if isinstance(runs, list) and runs and isinstance(runs[0], dict) else {}
        if not isinstance(run.get("run_id"), str):
            raise SourceError("input.respond: the server started no run to resume the thread")
        return str(run["run_id"])

    # -- the stream -----------------------------------------------------------------------

    async def stream_thread_run(
        self, request: RunRequest, handle: RunHandle
    ) -> AsyncIterator[StreamEvent]:
        thread_id = request.thread_id or NEW_THREAD
        if thread_id == NEW_THREAD:
            thread_id = str(uuid.uuid4())  # made with the run, as langgraph-sdk does
        handle.thread_id = thread_id
        if request.command is not None:
            run_id = await self._respond(thread_id, request.command)
        else:
            result = await self.command(thread_id, "run.start", run_start_params(request))
            found = result.get("run_id") if isinstance(result, dict) else None
            if not isinstance(found, str) or not found:
                raise SourceError("run.start: the server answered without a run id")
            run_id = found
        handle.run_id = run_id
        path = f"/threads/{thread_id}/stream/events"
        body = stream_body(request)
        stream = ThreadPosition(run_id, request.channels, request.namespaces, request.depth)

        async def connection() -> AsyncIterator[StreamEvent]:
            events = self._events(
                "POST", path, stream, handle, v2=True, json={**body, **stream.since()}
            )
            try:
                while True:
                    # an interrupt ends the root at once, while the run still says what
                    # else waits (another interrupt, the state): read until it is quiet
                    quiet = INTERRUPTED_QUIET if stream.ended_with == "interrupted" else None
                    try:
                        event = await asyncio.wait_for(anext(events), quiet)
                    except (StopAsyncIteration, TimeoutError):
                        break
                    yield event
            finally:
                await events.aclose()
            if stream.ended_with is None:
                raise _Dropped("the server closed the stream before the run ended")
            handle.final_status = STATUS_OF_LIFECYCLE[stream.ended_with]

        try:
            async for event in connection():
                yield event
            return
        except _Dropped as drop:
            reason = drop.reason
        async for event in self._keep_rejoining(stream, handle, reason, connection):
            yield event


def run_start_params(request: RunRequest) -> dict[str, Any]:
    """``run.start``'s params: the run's context rides in ``configurable`` (the server makes
    the context of a v2 run from it), a checkpoint too."""
    config = dict(request.config or {})
    configurable = dict(config.get("configurable") or {})
    if request.context:
        configurable.update(request.context)
    if request.checkpoint_id:
        configurable["checkpoint_id"] = request.checkpoint_id
    if configurable:
        config["configurable"] = configurable
    params: dict[str, Any] = {"assistant_id": request.assistant, "input": request.input}
    if config:
        params["config"] = config
    if request.metadata:
        params["metadata"] = request.metadata
    # a thread already running a run says so at once (as lgtui's run-stream runs do)
    params["multitaskStrategy"] = "reject"
    return params


def stream_body(request: RunRequest) -> dict[str, Any]:
    channels = list(request.channels or CHANNELS)
    bad = [c for c in channels if not channel_ok(c)]
    if bad:
        raise UsageError(
            f"unknown channel {bad[0]!r}; choose from {', '.join(CHANNELS)} or custom:<name>"
        )
    # the root's lifecycle always (the run's end), every namespace: what the user chose
    # is kept by the client (ThreadPosition)
    if "lifecycle" not in channels:
        channels.append("lifecycle")
    return {"channels": channels}


def _protocol_words(answer: Any) -> str:
    """``code: message`` of a protocol error (an answer, or the text of one)."""
    if isinstance(answer, str):
        text = answer
        try:
            answer = orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
    if isinstance(answer, dict):
        code = answer.get("error") or answer.get("detail") or "error"
        message = answer.get("message") or ""
        return f"{code}: {message}" if message else str(code)
    return str(answer)
