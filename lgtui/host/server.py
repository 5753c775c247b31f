"""The host's side of the socket: requests in, replies and event batches out.

Every request runs as a task of its own; a run's events wait in one ordered outbox that a
single writer drains, so events batch up while the socket is busy and go out one by one
when it is not.  Bounded: a graph faster than the app waits, as a server's run waits.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from lgtui.breakpoints import ACTIONS
from lgtui.host import assistants, calls, debugger, pauses, store_ops, wire
from lgtui.host.runtime import Engine, merge, new_id, now_iso
from lgtui.host.thread_stream import ThreadStreamRun
from lgtui.host.threads import Threads
from lgtui.sources import serialize
from lgtui.sources.base import HTTPStatusError, LoadError, SourceError, UsageError
from lgtui.v2 import root_ended, wanted, wire_name

_TASK_NOTE = re.compile(r"During task with name '(.*)' and id")
OUTBOX_BYTES = 32 * 1024 * 1024  # events waiting for the socket before a run waits


def error_reply(exc: BaseException) -> dict[str, Any]:
    """An exception as the app re-raises it: a SourceError kind and its message."""
    if isinstance(exc, HTTPStatusError):
        return {
            "kind": "http",
            "status": exc.status,
            "detail": exc.detail,
            "method": getattr(exc, "method", ""),
            "path": getattr(exc, "path", ""),
        }
    if isinstance(exc, LoadError):
        return {"kind": "load", "message": exc.message}
    if isinstance(exc, UsageError):
        return {"kind": "usage", "message": exc.message}
    if isinstance(exc, SourceError):
        return {"kind": "source", "message": exc.message}
    return {
        "kind": "internal",
        "message": f"{type(exc).__name__}: {exc}",
        "traceback": traceback.format_exc(limit=30),
    }


def mark_logs(rid: int) -> None:
    """Write a mark into stdout and stderr after what the run printed: the app waits for
    it before saying the run ended, so the run's prints come before its last words."""
    import sys

    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        try:
            if stream is not None:
                stream.flush()
            os.write(fd, f"{wire.LOG_MARK}{rid}\n".encode())
        except (OSError, ValueError):
            pass


