"""The engine host's process, seen from lgtui: started in the project's Python with one end
of a socket pair, its frames read by one thread and handed to whichever event loop asked
(replies to requests, a run's events), its stdout and stderr kept as the user's logs, and
how it ended (a crash, ``sys.exit``, a signal) put in words.  `embedded.EmbeddedSource`
speaks to the project through it.
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
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lgtui.host import wire
from lgtui.sources.base import (
    HTTPStatusError,
    LoadError,
    SourceError,
    UsageError,
)
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

    def __init__(
        self,
        spec: dict[str, Any],
        python: str,
        on_log: Callable[[str], None] | None,
        on_debug: Callable[[dict[str, Any]], None] | None = None,
    ):
        self.spec = spec
        self.logs: deque[str] = deque(maxlen=LOG_LINES)
        self.on_log = on_log
        parent, child = socket.socketpair()
        fds = [child]
        self.debug_sock: socket.socket | None = None
        if on_debug is not None:  # a screen to stop on: code breakpoints, breakpoint()
            self.debug_sock, debug_child = socket.socketpair()
            fds.append(debug_child)
        env = dict(os.environ)
        # breakpoint() stops on lgtui's screen (or is said and skipped), never pdb on a
        # terminal the TUI owns
        env.setdefault("PYTHONBREAKPOINT", "lgtui.host.debugger.breakpoint_hook")
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [python, "-P", "-c", _bootstrap(), *(str(f.fileno()) for f in fds)],
            pass_fds=tuple(f.fileno() for f in fds),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # ^C in the terminal is the app's, not the graph's
        )
        for f in fds:
            f.close()
        self.sock = parent
        self._debug_lock = threading.Lock()
        if self.debug_sock is not None and on_debug is not None:
            threading.Thread(
                target=self._read_debug, args=(on_debug,), name="lgtui-host-debug", daemon=True
            ).start()
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

    # -- a stopped graph's words (the debug socket) ------------------------------------------

    def _read_debug(self, on_debug: Callable[[dict[str, Any]], None]) -> None:
        sock = self.debug_sock
        assert sock is not None
        while True:
            try:
                frame = wire.recv_frame(sock)
            except (OSError, wire.WireError):
                return
            if frame is None:
                return
            try:
                on_debug(wire.loads(frame[1]))
            except Exception:  # (the app's trouble must not end the reading)
                continue

    def debug_send(self, message: dict[str, Any]) -> bool:
        """A word to a stopped graph (continue, next, step, return, eval)."""
        sock = self.debug_sock
        if sock is None:
            return False
        with self._debug_lock:
            try:
                sock.sendall(wire.json_frame(message))
            except OSError:
                return False
        return True

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
        if self.debug_sock is not None:  # (a stopped graph goes on, then ends)
            with contextlib.suppress(OSError):
                self.debug_sock.shutdown(socket.SHUT_RDWR)
            self.debug_sock.close()
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
