"""Run the user's graph in this process, streaming exactly what a server would send.

The event names and payload shapes follow the LangGraph API server's stream protocol
for the same graph and request, so that everything downstream -- the Session, the
screens and captures -- cannot tell an embedded run from a remote one:

- a ``metadata`` event ``{"run_id", "attempt"}`` opens every stream;
- ``messages-tuple`` arrives as ``messages`` events ``[chunk, metadata]``; ``messages``
  as ``messages/metadata`` then ``messages/partial`` (accumulated chunks) or
  ``messages/complete``;
- ``events`` carries astream_events v2 dicts; the other modes ride on the root's
  ``on_chain_stream`` events, as the server does it;
- with subgraphs, event names get ``|node:task_id`` parts;
- debug checkpoints gain ``checkpoint`` / ``parent_checkpoint``;
- a node that raises ends the stream with ``error`` ``{"error", "message"}``.  Unlike a
  server, which hides messages of unexpected exception types, the embedded source
  shows the real message: the graph is the user's own code.

The one difference is metadata only a server has (``langgraph_api_version``,
``langgraph_host``, auth keys, ...).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lgtui.events import StreamEvent
from lgtui.sources import serialize
from lgtui.sources.base import (
    NEW_THREAD,
    HTTPStatusError,
    LoadError,
    RunHandle,
    RunRequest,
    UsageError,
    resolve_assistant,
)

# The namespace a LangGraph API server derives default assistant ids from, so that an
# embedded graph gets the same assistant id as when `langgraph dev` serves it.
_ASSISTANT_NAMESPACE = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _new_id() -> str:
    try:
        from langchain_core.utils.uuid import uuid7

        return str(uuid7())
    except ImportError:  # older langchain-core
        return str(uuid.uuid4())


def _checkpoint_ref(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{"checkpoint_id", "thread_id", "checkpoint_ns"}`` of a checkpoint's config."""
    conf = (config or {}).get("configurable") or {}
    if not conf.get("thread_id") or not conf.get("checkpoint_id"):
        return None
    ref = {"checkpoint_id": conf["checkpoint_id"], "thread_id": conf["thread_id"]}
    if "checkpoint_ns" in conf:
        ref["checkpoint_ns"] = conf["checkpoint_ns"] or ""
    if "checkpoint_map" in conf:
        ref["checkpoint_map"] = conf["checkpoint_map"]
    return ref


def _debug_checkpoint(payload: dict[str, Any]) -> dict[str, Any]:
    tasks = []
    for task in payload.get("tasks", []):
        state = task.get("state") if isinstance(task, dict) else None
        if isinstance(state, dict) and state.get("configurable"):
            task = {k: v for k, v in task.items() if k != "state"}
            task["checkpoint"] = state["configurable"]
        tasks.append(task)
    return {
        **payload,
        "checkpoint": _checkpoint_ref(payload.get("config")),
        "parent_checkpoint": _checkpoint_ref(payload.get("parent_config")),
        "tasks": tasks,
    }


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _check_postgres(url: str) -> str:
    try:
        import langgraph.checkpoint.postgres.aio  # noqa: F401
        import psycopg
    except ImportError:
        raise LoadError(
            "PostgreSQL checkpointers need langgraph-checkpoint-postgres: pip install 'lgtui[postgres]'"
        ) from None
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            found = conn.execute("SELECT to_regclass('checkpoints') IS NOT NULL").fetchone()
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise LoadError(f"cannot connect to {_redact(url)}: {reason}") from None
    if not found or not found[0]:
        raise LoadError(
            f"{_redact(url)}: not a LangGraph checkpoint database (no checkpoints table; "
            "run your application's checkpointer.setup() first)"
        )
    return url