class Outbox:
    """Frames waiting for the socket, in order; consecutive events of one stream batch."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._items: list[Any] = []  # bytes (a JSON frame) or [request id, events, size]
        self._bytes = 0
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.closed = False

    def send(self, message: dict[str, Any]) -> None:
        frame = wire.json_frame(message)
        self._items.append(frame)
        self._bytes += len(frame)
        self._wake.set()

    async def event(self, request_id: int, name: str, t: float, payload: bytes) -> None:
        items = self._items
        size = len(payload) + len(name) + 14
        last = items[-1] if items else None
        if isinstance(last, list) and last[0] == request_id and last[2] < wire.BATCH_BYTES:
            last[1].append((name, t, payload))
            last[2] += size
        else:
            items.append([request_id, [(name, t, payload)], size])
        self._bytes += size
        self._wake.set()
        if self._bytes > OUTBOX_BYTES:
            self._room.clear()
            await self._room.wait()

    async def run(self) -> None:
        writer = self._writer
        while True:
            await self._wake.wait()
            self._wake.clear()
            items, self._items = self._items, []
            self._bytes = 0
            self._room.set()
            for item in items:
                if isinstance(item, bytes):
                    writer.write(item)
                else:
                    writer.write(wire.events_frame(item[0], item[1]))
            try:
                await writer.drain()
            except (ConnectionError, OSError):
                self.closed = True
                return


class HostServer:
    def __init__(
        self,
        engine: Engine,
        threads: Threads,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.engine = engine
        self.threads = threads
        self.reader = reader
        self.outbox = Outbox(writer)
        self.running: dict[str, asyncio.Task[Any]] = {}  # run id -> its task
        self.cancelled: set[str] = set()
        self.stream_of: dict[str, int] = {}  # run id -> the request streaming it
        self.ended: set[int] = set()  # streams already told they ended
        self.paused: dict[str, pauses.RunPauses] = {}  # run id -> its breakpoints
        self.tasks: set[asyncio.Task[Any]] = set()
        self.ops: dict[str, Callable[..., Any]] = {
            "assistants": self.op_assistants,
            "get_assistant": self.op_get_assistant,
            "create_assistant": self.op_create_assistant,
            "update_assistant": self.op_update_assistant,
            "assistant_versions": self.op_assistant_versions,
            "set_latest_version": self.op_set_latest_version,
            "delete_assistant": self.op_delete_assistant,
            "schemas": self.op_schemas,
            "graph": self.op_graph,
            "state_keys": self.op_state_keys,
            "create_thread": self.op_create_thread,
            "get_thread": self.op_get_thread,
            "search_threads": self.op_search_threads,
            "history": self.op_history,
            "state": self.op_state,
            "update_state": self.op_update_state,
            "delete_thread": self.op_delete_thread,
            "copy_thread": self.op_copy_thread,
            "list_runs": self.op_list_runs,
            "cancel": self.op_cancel,
            "resume": self.op_resume,
            **debugger.OPS,  # code breakpoints
            # the graph's store, as /store/* answers about it
            "store_search": self.on_store(store_ops.search),
            "store_namespaces": self.on_store(store_ops.namespaces),
            "store_get": self.on_store(store_ops.get),
            "store_put": self.on_store(store_ops.put),
            "store_delete": self.on_store(store_ops.delete),
        }

    def on_store(self, op: Callable[..., Any]) -> Callable[..., Any]:
        async def call(**args: Any) -> Any:
            return await op(self.engine.store, **args)

        return call

    async def serve(self) -> None:
        writer_task = asyncio.ensure_future(self.outbox.run())
        frames = wire.FrameReader()
        try:
            while True:
                data = await self.reader.read(1 << 16)
                if not data:
                    return  # the app went away
                for kind, body in frames.feed(data):
                    if kind != wire.JSON:
                        continue
                    message = wire.loads(body)
                    if message.get("op") == "shutdown":
                        return
                    task = asyncio.ensure_future(self.handle(message))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)
        finally:
            for task in list(self.tasks):
                task.cancel()
            if self.tasks:
                await asyncio.wait(self.tasks, timeout=2)
            writer_task.cancel()

    async def handle(self, message: dict[str, Any]) -> None:
        rid = int(message.get("id", 0))
        op = str(message.get("op"))
        args = message.get("args") or {}
        try:
            if op == "run":
                await self.run(rid, args)
                return
            fn = self.ops.get(op)
            if fn is None:
                raise UsageError(f"the engine host does not know {op!r}")
            result = await fn(**args)
            self.outbox.send({"id": rid, "ok": serialize.to_jsonable(result)})
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            self.outbox.send({"id": rid, "err": error_reply(exc)})

    # -- queries ---------------------------------------------------------------------------

    async def op_assistants(self, **search: Any) -> list[dict[str, Any]]:
        return self.engine.assistants.search(**search)

    def _id(self, wanted: str) -> str:
        """An assistant's id (a graph id names its own); an unknown one is left to be
        answered 404, as the server answers it."""
        try:
            return str(self.engine.resolve(wanted)["assistant_id"])
        except UsageError:
            return wanted

    async def op_get_assistant(self, assistant_id: str) -> dict[str, Any]:
        return dict(self.engine.assistants.get(self._id(assistant_id)))

    async def op_create_assistant(self, graph_id: str, **fields: Any) -> dict[str, Any]:
        return self.engine.assistants.create(graph_id, **fields)

    async def op_update_assistant(self, assistant_id: str, **fields: Any) -> dict[str, Any]:
        return self.engine.assistants.update(self._id(assistant_id), **fields)

    async def op_assistant_versions(self, assistant_id: str, **page: Any) -> Any:
        return self.engine.assistants.list_versions(self._id(assistant_id), **page)

    async def op_set_latest_version(self, assistant_id: str, version: int) -> dict[str, Any]:
        return self.engine.assistants.set_latest(self._id(assistant_id), int(version))

    async def op_delete_assistant(self, assistant_id: str) -> None:
        self.engine.assistants.delete(self._id(assistant_id))

    @asynccontextmanager
    async def _graph_of(self, wanted: str) -> AsyncIterator[Any]:
        """The graph of an assistant, made with the assistant's config (as the server's
        ``assistants.read`` routes make it)."""
        assistant = self.engine.resolve(wanted)
        async with self.engine.graph(
            assistant["graph_id"], assistant["config"], access="assistants.read"
        ) as graph:
            yield graph

    async def op_schemas(self, assistant: str) -> dict[str, Any]:
        async with self._graph_of(assistant) as graph:
            return assistants.schemas(graph, self.engine.resolve(assistant)["graph_id"])

    async def op_graph(self, assistant: str, xray: bool = True) -> Any:
        async with self._graph_of(assistant) as graph:
            return graph.get_graph(xray=xray).to_json()

    async def op_state_keys(self, assistant: str) -> list[str] | None:
        async with self._graph_of(assistant) as graph:
            builder = getattr(graph, "builder", None)
            schema = getattr(builder, "state_schema", None)
            hints = getattr(schema, "__annotations__", None)
            if isinstance(hints, dict) and hints:
                return sorted(hints)
            return sorted(k for k in graph.channels if not k.startswith(("__", "branch:")))

    async def op_create_thread(self, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        return Threads.public(self.threads.new(str(uuid.uuid4()), metadata=metadata))

    async def op_get_thread(self, thread_id: str) -> dict[str, Any]:
        return Threads.public(self.threads.get(thread_id))

    async def op_search_threads(self, **kwargs: Any) -> list[dict[str, Any]]:
        return self.threads.search(**kwargs)

    async def op_history(self, thread_id: str, **kwargs: Any) -> list[dict[str, Any]]:
        return await self.threads.history(thread_id, **kwargs)

    async def op_state(self, thread_id: str, **kwargs: Any) -> dict[str, Any]:
        return await self.threads.state(thread_id, **kwargs)

    async def op_update_state(self, thread_id: str, values: Any, **kwargs: Any) -> dict[str, Any]:
        return await self.threads.update(thread_id, values, **kwargs)

    async def op_delete_thread(self, thread_id: str) -> None:
        await self.threads.delete(thread_id)

    async def op_list_runs(self, thread_id: str, limit: int = 10, offset: int = 0) -> Any:
        return await self.threads.list_runs(thread_id, limit=limit, offset=offset)

    async def op_copy_thread(self, thread_id: str) -> dict[str, Any]:
        return Threads.public(await self.threads.copy(thread_id, str(uuid.uuid4())))

    async def op_cancel(self, run_id: str) -> bool:
        """Stop a run: its stream ends now (as a server's does), while the graph winds
        down behind it -- a sync node runs to its end in its thread."""
        task = self.running.get(run_id)
        if task is None:
            return False
        self.cancelled.add(run_id)
        rid = self.stream_of.get(run_id)
        if rid is not None and rid not in self.ended:
            self.ended.add(rid)
            self.outbox.send({"id": rid, "end": {"status": "interrupted", "detail": "cancelled"}})
        task.cancel()
        return True

    async def op_resume(self, run_id: str, action: str = "continue") -> bool:
        """The user's word to a paused run: continue, step or abort."""
        if action not in ACTIONS:
            raise UsageError(f"resume a paused run with one of {', '.join(ACTIONS)}")
        run = self.paused.get(run_id)
        if run is None:
            return False
        if action == "abort":
            run.release()
            return await self.op_cancel(run_id)
        return run.resume(action)

    # -- runs ------------------------------------------------------------------------------

    def _thread_for_run(
        self, assistant: dict[str, Any], request: dict[str, Any], thread_id: str | None
    ) -> tuple[str, dict[str, Any] | None, bool]:
        """``(thread id, the thread as it was before this run or None, temporary)``;
        creates or updates the thread as the server does when a run is put."""
        graph_id = assistant["graph_id"]
        config = request.get("config") or {}
        temporary = thread_id is None
        if thread_id in (None, "new"):
            existing = None
            thread_id = new_id() if temporary else str(uuid.uuid4())
        else:
            existing = self.threads.threads.get(thread_id)
            if existing is None and request.get("protocol") == 2:
                pass  # a v2 run.start makes the thread it names (as langgraph-sdk expects)
            elif existing is None:
                raise HTTPStatusError(
                    404,
                    "Thread or assistant not found.",
                    "POST",
                    f"/threads/{thread_id}/runs/stream",
                )
            if existing is not None and existing.get("status") == "busy":
                raise HTTPStatusError(
                    409,
                    "Thread is already running a task. Wait for it to finish or choose a "
                    "different multitask strategy.",
                    "POST",
                    f"/threads/{thread_id}/runs/stream",
                )
        if existing is None:
            thread = self.threads.new(
                thread_id,
                metadata={
                    "graph_id": graph_id,
                    "assistant_id": assistant["assistant_id"],
                    **(config.get("metadata") or {}),
                    **(request.get("metadata") or {}),
                },
                config=merge(
                    assistant["config"],
                    config,
                    {"configurable": merge(assistant["config"].get("configurable"))},
                ),
            )
        else:
            thread = existing
            thread["metadata"] = merge(
                thread["metadata"],
                {"graph_id": graph_id, "assistant_id": assistant["assistant_id"]},
            )
            thread["config"] = merge(
                assistant["config"],
                thread.get("config"),
                config,
                {
                    "configurable": merge(
                        assistant["config"].get("configurable"),
                        (thread.get("config") or {}).get("configurable"),
                    )
                },
            )
            thread["updated_at"] = now_iso()
        thread["status"] = "busy"
        return thread_id, existing, temporary

    def _trace(self, exc: BaseException) -> dict[str, Any]:
        """What the app shows of a graph's error: the traceback, the node it happened in
        (langgraph notes it), and the innermost frame of the user's own code."""
        node = None
        for note in getattr(exc, "__notes__", None) or ():
            match = _TASK_NOTE.match(str(note))
            if match:
                node = match.group(1)
        root = str(self.engine.project.root)
        where = None
        for frame in traceback.extract_tb(exc.__traceback__):
            path = frame.filename
            if path.startswith(root) and "site-packages" not in path:
                where = f"{os.path.relpath(path, root)}:{frame.lineno}"
        return {
            "text": "".join(traceback.format_exception(exc, limit=60)),
            "node": node,
            "where": where,
        }

    async def run(self, rid: int, request: dict[str, Any]) -> None:
        engine = self.engine
        assistant = engine.resolve(str(request.get("assistant") or ""))
        graph_id = assistant["graph_id"]
        if request.get("watch"):
            raise UsageError(
                "watching a thread follows runs other clients start: it needs a server"
            )
        known = self.threads.threads.get(str(request.get("thread_id")))
        waiting = known is not None and known.get("status") == "interrupted"
        thread_id, existing, temporary = self._thread_for_run(
            assistant, request, request.get("thread_id")
        )
        if (
            request.get("protocol") == 2
            and waiting
            and request.get("command") is None
            and request.get("input") is not None
        ):  # run.start on a thread waiting at an interrupt answers it, as on a server
            request = {**request, "command": {"resume": request["input"]}, "input": None}
        thread = self.threads.threads[thread_id]
        run_id = new_id()
        loop = asyncio.get_running_loop()
        try:
            config, context = engine.run_config(assistant, request, existing, run_id, thread_id)
            paused = pauses.for_run(
                request.get("breakpoints"),
                config,
                lambda where: self.outbox.send({"id": rid, "paused": where}),
                loop,
            )
        except BaseException:
            thread["status"] = "idle"
            raise
        if paused is not None:
            self.paused[run_id] = paused
        self.outbox.send(
            {"id": rid, "info": {"run_id": run_id, "thread_id": None if temporary else thread_id}}
        )
        record: dict[str, Any] = {}
        if not temporary:
            assistant_id = str(assistant["assistant_id"])
            given = request.get("metadata")
            metadata: dict[str, Any] = given if isinstance(given, dict) else {}
            record = self.threads.run_started(thread_id, run_id, assistant_id, metadata)
        self.running[run_id] = asyncio.current_task()  # type: ignore[assignment]
        self.stream_of[run_id] = rid
        start = time.monotonic()
        status, detail = "success", ""
        last_checkpoint: dict[str, Any] | None = None
        v2 = ThreadStreamRun(run_id, graph_id) if request.get("protocol") == 2 else None
        run_calls = calls.RunCalls(
            request.get("answers"),
            bool(request.get("offline")),
            lambda record: self.outbox.send({"id": rid, "call": record}),
        )
        calls.current.set(run_calls)  # this run's task, and the graph's tasks made in it

        ended_at: list[bool] = []  # the root's terminal lifecycle went out

        async def publish(envelopes: list[dict[str, Any]]) -> None:
            """Out, as a client of the server sees this run: until its root's lifecycle
            says it completed or failed (an interrupt ends the root early, and the run
            goes on saying what else waits: lgtui's remote source reads on too)."""
            for envelope in envelopes:
                chosen = wanted(
                    envelope,
                    request.get("channels"),
                    request.get("namespaces"),
                    request.get("depth"),
                )
                if rid in self.ended or ended_at or not chosen:
                    continue
                if root_ended(envelope) and envelope["params"]["data"]["event"] != "interrupted":
                    ended_at.append(True)
                await asyncio.gather(
                    self.outbox.event(
                        rid,
                        wire_name(envelope),
                        time.monotonic() - start,
                        serialize.dumps(envelope),
                    )
                )

        try:
            if v2 is None:
                stream = engine.stream(graph_id, request, config, context, temporary=temporary)
            else:
                stream = engine.stream_v2(graph_id, request, config, context)
                await publish(v2.start())
            async for name, data in stream:
                if name == "__state__":
                    last_checkpoint = _as_checkpoint(data)
                    continue
                if name == "debug" and isinstance(data, dict) and data.get("type") == "checkpoint":
                    last_checkpoint = data.get("payload")
                if v2 is not None:  # made JSON when the server would, then shaped
                    jsonable = await loop.run_in_executor(None, serialize.to_jsonable, data)
                    await publish(v2.take(name, jsonable))
                    if paused is not None and paused.searches:
                        await paused.event(name, jsonable)
                    continue
                payload = await loop.run_in_executor(None, serialize.dumps, data)
                if rid not in self.ended:
                    # published as the server's in-memory stream publishes: the put in a
                    # gathered task, so the graph runs on for the same loop turns
                    await asyncio.gather(
                        self.outbox.event(rid, name, time.monotonic() - start, payload)
                    )
                if paused is not None and paused.searches:  # (stops after its event)
                    await paused.event(name, wire.loads(payload))  # (as it went out)
            if v2 is not None:
                waiting = bool(last_checkpoint and last_checkpoint.get("interrupts"))
                await publish(v2.end(waiting))
        except asyncio.CancelledError:
            if run_id not in self.cancelled:
                raise
            status, detail = "interrupted", "cancelled"
        except BaseException as exc:  # the graph raised: the server's error event
            if isinstance(exc, KeyboardInterrupt):
                raise
            status = "error"
            error = exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) else exc
            original = getattr(error, "original", None)
            shown = original if isinstance(original, BaseException) else error
            detail = f"{type(shown).__name__}: {shown}"
            name = getattr(shown, "error_name", None) or type(shown).__name__
            detail = f"{name}: {shown}"
            payload = serialize.dumps({"error": name, "message": str(shown)})
            self.outbox.send({"id": rid, "trace": self._trace(shown)})
            if v2 is not None:
                await publish(v2.error(str(shown)))
            else:
                await self.outbox.event(rid, "error", time.monotonic() - start, payload)
        finally:
            if paused is not None:
                paused.release()
                self.paused.pop(run_id, None)
            self.running.pop(run_id, None)
            self.stream_of.pop(run_id, None)
            self.cancelled.discard(run_id)
        has_next = bool(last_checkpoint and last_checkpoint.get("next"))
        thread_status = "error" if status == "error" else "interrupted" if has_next else "idle"
        if status == "success" and has_next:
            status = "interrupted"
        thread.update(status=thread_status, updated_at=now_iso())
        record.update(status=status, updated_at=now_iso())
        if last_checkpoint is not None:
            thread["values"] = serialize.to_jsonable(last_checkpoint.get("values"))
            thread["interrupts"] = {
                t["id"]: serialize.to_jsonable(t.get("interrupts"))
                for t in last_checkpoint.get("tasks") or []
                if isinstance(t, dict) and t.get("interrupts")
            }
        if temporary:
            self.threads.threads.pop(thread_id, None)
        if rid not in self.ended:
            mark_logs(rid)
            end = {"status": status, "detail": detail, "calls": run_calls.summary()}
            self.outbox.send({"id": rid, "end": end})
        self.ended.discard(rid)


def _as_checkpoint(state: Any) -> dict[str, Any]:
    """What a run's last debug checkpoint says of the thread, from its state (a v2 run
    streams no checkpoints): what runs next, the values, the interrupts waiting."""
    tasks = [
        {"id": task.id, "interrupts": list(task.interrupts)}
        for task in getattr(state, "tasks", ()) or ()
        if getattr(task, "interrupts", None)
    ]
    return {
        "next": list(getattr(state, "next", ()) or ()),
        "values": getattr(state, "values", None),
        "tasks": tasks,
        "interrupts": bool(tasks),
    }
