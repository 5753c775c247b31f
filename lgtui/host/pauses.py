"""Agent breakpoints in the engine host: a run stops where one holds and waits for the
user's word (continue, step, abort), with the UI and the host's other requests live.

Built on langchain's callbacks (`AsyncCallbackHandler`, added to the run's config as a
tracer would be): a node's ``on_chain_start`` is "before the node", its ``on_chain_end``
"after" (with the update it returns: "a change of a state key"), ``on_tool_start`` a tool
call with its arguments.  Awaiting in a handler holds the node (langchain awaits its
handlers before the runnable goes on); a sync node's handlers run in its own thread, which
then blocks.  A search breakpoint is tested on each event of the run stream as the host
streams it: there the stream's reader stops, and every callback of the graph (a node
starting or ending, a model or tool call) waits at the same gate, so a graph streamed by
``astream_events`` (which runs ahead of its reader) stops at its next step too.

A pause goes to lgtui as ``{"id", "paused": {...}}`` (where, why, the state the node
sees); ``resume`` (an op) opens the gate.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

from lgtui.breakpoints import Breakpoint, event_matches, tool_matches, written_keys
from lgtui.sources.base import read_breakpoints
from lgtui.sources.serialize import shown


def _update_of(output: Any) -> Any:
    """What a node's return writes: a dict, or a Command's ``update``."""
    update = getattr(output, "update", None)
    if update is not None and not isinstance(output, dict):
        return update
    return output


class RunPauses:
    """One run's breakpoints, and the gate the run waits at while it is paused."""

    def __init__(
        self,
        points: list[Breakpoint],
        send: Callable[[dict[str, Any]], None],
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.points = points
        self.searches = [p for p in points if p.kind == "search"]  # tested on each event
        self._send = send
        self._loop = loop
        self._lock = threading.Lock()
        self.gate: concurrent.futures.Future[str] | None = None
        self.stepping = False  # the user stepped: stop before the next node
        self.aborted = False
        self.count = 0
        self.nodes: dict[UUID, dict[str, Any]] = {}  # a node's run id -> where it runs
        self.last: dict[str, Any] | None = None  # the node that started last
        self._handoffs: set[int] = set()  # the handoffs (parent commands) seen

    # -- the gate ------------------------------------------------------------------------

    def _open(self, where: dict[str, Any]) -> concurrent.futures.Future[str]:
        """Close the gate and say where (from any thread); the gate already closed: wait
        at it (two parallel nodes reaching breakpoints make one pause)."""
        with self._lock:
            if self.gate is not None and not self.gate.done():
                return self.gate
            self.gate = concurrent.futures.Future()
            self.count += 1
            message = {**where, "count": self.count}
        if _on_loop(self._loop):
            self._send(message)
        else:
            self._loop.call_soon_threadsafe(self._send, message)
        return self.gate

    async def hold(self, where: dict[str, Any]) -> None:
        if not self.aborted:
            await asyncio.wrap_future(self._open(where))

    async def wait_gate(self) -> None:
        gate = self.gate
        if gate is not None and not gate.done():
            await asyncio.wrap_future(gate)

    def resume(self, action: str) -> bool:
        """The user's word; False when the run was not paused."""
        with self._lock:
            gate = self.gate
            if gate is None or gate.done():
                return False
            self.stepping = action == "step"
            self.aborted = action == "abort"
            gate.set_result(action)
        return True

    def release(self) -> None:
        """The run ended (or was cancelled): nothing waits any more."""
        self.aborted = True
        with self._lock:
            if self.gate is not None and not self.gate.done():
                self.gate.set_result("abort")

    # -- where a run can stop ----------------------------------------------------------

    def _where(
        self, node: dict[str, Any] | None, kind: str, point: Breakpoint | None
    ) -> dict[str, Any]:
        node = node or self.last or {}
        where: dict[str, Any] = {
            "kind": kind,
            "reason": point.describe() if point is not None else "at the next node",
            "breakpoint": point.text if point is not None else "",
            "node": node.get("node", ""),
            "step": node.get("step"),
            "ns": node.get("ns", []),
        }
        if "input" in node:
            where["state"] = shown(node["input"])
        return where

    async def node_start(
        self,
        run_id: UUID,
        name: str | None,
        tags: list[str] | None,
        metadata: dict[str, Any] | None,
        inputs: Any,
    ) -> None:
        meta = metadata or {}
        a_task = any(t.startswith("graph:step:") for t in tags or ())  # (a step's task)
        if not name or meta.get("langgraph_node") != name or not a_task:
            await self.wait_gate()  # (a runnable inside a node, or the graph itself)
            return
        ns = str(meta.get("langgraph_checkpoint_ns") or "").split("|")[:-1]
        node = {"node": name, "step": meta.get("langgraph_step"), "ns": ns, "input": inputs}
        self.nodes[run_id] = self.last = node
        point = next((p for p in self.points if p.kind == "before" and p.names_node(name)), None)
        if point is not None or self.stepping:
            self.stepping = False
            await self.hold(self._where(node, "step" if point is None else "before", point))
        else:
            await self.wait_gate()

    async def node_error(self, run_id: UUID, error: BaseException) -> None:
        """A node that ended by raising: a handoff (``Command(graph=Command.PARENT)``,
        raised as langgraph's ParentCommand) writes its update to the parent's state."""
        command = error.args[0] if error.args else None
        if (
            type(error).__name__ == "ParentCommand"
            and getattr(command, "update", None)
            and id(command) not in self._handoffs  # (each node it bubbles through ends)
        ):
            self._handoffs.add(id(command))
            await self.node_end(run_id, command)
            return
        self.nodes.pop(run_id, None)
        await self.wait_gate()

    async def node_end(self, run_id: UUID, outputs: Any) -> None:
        node = self.nodes.pop(run_id, None)
        if node is None:
            await self.wait_gate()
            return
        update = _update_of(outputs)
        keys = written_keys(update)
        point = next(
            (
                p
                for p in self.points
                if (p.kind == "after" and p.names_node(node["node"]))
                or (p.kind == "change" and (p.target in keys or (p.target == "*" and keys)))
            ),
            None,
        )
        if point is None:
            await self.wait_gate()
            return
        where = self._where(node, point.kind, point)
        where["update"] = shown(update)
        await self.hold(where)

    async def tool_start(self, name: str, args: Any) -> None:
        given = shown(args)
        point = next((p for p in self.points if tool_matches(p, name, given)), None)
        if point is None:
            await self.wait_gate()
            return
        where = self._where(None, "tool", point)
        where["tool"] = {"name": name, "args": given}
        await self.hold(where)

    async def event(self, name: str, data: Any) -> None:
        """An event the run streamed (its JSON data, as it went out): a search
        breakpoint's test."""
        if self.aborted:
            return
        point = next((p for p in self.searches if event_matches(p, name, data)), None)
        if point is None:
            return
        where = self._where(None, "search", point)
        where["event"] = {"name": name, "data": data}
        await self.hold(where)

    def handler(self) -> Any:
        return _handler_class()(self)


def for_run(
    breakpoints: list[str] | None,
    config: dict[str, Any],
    send: Callable[[dict[str, Any]], None],
    loop: asyncio.AbstractEventLoop,
) -> RunPauses | None:
    """A run's breakpoints, its pause handler in its config (None: it has none); a
    breakpoint that cannot be read is a `UsageError`, before the run starts."""
    points = read_breakpoints(breakpoints)
    if not points:
        return None
    run = RunPauses(points, send, loop)
    config["callbacks"] = [*(config.get("callbacks") or []), run.handler()]
    return run


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


_HANDLER: type | None = None


def _handler_class() -> type:
    """The callback handler (made on first use: langchain_core is the project's)."""
    global _HANDLER
    if _HANDLER is not None:
        return _HANDLER
    from langchain_core.callbacks import AsyncCallbackHandler

    class PauseHandler(AsyncCallbackHandler):
        raise_error = False

        def __init__(self, pauses: RunPauses) -> None:
            self.pauses = pauses

        async def on_chain_start(
            self,
            serialized: Any,
            inputs: Any,
            *,
            run_id: UUID,
            tags: list[str] | None = None,
            metadata: dict[str, Any] | None = None,
            **kwargs: Any,
        ) -> None:
            await self.pauses.node_start(run_id, kwargs.get("name"), tags, metadata, inputs)

        async def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
            await self.pauses.node_end(run_id, outputs)

        async def on_chain_error(
            self, error: BaseException, *, run_id: UUID, **kwargs: Any
        ) -> None:
            await self.pauses.node_error(run_id, error)

        async def on_tool_start(
            self,
            serialized: Any,
            input_str: str,
            *,
            inputs: Any = None,
            **kwargs: Any,
        ) -> None:
            name = (serialized or {}).get("name") or kwargs.get("name") or ""
            await self.pauses.tool_start(str(name), inputs if inputs is not None else input_str)

        async def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
            await self.pauses.wait_gate()

        async def on_llm_start(self, *args: Any, **kwargs: Any) -> None:
            await self.pauses.wait_gate()

    _HANDLER = PauseHandler
    return PauseHandler
