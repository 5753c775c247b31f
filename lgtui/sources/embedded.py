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
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, cast

from lgtui.breakpoints import ACTIONS
from lgtui.events import StreamEvent
from lgtui.host import wire
from lgtui.sources.assistants_api import HostAssistants
from lgtui.sources.base import (
    HTTPStatusError,
    LoadError,
    RunHandle,
    RunRequest,
    SourceError,
    UsageError,
)
from lgtui.sources.loader import parse_target
from lgtui.sources.store_api import HostStore
from lgtui.tracebacks import library_frame

LOG_LINES = 2000  # the host's output kept, newest last
_LINE_MAX = 4000
READY_TIMEOUT = 120.0  # importing a big project can take a while


class HostExited(SourceError):
    """The engine host process ended (a crash, sys.exit, a signal): the run failed."""

    exit_code = 1


def _error(reply: dict[str, Any]) -> SourceError:
    kind = reply.get("kind")
    if kind == "http":
        return HTTPStatusError(
            int(reply.get("status") or 500),
            str(reply.get("detail") or ""),
            str(reply.get("method") or ""),
            str(reply.get("path") or ""),
        )
    message = str(reply.get("message") or "the engine host failed")
    if kind == "load":
        return LoadError(message)
    if kind == "usage":
        return UsageError(message)
    if kind == "source":
        return SourceError(message)
    return SourceError(f"engine host: {message}")


def _bootstrap() -> str:
    here = str(Path(__file__).resolve().parents[2])
    return (
        "import importlib.util, sys\n"
        f"if importlib.util.find_spec('lgtui') is None: sys.path.append({here!r})\n"
        "from lgtui.host.main import main\n"
        "main()\n"
    )


