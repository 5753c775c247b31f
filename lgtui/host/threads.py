"""Threads in the host: the registry the server keeps, and state/history through the graph.

A thread is the server's object (``thread_id``, ``created_at``, ``updated_at``,
``metadata``, ``status``, ``config``, ``values``, ``interrupts``).  With the user's own
checkpoint database, the threads are read from its checkpoints table at start.
State, history and updates run through the thread's graph (a factory is called with
the thread's config, as ``threads.read`` / ``threads.update``), so subgraph state and
pending tasks come out as the server shows them.
"""

from __future__ import annotations

from typing import Any

from lgtui.host import shape
from lgtui.host.assistants import system_id
from lgtui.host.runtime import Engine, now_iso
from lgtui.sources.base import HTTPStatusError

_QUERY = "SELECT DISTINCT thread_id FROM checkpoints WHERE checkpoint_ns = ''"


def _not_found(thread_id: str, method: str = "GET", path: str = "") -> HTTPStatusError:
    return HTTPStatusError(
        404, f"Thread with ID {thread_id} not found", method, path or f"/threads/{thread_id}"
    )


MAX_CHECKPOINTS_READ = 10_000  # a thread's checkpoints read for its runs, at most


class Threads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.threads: dict[str, dict[str, Any]] = {}
        # thread id -> its runs, oldest first (as GET /threads/{id}/runs lists them; kept
        # while the host runs: the checkpointer stores no runs)
        self.runs: dict[str, list[dict[str, Any]]] = {}
        self.discovered: set[str] = set()  # threads found in the user's database

    def new(
        self, thread_id: str, *, metadata: dict[str, Any] | None = None, config: Any = None
    ) -> dict[str, Any]:
        ts = now_iso()
        thread = {
            "thread_id": thread_id,
            "created_at": ts,
            "updated_at": ts,
            "metadata": dict(metadata or {}),
            "status": "idle",
            "config": dict(config or {}),
            "values": None,
            "interrupts": {},
        }
        self.threads[thread_id] = thread
        return thread

    def get(self, thread_id: str, method: str = "GET", path: str = "") -> dict[str, Any]:
        thread = self.threads.get(thread_id)
        if thread is None:
            raise _not_found(thread_id, method, path)
        return thread

    @staticmethod
    def public(thread: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in thread.items() if k != "config"} | {
            "config": thread.get("config") or {}
        }

    async def discover(self) -> None:
        """Threads of the user's database (their latest checkpoint says their status)."""
        saver = self.engine.saver
        conn = getattr(saver, "conn", None)
        if conn is None:
            return
        if hasattr(conn, "execute") and type(conn).__module__.startswith("aiosqlite"):
            async with conn.execute(_QUERY) as cursor:
                rows = [r[0] for r in await cursor.fetchall()]
        else:
            async with conn.cursor() as cursor:
                await cursor.execute(_QUERY)
                rows = [r["thread_id"] for r in await cursor.fetchall()]
        graphs = list(self.engine.project.graphs)
        for thread_id in rows:
            latest = await saver.aget_tuple(
                {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
            )
            meta = dict(latest.metadata or {}) if latest else {}
            ts = latest.checkpoint.get("ts") if latest else None
            graph_id = str(meta["graph_id"]) if meta.get("graph_id") in graphs else graphs[0]
            pending = {w[1] for w in (latest.pending_writes or [])} if latest else set()
            status = (
                "interrupted"
                if "__interrupt__" in pending
                else "error"
                if "__error__" in pending
                else "idle"
            )
            thread = self.new(
                str(thread_id),
                metadata={
                    "graph_id": graph_id,
                    "assistant_id": system_id(graph_id),
                },
            )
            thread.update(created_at=ts, updated_at=ts, status=status)
            self.discovered.add(str(thread_id))

    # -- the API's thread endpoints ---------------------------------------------------------

    def search(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        threads = sorted(self.threads.values(), key=lambda t: t["updated_at"] or "", reverse=True)
        if status:
            threads = [t for t in threads if t.get("status") == status]
        if metadata:
            threads = [
                t
                for t in threads
                if all((t.get("metadata") or {}).get(k) == v for k, v in metadata.items())
            ]
        return [
            {k: v for k, v in t.items() if k not in ("values", "config")}
            for t in threads[offset : offset + limit]
        ]

    def run_started(
        self, thread_id: str, run_id: str, assistant_id: str, metadata: dict[str, Any]
    ) -> dict[str, Any]:
        ts = now_iso()
        record = {
            "run_id": run_id,
            "thread_id": thread_id,
            "assistant_id": assistant_id,
            "created_at": ts,
            "updated_at": ts,
            "status": "running",
            "metadata": metadata,
            "multitask_strategy": "reject",
        }
        self.runs.setdefault(thread_id, []).append(record)
        return record

    async def list_runs(
        self, thread_id: str, limit: int = 10, offset: int = 0
    ) -> list[dict[str, Any]]:
        thread = self.get(thread_id, "GET", f"/threads/{thread_id}/runs")
        if thread_id not in self.runs and thread_id in self.discovered:
            self.runs[thread_id] = await self._runs_of_checkpoints(thread)
        newest_first = list(reversed(self.runs.get(thread_id, [])))
        return newest_first[max(0, offset) : max(0, offset) + max(1, limit)]

    async def _runs_of_checkpoints(self, thread: dict[str, Any]) -> list[dict[str, Any]]:
        """The runs of a thread of the user's database, read from its checkpoints (the
        database keeps no runs): one per ``run_id`` of their metadata, from its first
        checkpoint's time to its last; the last one ended as the thread did."""
        thread_id = str(thread["thread_id"])
        config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
        spans: dict[str, dict[str, Any]] = {}
        seen = 0
        async for item in self.engine.saver.alist(config, limit=MAX_CHECKPOINTS_READ):
            seen += 1
            meta = item.metadata or {}
            run_id, ts = meta.get("run_id"), item.checkpoint.get("ts")
            if not isinstance(run_id, str) or not isinstance(ts, str):
                continue
            span = spans.setdefault(run_id, {"first": ts, "last": ts, "meta": meta})
            span["first"], span["last"] = min(span["first"], ts), max(span["last"], ts)
        runs = [
            {
                "run_id": run_id,
                "thread_id": thread_id,
                "assistant_id": str(
                    span["meta"].get("assistant_id")
                    or system_id(str((thread.get("metadata") or {}).get("graph_id")))
                ),
                "created_at": span["first"],
                "updated_at": span["last"],
                "status": "success",
                "metadata": {"from_checkpoints": True},
                "multitask_strategy": "reject",
            }
            for run_id, span in sorted(spans.items(), key=lambda kv: kv[1]["first"])
        ]
        if runs and thread.get("status") in ("interrupted", "error"):
            runs[-1]["status"] = thread["status"]
        return runs

    async def delete(self, thread_id: str) -> None:
        self.runs.pop(thread_id, None)
        if self.threads.pop(thread_id, None) is None:
            raise _not_found(thread_id, "DELETE")
        await self.engine.saver.adelete_thread(thread_id)

    async def copy(self, thread_id: str, new_id: str) -> dict[str, Any]:
        old = self.get(thread_id, "POST", f"/threads/{thread_id}/copy")
        new = self.new(new_id, metadata=old.get("metadata"), config=old.get("config"))
        saver = self.engine.saver
        if hasattr(saver, "acopy_thread"):
            await saver.acopy_thread(thread_id, new_id)
        else:
            async for item in saver.alist({"configurable": {"thread_id": thread_id}}):
                config = {"configurable": {**item.config["configurable"], "thread_id": new_id}}
                await saver.aput(config, item.checkpoint, item.metadata, {})
        new["values"], new["status"] = old.get("values"), old.get("status")
        return new

    def _graph_of(self, thread_id: str, path: str) -> str:
        thread = self.get(thread_id, "GET", path)
        graph_id = (thread.get("metadata") or {}).get("graph_id")
        if graph_id not in self.engine.project.graphs:
            raise HTTPStatusError(409, f"Thread {thread_id} has not run a graph yet", "GET", path)
        return str(graph_id)

    def _config(self, thread_id: str, **configurable: Any) -> dict[str, Any]:
        thread = self.threads[thread_id]
        base = dict(thread.get("config") or {})
        conf = {**(base.get("configurable") or {}), "thread_id": thread_id, **configurable}
        return {**base, "configurable": conf}

    async def history(
        self, thread_id: str, *, limit: int = 100, before: str | None = None
    ) -> list[dict[str, Any]]:
        graph_id = self._graph_of(thread_id, f"/threads/{thread_id}/history")
        config = self._config(thread_id, checkpoint_ns="")
        kwargs: dict[str, Any] = {"limit": limit}
        if before:
            kwargs["before"] = {"configurable": {"checkpoint_id": before}}
        async with self.engine.graph(graph_id, config, access="threads.read") as graph:
            return [shape.thread_state(s) async for s in graph.aget_state_history(config, **kwargs)]

    async def state(
        self, thread_id: str, checkpoint_id: str | None = None, *, subgraphs: bool = False
    ) -> dict[str, Any]:
        path = f"/threads/{thread_id}/state" + (f"/{checkpoint_id}" if checkpoint_id else "")
        graph_id = self._graph_of(thread_id, path)
        extra = {"checkpoint_id": checkpoint_id} if checkpoint_id else {}
        config = self._config(thread_id, **extra)
        async with self.engine.graph(graph_id, config, access="threads.read") as graph:
            snapshot = await graph.aget_state(config, subgraphs=subgraphs)
        if checkpoint_id and not snapshot.created_at:
            raise HTTPStatusError(404, f"Checkpoint {checkpoint_id} not found", "GET", path)
        return shape.thread_state(snapshot)

    async def update(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> dict[str, Any]:
        path = f"/threads/{thread_id}/state"
        graph_id = self._graph_of(thread_id, path)
        extra = {"checkpoint_ns": "", **({"checkpoint_id": checkpoint_id} if checkpoint_id else {})}
        config = self._config(thread_id, **extra)
        async with self.engine.graph(graph_id, config, access="threads.update") as graph:
            try:
                result = await graph.aupdate_state(config, values, as_node=as_node)
            except Exception as exc:  # the graph refuses the update: the server's 400
                raise HTTPStatusError(400, f"{type(exc).__name__}: {exc}", "POST", path) from None
        self.threads[thread_id]["updated_at"] = now_iso()
        return {"checkpoint": shape.checkpoint_ref(result)}