def check_checkpointer(spec: str) -> Path | str:
    """The SQLite file or PostgreSQL URL a ``--checkpointer`` names; LoadError (exit 2) else."""
    import sqlite3

    if spec.startswith(("postgres://", "postgresql://")):
        return _check_postgres(spec)
    if not spec.startswith("sqlite:"):
        raise LoadError(f"--checkpointer {spec!r}: expected sqlite:PATH")
    try:
        import langgraph.checkpoint.sqlite.aio  # noqa: F401
    except ImportError:
        raise LoadError(
            "SQLite checkpointers need langgraph-checkpoint-sqlite: pip install 'lgtui[sqlite]'"
        ) from None
    path = Path(spec.removeprefix("sqlite:").removeprefix("//")).expanduser()
    if not path.exists():
        if not path.parent.is_dir():
            raise LoadError(f"{path}: folder {path.parent} does not exist")
        return path  # a new database, created on first use
    if path.is_dir():
        raise LoadError(f"{path}: is a folder, not a SQLite database")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.DatabaseError as exc:
        raise LoadError(f"{path}: not a SQLite database ({exc})") from None
    if "checkpoints" not in tables:
        found = ", ".join(sorted(tables)) or "none"
        raise LoadError(
            f"{path}: not a LangGraph checkpoint database (no checkpoints table; tables: {found})"
        )
    return path


def _snapshot(snapshot: Any) -> dict[str, Any]:
    """A StateSnapshot as the server's thread state / history item."""

    ref = _checkpoint_ref(snapshot.config)
    parent = _checkpoint_ref(snapshot.parent_config)
    tasks = []
    for t in snapshot.tasks:
        task: dict[str, Any] = {
            "id": t.id,
            "name": t.name,
            "error": str(t.error) if t.error else None,
            "interrupts": [serialize.to_jsonable(i) for i in t.interrupts],
            "checkpoint": t.state.get("configurable") if isinstance(t.state, dict) else None,
            "state": _snapshot(t.state) if type(t.state).__name__ == "StateSnapshot" else None,
            "result": serialize.to_jsonable(t.result)
            if getattr(t, "result", None) is not None
            else None,
        }
        tasks.append(task)
    return {
        "values": serialize.to_jsonable(snapshot.values),
        "next": list(snapshot.next),
        "tasks": tasks,
        "metadata": serialize.to_jsonable(snapshot.metadata or {}),
        "created_at": snapshot.created_at,
        "checkpoint": ref,
        "parent_checkpoint": parent,
        "interrupts": [serialize.to_jsonable(i) for i in snapshot.interrupts],
        "checkpoint_id": ref["checkpoint_id"] if ref else None,
        "parent_checkpoint_id": parent["checkpoint_id"] if parent else None,
    }


class _MessageAccumulator:
    """``messages`` mode: chunks summed by message id, as the server streams them."""

    def __init__(self) -> None:
        self._by_id: dict[str, Any] = {}

    def feed(self, chunk: Any) -> list[tuple[str, Any]]:
        from langchain_core.messages import (
            AIMessageChunk,
            BaseMessageChunk,
            ToolMessageChunk,
            convert_to_messages,
            message_chunk_to_message,
        )

        message, meta = chunk
        as_chunk = False
        if isinstance(message, dict):
            kind = f"{message.get('type', '')} {message.get('role', '')}".lower()
            if "chunk" in kind:
                role = str(message.get("role", "")).lower()
                cls = (
                    AIMessageChunk
                    if "ai" in role
                    else ToolMessageChunk
                    if "tool" in role
                    else BaseMessageChunk
                )
                message = cls(**message)
                as_chunk = True
            else:
                message = convert_to_messages([message])[0]
        out: list[tuple[str, Any]] = []
        if message.id in self._by_id:
            self._by_id[message.id] += message
        else:
            self._by_id[message.id] = message
            out.append(("messages/metadata", {message.id: {"metadata": meta}}))
        total = self._by_id[message.id]
        name = "messages/partial" if isinstance(message, BaseMessageChunk) else "messages/complete"
        out.append((name, [total if as_chunk else message_chunk_to_message(total)]))
        return out