class _Stream:
    """One run's items, handed from the reader thread to the loop that streams it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def put(self, kind: str, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
            self.loop.call_soon_threadsafe(self.queue.put_nowait, (kind, value))


class Host:
    """One engine host process and the socket to it."""

    def __init__(self, spec: dict[str, Any], python: str, on_log: Callable[[str], None] | None):
        self.spec = spec
        self.logs: deque[str] = deque(maxlen=LOG_LINES)
        self.on_log = on_log
        parent, child = socket.socketpair()
        env = dict(os.environ)
        env.setdefault("PYTHONBREAKPOINT", "0")  # no pdb on a terminal the TUI owns
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [python, "-P", "-c", _bootstrap(), str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # ^C in the terminal is the app's, not the graph's
        )
        child.close()
        self.sock = parent
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, concurrent.futures.Future[Any]] = {}
        self._streams: dict[int, _Stream] = {}
        self.hello: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
        self.exit_message: str | None = None
        self._lock = threading.Lock()
        self._marks: set[tuple[str, str]] = set()
        self._marked = threading.Condition()
        self._send({"spec": True, **spec})
        for pipe, name in ((self.proc.stdout, "stdout"), (self.proc.stderr, "stderr")):
            threading.Thread(
                target=self._read_log, args=(pipe, name), name=f"lgtui-host-{name}", daemon=True
            ).start()
        self._reader = threading.Thread(target=self._read, name="lgtui-host-read", daemon=True)
        self._reader.start()

    # -- the host's output ----------------------------------------------------------------

    def _read_log(self, pipe: Any, name: str) -> None:
        for raw in iter(pipe.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")[:_LINE_MAX]
            if line.startswith(wire.LOG_MARK):
                with self._marked:
                    self._marks.add((name, line[len(wire.LOG_MARK) :]))
                    self._marked.notify_all()
                continue
            self.logs.append(line)
            if self.on_log is not None:
                with contextlib.suppress(Exception):
                    self.on_log(line)
        pipe.close()

    # -- frames ----------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        frame = wire.json_frame(message)
        with self._send_lock:
            self.sock.sendall(frame)

    def _read(self) -> None:
        try:
            while True:
                frame = wire.recv_frame(self.sock)
                if frame is None:
                    break
                kind, body = frame
                if kind == wire.EVENTS:
                    rid, events = wire.parse_events(body)
                    stream = self._streams.get(rid)
                    if stream is not None:
                        stream.put("events", events)
                    continue
                self._dispatch(wire.loads(body))
        except (OSError, wire.WireError, ValueError) as exc:
            self.logs.append(f"lgtui: engine host connection failed: {exc}")
        self._ended()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "hello" in message:
            if not self.hello.done():
                self.hello.set_result(message["hello"])
            return
        rid = int(message.get("id", 0))
        stream = self._streams.get(rid)
        if stream is not None:
            for key in ("info", "trace", "call", "paused", "end", "err"):
                if key in message:
                    stream.put(key, message[key])
            return
        future = self._pending.pop(rid, None)
        if future is None or future.done():
            return
        if "err" in message:
            future.set_exception(_error(message["err"]))
        else:
            future.set_result(message.get("ok"))

    def _ended(self) -> None:
        """The socket closed: say how the process ended to everyone still waiting."""
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        self._drain_logs()
        self.exit_message = describe_exit(code, list(self.logs))
        error = HostExited(self.exit_message)
        with self._lock:
            pending, self._pending = self._pending, {}
            streams, self._streams = self._streams, {}
        if not self.hello.done():
            self.hello.set_exception(error)
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
        for stream in streams.values():
            stream.put("exit", self.exit_message)

    def _drain_logs(self) -> None:
        deadline = time.monotonic() + 1.0
        for t in threading.enumerate():
            if t.name.startswith("lgtui-host-std") and t.is_alive():
                t.join(max(0.0, deadline - time.monotonic()))

    def wait_logs(self, rid: int, timeout: float = 1.0) -> None:
        """Until both pipes gave what the host printed before request `rid` ended."""
        wanted = {("stdout", str(rid)), ("stderr", str(rid))}
        with self._marked:
            self._marked.wait_for(lambda: wanted <= self._marks, timeout)
            self._marks -= wanted

    @property
    def alive(self) -> bool:
        return self.exit_message is None and self.proc.poll() is None

    # -- requests --------------------------------------------------------------------------

    def request(self, op: str, args: dict[str, Any]) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        rid = next(self._ids)
        with self._lock:
            if self.exit_message is not None:
                future.set_exception(HostExited(self.exit_message))
                return future
            self._pending[rid] = future
        try:
            self._send({"id": rid, "op": op, "args": args})
        except OSError:
            self._pending.pop(rid, None)
            future.set_exception(HostExited(self.exit_message or "the engine host is gone"))
        return future

    def open_stream(self, args: dict[str, Any]) -> tuple[int, _Stream]:
        rid = next(self._ids)
        stream = _Stream(asyncio.get_running_loop())
        with self._lock:
            if self.exit_message is not None:
                raise HostExited(self.exit_message)
            self._streams[rid] = stream
        try:
            self._send({"id": rid, "op": "run", "args": args})
        except OSError:
            self._streams.pop(rid, None)
            raise HostExited(self.exit_message or "the engine host is gone") from None
        return rid, stream

    def close_stream(self, rid: int) -> None:
        self._streams.pop(rid, None)

    def close(self, timeout: float = 2.0) -> None:
        with contextlib.suppress(OSError):
            self._send({"op": "shutdown"})
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout)
        self.sock.close()


def describe_exit(code: int | None, logs: list[str]) -> str:
    """How the host ended, in a line, with what it printed last that says why: for a
    crash, the innermost frame of the user's own code in Python's fault report."""
    from lgtui.preview import safe_text

    if code is None:
        how = "stopped answering"
    elif code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        what = {"SIGSEGV": "a segmentation fault", "SIGKILL": "killed", "SIGABRT": "aborted"}
        how = f"died of {name}" + (f" ({what[name]})" if name in what else "")
    elif code == 0:
        how = "exited (status 0)"
    else:
        how = f"exited with status {code}"
    message = f"the graph's process {how}"
    frames = [line.strip() for line in logs if line.strip().startswith('File "')]
    own = [f for f in frames if not library_frame(f)]
    said = [line.strip() for line in logs if line.strip().startswith("lgtui: ")]
    if code is not None and code < 0 and (own or frames):
        message += f"; last at {(own or frames)[0]}"
    elif said:
        message += f"; {said[-1].removeprefix('lgtui: ')}"
    else:
        tail = [line.strip() for line in logs if line.strip()]
        if tail:
            message += f"; it printed last: {tail[-1][:300]}"
    return safe_text(message, 1000)


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
                self._host = Host(self.spec, self.python, self.on_log)
            return self._host

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
