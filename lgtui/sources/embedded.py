"""The user's graphs, run in an engine host process as `langgraph dev` would run them.

lgtui never imports the user's code: this source starts the host (`lgtui.host`) in the
project's Python environment and talks to it over a socket pair.  The host loads the
project, runs each run with the server's config, context, store and checkpointer, and
streams the server's event names and JSON payloads; here they become `StreamEvent`s.

- The host's stdout and stderr are the user's prints and logs: kept (the last lines),
  never written to the terminal under the TUI.
- A crash, ``sys.exit`` or a segfault in user code ends the run with a message saying
  how the process ended and the last thing it printed; the next request starts a new
  host (threads kept in memory are lost with the old one).
- Replies and events are read by one thread and handed to whichever event loop asked.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, cast

from lgtui.breakpoints import ACTIONS
from lgtui.events import StreamEvent
from lgtui.sources.assistants_api import HostAssistants
from lgtui.sources.base import (
    LoadError,
    RunHandle,
    RunRequest,
    SourceError,
    UsageError,
)
from lgtui.sources.host_process import (
    READY_TIMEOUT,
    Host,
    HostExited,
    _error,
)
from lgtui.sources.loader import parse_target
from lgtui.sources.store_api import HostStore


class EmbeddedSource(HostStore, HostAssistants):
    """Graphs from the user's files, run in an engine host process."""

    kind = "embedded"

    def __init__(
        self,
        target: str,
        *,
        checkpointer: str | None = None,
        store: str | None = None,
        python: str | None = None,
        on_log: Callable[[str], None] | None = None,
        protocol: str | None = None,
        debug: bool = False,
    ) -> None:
        parse_target(target)  # a wrong path or a broken langgraph.json: said at once
        self.target = target
        # "auto" (the run stream in-process), "v1" or "v2"; $LGTUI_PROTOCOL the default
        self.protocol = protocol or os.environ.get("LGTUI_PROTOCOL") or "auto"
        if self.protocol not in ("auto", "v1", "v2"):
            raise UsageError(f"unknown protocol {self.protocol!r}: choose from auto, v1, v2")
        self.spec = {
            "target": str(Path(target).expanduser()) if ":" not in target else target,
            "checkpointer": checkpointer,
            "store": store,
        }
        self.python = python or sys.executable
        self.on_log = on_log
        # a screen to stop on (code breakpoints): the graph's stops go to ``on_debug``
        self.debug = debug
        self.on_debug: Callable[[dict[str, Any]], None] | None = None
        self._host: Host | None = None
        self._host_lock = threading.Lock()
        self.info: dict[str, Any] = {}
        self.restarts = 0

    # -- the host ------------------------------------------------------------------------

    def _current(self) -> Host:
        with self._host_lock:
            if self._host is None or (self._host.exit_message is not None):
                if self._host is not None:
                    self.restarts += 1
                self._host = Host(
                    self.spec, self.python, self.on_log, self._debugged if self.debug else None
                )
            return self._host

    def _debugged(self, message: dict[str, Any]) -> None:
        if self.on_debug is not None:
            self.on_debug(message)

    def debug_send(self, message: dict[str, Any]) -> bool:
        """A word to the graph stopped at a code breakpoint (continue, next, step,
        return, eval); False when there is no host to hear it."""
        host = self._host
        return host is not None and host.debug_send(message)

    async def code_break(self, file: str, line: int, condition: str | None = None) -> Any:
        """A code breakpoint (the host's bdb): where it is, or `UsageError` why not."""
        return await self._call("code_break", file=file, line=line, condition=condition)

    async def code_unbreak(self, file: str, line: int) -> Any:
        return await self._call("code_unbreak", file=file, line=line)

    def start(self) -> None:
        """Start the host now (the project loads while the app draws)."""
        self._current()

    def reload(self) -> None:
        """Close the host and start another on the project's code as it is now (blocks
        while the old one closes); `ready` says whether the new one loaded."""
        with self._host_lock:
            host, self._host = self._host, None
        if host is not None:
            host.close()
        self.restarts += 1
        self.info = {}
        self._current()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> dict[str, Any]:
        """Block until the project is loaded; LoadError (exit 2) when it does not load."""
        host = self._current()
        try:
            hello = host.hello.result(timeout)
        except concurrent.futures.TimeoutError:
            raise LoadError(f"{self.target}: the project did not load in {timeout:.0f}s") from None
        except HostExited as exc:
            raise LoadError(f"{self.target}: {exc.message}") from None
        if "error" in hello:
            raise _error(hello["error"])
        self.info = hello
        return hello

    async def ready(self) -> Host:
        host = self._current()
        try:
            # shielded: a caller that gives up waiting must not cancel the host's hello
            # for every other caller (wrap_future passes a cancel on to the future)
            hello = await asyncio.shield(asyncio.wrap_future(host.hello))
        except HostExited as exc:
            raise LoadError(f"{self.target}: {exc.message}") from None
        if "error" in hello:
            raise _error(hello["error"])
        self.info = hello
        return host

    @property
    def warnings(self) -> list[str]:
        """What loading the project noticed and did not stop for (a missing .env, ...)."""
        return [str(w) for w in self.info.get("warnings") or ()]

    @property
    def logs(self) -> list[str]:
        return list(self._host.logs) if self._host is not None else []

    async def _call(self, op: str, **args: Any) -> Any:
        host = await self.ready()
        return await asyncio.wrap_future(host.request(op, args))

    # -- assistants and threads ----------------------------------------------------------

    async def list_assistants(self) -> list[dict[str, Any]]:
        return cast("list[dict[str, Any]]", await self._call("assistants", limit=10_000))

    async def create_thread(self, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._call("create_thread", metadata=metadata))

    async def get_thread(self, thread_id: str) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._call("get_thread", thread_id=thread_id))

    async def search_threads(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        return cast(
            "list[dict[str, Any]]",
            await self._call(
                "search_threads", limit=limit, offset=offset, status=status, metadata=metadata
            ),
        )

    async def get_history(
        self, thread_id: str, *, limit: int = 100, before: str | None = None
    ) -> list[dict[str, Any]]:
        return cast(
            "list[dict[str, Any]]",
            await self._call("history", thread_id=thread_id, limit=limit, before=before),
        )

    async def get_state(
        self, thread_id: str, checkpoint_id: str | None = None, *, subgraphs: bool = False
    ) -> dict[str, Any]:
        return cast(
            "dict[str, Any]",
            await self._call(
                "state", thread_id=thread_id, checkpoint_id=checkpoint_id, subgraphs=subgraphs
            ),
        )

    async def update_state(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> dict[str, Any]:
        return cast(
            "dict[str, Any]",
            await self._call(
                "update_state",
                thread_id=thread_id,
                values=values,
                as_node=as_node,
                checkpoint_id=checkpoint_id,
            ),
        )

    async def delete_thread(self, thread_id: str) -> None:
        await self._call("delete_thread", thread_id=thread_id)

    async def list_runs(
        self, thread_id: str, *, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        runs = await self._call("list_runs", thread_id=thread_id, limit=limit, offset=offset)
        return [r for r in runs or [] if isinstance(r, dict)]

    async def copy_thread(self, thread_id: str) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._call("copy_thread", thread_id=thread_id))

    async def get_graph(self, assistant: str, *, xray: bool = True) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._call("graph", assistant=assistant, xray=xray))

    async def state_keys(self, assistant: str) -> list[str] | None:
        return cast("list[str] | None", await self._call("state_keys", assistant=assistant))

    async def cancel_run(self, thread_id: str | None, run_id: str) -> None:
        host = self._host
        if host is not None and host.alive:
            with contextlib.suppress(SourceError):
                await asyncio.wrap_future(host.request("cancel", {"run_id": run_id}))

    async def resume_run(self, run_id: str, action: str) -> bool:
        """Answer a run paused at a breakpoint: ``continue``, ``step`` or ``abort``;
        False when no run of that id is paused."""
        if action not in ACTIONS:
            raise UsageError(f"resume a paused run with one of {', '.join(ACTIONS)}")
        host = self._host
        if host is None or not host.alive:
            return False
        return bool(
            await asyncio.wrap_future(host.request("resume", {"run_id": run_id, "action": action}))
        )

    async def aclose(self) -> None:
        host, self._host = self._host, None
        if host is not None:
            await asyncio.get_running_loop().run_in_executor(None, host.close)

    def close(self) -> None:
        host, self._host = self._host, None
        if host is not None:
            host.close()

    # -- streaming ------------------------------------------------------------------------

    def protocol_of(self, request: RunRequest) -> int:
        """1 or 2.  In-process, ``auto`` is the run stream: its debug, tasks and custom
        events reach every tab; the thread-centric stream (``v2``) is as langgraph dev
        sends it when asked for."""
        wanted = request.protocol if request.protocol != "auto" else self.protocol
        if wanted != "v2":
            return 1
        refusal = request.v2_refusal()
        if refusal:
            raise UsageError(f"the thread-centric stream (--protocol v2) cannot {refusal}")
        return 2

    async def stream_run(
        self, request: RunRequest, handle: RunHandle
    ) -> AsyncIterator[StreamEvent]:
        host = await self.ready()
        protocol = self.protocol_of(request)
        make: type[StreamEvent] = StreamEvent
        if protocol == 2:
            from lgtui.v2 import V2Event

            make = V2Event
        args = {
            "protocol": protocol,
            "channels": request.channels,
            "namespaces": request.namespaces,
            "depth": request.depth,
            "assistant": request.assistant,
            "input": request.input,
            "command": request.command,
            "stream_mode": list(request.stream_mode),
            "subgraphs": request.subgraphs,
            "thread_id": request.thread_id,
            "config": request.config,
            "context": request.context,
            "metadata": request.metadata,
            "checkpoint_id": request.checkpoint_id,
            "interrupt_before": request.interrupt_before,
            "interrupt_after": request.interrupt_after,
            "watch": request.watch,
            "answers": request.answers,
            "offline": request.offline,
            "breakpoints": request.breakpoints,
        }
        rid, stream = host.open_stream(args)
        seq = 0
        finished = False
        try:
            while True:
                kind, value = await stream.queue.get()
                if kind == "events":
                    for name, t, payload in value:
                        event = make(seq, t, name, payload, run_id=handle.run_id)
                        seq += 1
                        yield event
                elif kind == "info":
                    handle.run_id = value.get("run_id")
                    handle.thread_id = value.get("thread_id")
                elif kind == "trace" and isinstance(value, dict):
                    handle.traceback = str(value.get("text") or "")
                    handle.error_node = value.get("node")
                    handle.error_where = value.get("where")
                elif kind == "call":
                    if handle.on_record is not None:
                        handle.on_record(value)
                elif kind == "paused" and isinstance(value, dict):
                    if handle.on_pause is not None:
                        handle.on_pause(value)
                elif kind == "end":
                    finished = True
                    handle.calls = value.get("calls")
                    await asyncio.to_thread(host.wait_logs, rid)
                    handle.final_status = value.get("status") or None
                    return
                elif kind == "err":
                    finished = True
                    raise _error(value)
                elif kind == "exit":
                    finished = True
                    raise HostExited(str(value))
        finally:
            host.close_stream(rid)
            if not finished and handle.run_id and host.alive:
                with contextlib.suppress(Exception):
                    host.request("cancel", {"run_id": handle.run_id})