class EmbeddedSource:
    """Graphs imported from the user's files, run with an in-memory checkpointer."""

    kind = "embedded"

    def __init__(
        self, target: str, graphs: dict[str, Any] | None = None, *, checkpointer: str | None = None
    ) -> None:
        from langgraph.checkpoint.memory import InMemorySaver

        self.target = target
        if graphs is None:
            from lgtui.sources.loader import load_graphs

            graphs = load_graphs(target)
        self._raw_graphs = graphs
        self._db_path = check_checkpointer(checkpointer) if checkpointer else None
        self._saver: Any = None if self._db_path else InMemorySaver()
        self._graphs = self._bind(self._saver) if self._saver is not None else {}
        self._threads: dict[str, dict[str, Any]] = {}
        self._running: dict[str, Any] = {}  # run_id -> asyncio.Task being cancelled

    def _bind(self, saver: Any) -> dict[str, Any]:
        return {
            name: g.copy(update={"checkpointer": saver, "name": name})
            for name, g in self._raw_graphs.items()
        }

    async def _ready(self) -> None:
        """Open the user's database on the loop that will use it, and read its threads."""
        if self._saver is not None:
            return
        query = "SELECT DISTINCT thread_id FROM checkpoints WHERE checkpoint_ns = ''"
        if isinstance(self._db_path, Path):
            import aiosqlite
            from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

            conn: Any = await aiosqlite.connect(str(self._db_path))
            saver: Any = AsyncSqliteSaver(conn)
            await saver.setup()
            async with conn.execute(query) as cursor:
                rows = await cursor.fetchall()
        else:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
            from psycopg import AsyncConnection
            from psycopg.rows import dict_row

            conn = await AsyncConnection.connect(
                self._db_path, autocommit=True, prepare_threshold=0, row_factory=dict_row
            )
            saver = AsyncPostgresSaver(conn)
            await saver.setup()
            async with conn.cursor() as cursor:
                await cursor.execute(query)
                rows = [(r["thread_id"],) for r in await cursor.fetchall()]
        self._graphs = self._bind(saver)
        self._saver = saver
        first = next(iter(self._graphs))
        for (thread_id,) in rows:
            latest = await saver.aget_tuple(
                {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
            )
            meta = dict(latest.metadata or {}) if latest else {}
            ts = latest.checkpoint.get("ts") if latest else None
            graph_id = meta.get("graph_id") if meta.get("graph_id") in self._graphs else first
            # what the server would say: a pending interrupt or error is in the writes
            pending = {w[1] for w in (latest.pending_writes or [])} if latest else set()
            status = (
                "interrupted"
                if "__interrupt__" in pending
                else "error"
                if "__error__" in pending
                else "idle"
            )
            self._threads[str(thread_id)] = {
                "thread_id": str(thread_id),
                "created_at": ts,
                "updated_at": ts,
                "metadata": {"graph_id": graph_id, "assistant_id": self.assistant_id(graph_id)},
                "status": status,
                "values": None,
            }

    # -- assistants and threads ------------------------------------------------------

    def assistant_id(self, graph_id: str) -> str:
        return str(uuid.uuid5(_ASSISTANT_NAMESPACE, graph_id))

    async def list_assistants(self) -> list[dict[str, Any]]:
        return [
            {
                "assistant_id": self.assistant_id(name),
                "graph_id": name,
                "name": name,
                "config": {},
                "metadata": {"created_by": "system"},
            }
            for name in self._raw_graphs
        ]

    def graph(self, assistant: str) -> tuple[str, Any]:
        found = resolve_assistant(
            [
                {"assistant_id": self.assistant_id(n), "graph_id": n, "name": n}
                for n in self._graphs
            ],
            assistant,
        )
        return found["graph_id"], self._graphs[found["graph_id"]]

    async def create_thread(self) -> dict[str, Any]:
        await self._ready()
        thread_id = str(uuid.uuid4())
        now = _now()
        thread = {
            "thread_id": thread_id,
            "created_at": now,
            "updated_at": now,
            "metadata": {},
            "status": "idle",
            "values": None,
        }
        self._threads[thread_id] = thread
        return thread

    async def get_thread(self, thread_id: str) -> dict[str, Any]:
        await self._ready()
        if thread_id not in self._threads:
            raise HTTPStatusError(
                404, f"Thread with ID {thread_id} not found", "GET", f"/threads/{thread_id}"
            )
        return self._threads[thread_id]

    # -- threads, checkpoints, graphs (the server's shapes) ------------------------------

    def _thread_graph(self, thread_id: str) -> tuple[str, Any]:
        thread = self._threads.get(thread_id)
        if thread is None:
            raise HTTPStatusError(
                404, f"Thread with ID {thread_id} not found", "GET", f"/threads/{thread_id}"
            )
        graph_id = (thread.get("metadata") or {}).get("graph_id")
        if graph_id not in self._graphs:
            raise HTTPStatusError(
                409,
                f"Thread {thread_id} has not run a graph yet",
                "GET",
                f"/threads/{thread_id}/state",
            )
        return graph_id, self._graphs[graph_id]

    async def search_threads(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        await self._ready()
        threads = sorted(self._threads.values(), key=lambda t: t["updated_at"], reverse=True)
        if status:
            threads = [t for t in threads if t.get("status") == status]
        if metadata:
            threads = [
                t
                for t in threads
                if all((t.get("metadata") or {}).get(k) == v for k, v in metadata.items())
            ]
        return [
            {k: v for k, v in t.items() if k != "values"} for t in threads[offset : offset + limit]
        ]

    async def get_history(
        self, thread_id: str, *, limit: int = 100, before: str | None = None
    ) -> list[dict[str, Any]]:
        await self._ready()
        _, graph = self._thread_graph(thread_id)
        config: dict[str, Any] = {"configurable": {"thread_id": thread_id}}
        kwargs: dict[str, Any] = {"limit": limit}
        if before:
            kwargs["before"] = {"configurable": {"checkpoint_id": before}}
        return [_snapshot(s) async for s in graph.aget_state_history(config, **kwargs)]

    async def get_state(
        self, thread_id: str, checkpoint_id: str | None = None, *, subgraphs: bool = False
    ) -> dict[str, Any]:
        await self._ready()
        _, graph = self._thread_graph(thread_id)
        conf: dict[str, Any] = {"thread_id": thread_id}
        if checkpoint_id:
            conf["checkpoint_id"] = checkpoint_id
        snapshot = await graph.aget_state({"configurable": conf}, subgraphs=subgraphs)
        if checkpoint_id and not snapshot.created_at:
            raise HTTPStatusError(
                404,
                f"Checkpoint {checkpoint_id} not found",
                "GET",
                f"/threads/{thread_id}/state/{checkpoint_id}",
            )
        return _snapshot(snapshot)

    async def update_state(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> dict[str, Any]:
        await self._ready()
        _, graph = self._thread_graph(thread_id)
        conf: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ""}
        if checkpoint_id:
            conf["checkpoint_id"] = checkpoint_id
        try:
            config = await graph.aupdate_state({"configurable": conf}, values, as_node=as_node)
        except Exception as exc:  # the graph refuses the update: what a server answers with 400
            raise HTTPStatusError(
                400, f"{type(exc).__name__}: {exc}", "POST", f"/threads/{thread_id}/state"
            ) from None
        self._threads[thread_id]["updated_at"] = _now()
        return {"checkpoint": _checkpoint_ref(config)}

    async def delete_thread(self, thread_id: str) -> None:
        await self._ready()
        if self._threads.pop(thread_id, None) is None:
            raise HTTPStatusError(
                404, f"Thread with ID {thread_id} not found", "DELETE", f"/threads/{thread_id}"
            )
        await self._saver.adelete_thread(thread_id)

    async def copy_thread(self, thread_id: str) -> dict[str, Any]:
        await self._ready()
        if thread_id not in self._threads:
            raise HTTPStatusError(
                404, f"Thread with ID {thread_id} not found", "POST", f"/threads/{thread_id}/copy"
            )
        new = await self.create_thread()
        await self._saver.acopy_thread(thread_id, new["thread_id"])
        new["metadata"] = dict(self._threads[thread_id].get("metadata") or {})
        return new

    async def get_graph(self, assistant: str, *, xray: bool = True) -> dict[str, Any]:
        await self._ready()
        _, graph = self.graph(assistant)
        return serialize.to_jsonable(graph.get_graph(xray=xray).to_json())

    async def state_keys(self, assistant: str) -> list[str] | None:
        await self._ready()
        _, graph = self.graph(assistant)
        builder = getattr(graph, "builder", None)
        schema = getattr(builder, "state_schema", None)
        hints = getattr(schema, "__annotations__", None)
        if isinstance(hints, dict) and hints:
            return sorted(hints)
        return sorted(k for k in graph.channels if not k.startswith(("__", "branch:")))

    async def cancel_run(self, thread_id: str | None, run_id: str) -> None:
        task = self._running.get(run_id)
        if task is not None:
            task.cancel()

    async def aclose(self) -> None:
        conn = getattr(self._saver, "conn", None)
        if self._db_path is not None and conn is not None:
            await conn.close()

    # -- streaming ----------------------------------------------------------------------

    async def stream_run(
        self, request: RunRequest, handle: RunHandle
    ) -> AsyncIterator[StreamEvent]:
        import asyncio

        import langgraph.version
        from langgraph.types import Command

        if request.watch:
            raise UsageError(
                "watching a thread follows runs other clients start: it needs a server"
            )
        await self._ready()
        graph_id, graph = self.graph(request.assistant)
        thread_id = request.thread_id
        temporary = thread_id is None
        if thread_id == NEW_THREAD or temporary:
            thread_id = (await self.create_thread())["thread_id"]
        elif thread_id not in self._threads:
            raise HTTPStatusError(
                404, "Thread or assistant not found.", "POST", f"/threads/{thread_id}/runs/stream"
            )
        handle.thread_id = None if temporary else thread_id
        self._threads[thread_id].setdefault("metadata", {}).update(
            {"graph_id": graph_id, "assistant_id": self.assistant_id(graph_id)}
        )
        run_id = _new_id()
        handle.run_id = run_id
        assistant_id = self.assistant_id(graph_id)
        metadata = {
            "created_by": "system",
            "graph_id": graph_id,
            "assistant_id": assistant_id,
            "run_attempt": 1,
            "langgraph_version": langgraph.version.__version__,
            "run_id": run_id,
        }
        user_config = request.config or {}
        configurable = {
            **(user_config.get("configurable") or {}),
            "thread_id": thread_id,
            "run_id": run_id,
            "graph_id": graph_id,
            "assistant_id": assistant_id,
        }
        if request.checkpoint_id:
            configurable["checkpoint_id"] = request.checkpoint_id
        config: dict[str, Any] = {
            **{k: v for k, v in user_config.items() if k not in ("configurable", "metadata")},
            "configurable": configurable,
            "metadata": {**(user_config.get("metadata") or {}), **metadata},
            "run_id": uuid.UUID(run_id),
        }
        if request.command is not None:
            if not isinstance(request.command, dict):
                raise UsageError('command must be a JSON object such as {"resume": ...}')
            graph_input: Any = Command(
                resume=request.command.get("resume"),
                update=request.command.get("update"),
                goto=request.command.get("goto") or (),
            )
        else:
            graph_input = request.input

        requested = list(request.stream_mode)
        modes = {m for m in requested if m != "events"}
        if "messages-tuple" in modes:
            modes.discard("messages-tuple")
            modes.add("messages")
        use_events = "events" in requested
        kwargs: dict[str, Any] = {"subgraphs": request.subgraphs}
        if request.interrupt_before:
            kwargs["interrupt_before"] = request.interrupt_before
        if request.interrupt_after:
            kwargs["interrupt_after"] = request.interrupt_after

        start = time.monotonic()
        seq = 0

        def make(name: str, data: Any) -> StreamEvent:
            nonlocal seq
            ev = StreamEvent(
                seq, time.monotonic() - start, name, serialize.dumps(data), run_id=run_id
            )
            seq += 1
            return ev

        yield make("metadata", {"run_id": run_id, "attempt": 1})
        thread = self._threads[thread_id]
        thread["status"] = "busy"
        accumulator = _MessageAccumulator()
        self._running[run_id] = asyncio.current_task()
        status = "success"
        try:
            if use_events:
                modes.add("debug")  # the server always streams debug internally
                stream = graph.astream_events(
                    graph_input, config, version="v2", stream_mode=list(modes), **kwargs
                )
            else:
                stream = graph.astream(graph_input, config, stream_mode=list(modes), **kwargs)
            try:
                async for item in stream:
                    if use_events:
                        item_events = self._from_event(
                            item, run_id, request, requested, accumulator
                        )
                    else:
                        item_events = self._from_chunk(item, request, requested, accumulator)
                    for name, data in item_events:
                        yield make(name, data)
            finally:
                await stream.aclose()
        except asyncio.CancelledError:
            status = "interrupted"
            handle.final_status = "cancelled"
            raise
        except Exception as exc:  # the graph raised: the server's error event
            status = "error"
            yield make("error", {"error": type(exc).__name__, "message": str(exc)})
        finally:
            self._running.pop(run_id, None)
            thread["updated_at"] = _now()
            if status == "success":
                try:
                    state = await graph.aget_state({"configurable": {"thread_id": thread_id}})
                    if state.next or any(t.interrupts for t in state.tasks):
                        status = "interrupted"
                    thread["values"] = serialize.to_jsonable(state.values)
                except Exception:
                    pass
            thread["status"] = {"success": "idle"}.get(status, status)
            if handle.final_status is None:
                handle.final_status = status
            if temporary:
                self._threads.pop(thread_id, None)
                await self._saver.adelete_thread(thread_id)

    def _shape(
        self,
        ns: tuple[str, ...] | None,
        mode: str,
        chunk: Any,
        request: RunRequest,
        requested: list[str],
        accumulator: _MessageAccumulator,
    ) -> list[tuple[str, Any]]:
        suffix = "|" + "|".join(ns) if request.subgraphs and ns else ""
        if mode == "debug" and isinstance(chunk, dict) and chunk.get("type") == "checkpoint":
            chunk = {**chunk, "payload": _debug_checkpoint(chunk.get("payload") or {})}
        if mode == "messages":
            if "messages-tuple" in requested:
                return [("messages" + suffix, chunk)]
            return accumulator.feed(chunk)
        if mode in requested:
            return [(mode + suffix, chunk)]
        return []

    def _from_chunk(self, item, request, requested, accumulator):
        if request.subgraphs:
            ns, mode, chunk = item
        else:
            (mode, chunk), ns = item, None
        return self._shape(ns, mode, chunk, request, requested, accumulator)

    def _from_event(self, event, run_id, request, requested, accumulator):
        if "langsmith:hidden" in (event.get("tags") or ()):
            return []
        if event.get("event") == "on_chain_stream" and str(event.get("run_id")) == run_id:
            chunk = event["data"]["chunk"]
            if request.subgraphs:
                ns, mode, data = chunk
            else:
                (mode, data), ns = chunk, None
            return self._shape(ns, mode, data, request, requested, accumulator)
        return [("events", event)]
