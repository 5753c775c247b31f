"""Code breakpoints in the engine host: ``b path.py:LINE [condition]`` and ``breakpoint()``
in the user's code stop the graph there, for lgtui to show the source, the stack, the
locals and the graph's context, evaluate expressions and step.

Built on the standard library's `bdb.Bdb` (pdb's base): breakpoints are bdb's, stepping is
bdb's.  A stop blocks the thread that hit it -- the event loop's, for an async node -- so
lgtui's words to a stopped graph come on a socket of their own (the debug socket), read
by a thread of its own, never by the loop.  ``PYTHONBREAKPOINT`` names `breakpoint_hook`
in the host: ``breakpoint()`` stops there when a screen is attached, and is said and
skipped when none is (``lgtui stream``, ``lgtui check``).
"""

from __future__ import annotations

import bdb
import linecache
import os
import queue
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from lgtui.host import wire
from lgtui.host.calls import task_metadata
from lgtui.sources.serialize import shown

SOURCE_AROUND = 8  # lines shown above and below the stopped one
LOCALS_MAX = 200  # local names sent, at most
_SKIP = ["lgtui.*", "asyncio.*", "concurrent.*", "threading", "bdb", "queue", "selectors"]
_LIBRARIES = ("site-packages", "dist-packages", os.sep + "lib" + os.sep + "python")


_LGTUI = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class _Never:
    """bdb's "frame to stop in" when only breakpoints stop: none (bdb reads its code's
    flags)."""

    class f_code:
        co_flags = 0


_NEVER = _Never()


def _user_file(path: str) -> bool:
    return not (any(part in path for part in _LIBRARIES) or path.startswith(("<", _LGTUI)))


def graph_context() -> dict[str, Any]:
    """The node and step the stopped code runs in."""
    meta = task_metadata()
    if meta is None:
        return {}
    return {
        "node": meta.get("langgraph_node"),
        "step": meta.get("langgraph_step"),
        "ns": str(meta.get("langgraph_checkpoint_ns") or "").split("|")[:-1],
    }


class HostDebugger(bdb.Bdb):
    """One for the host.  A stop says where on the debug socket and waits for a word."""

    def __init__(self) -> None:
        super().__init__(skip=_SKIP)
        self.sock: socket.socket | None = None  # the debug socket, once lgtui attached it
        self.commands: queue.Queue[dict[str, Any]] = queue.Queue()
        self._stop_lock = threading.Lock()  # one stop at a time, whichever thread
        self._send_lock = threading.Lock()
        self.tracing = False
        self.stops = 0

    # -- lgtui's side ----------------------------------------------------------------------

    def attach(self, sock: socket.socket) -> None:
        """Read lgtui's words to a stopped graph on their own thread."""
        self.sock = sock
        threading.Thread(target=self._read, name="lgtui-debug-read", daemon=True).start()

    def _read(self) -> None:
        assert self.sock is not None
        while True:
            try:
                frame = wire.recv_frame(self.sock)
            except (OSError, wire.WireError):
                frame = None
            if frame is None:
                self.sock = None
                self.commands.put({"op": "continue"})  # (lgtui went: nothing waits)
                self.clear_all_breaks()
                return
            self.commands.put(wire.loads(frame[1]))

    def send(self, message: dict[str, Any]) -> None:
        sock = self.sock
        if sock is None:
            return
        with self._send_lock:
            try:
                sock.sendall(wire.json_frame(message))
            except OSError:
                self.sock = None

    # -- breakpoints -------------------------------------------------------------------------

    def add_break(self, file: str, line: int, condition: str | None = None) -> dict[str, Any]:
        """A breakpoint; `ValueError` says why it cannot be (no such file or line)."""
        path = self.canonic(os.path.abspath(os.path.expanduser(file)))
        if not os.path.isfile(path):
            raise ValueError(f"{file}: no such file")
        if condition:
            try:
                compile(condition, "<condition>", "eval")
            except SyntaxError as exc:
                raise ValueError(
                    f"the condition {condition!r} is no expression: {exc.msg}"
                ) from None
        error = self.set_break(path, int(line), cond=condition or None)
        if error:
            raise ValueError(error)
        self.start_tracing()
        return {"file": path, "line": int(line), "condition": condition or None}

    def remove_break(self, file: str, line: int) -> None:
        path = self.canonic(os.path.abspath(os.path.expanduser(file)))
        error = self.clear_break(path, int(line))
        if error:
            raise ValueError(error)

    def listed(self) -> list[dict[str, Any]]:
        return [
            {"file": b.file, "line": b.line, "condition": b.cond, "hits": b.hits}
            for b in bdb.Breakpoint.bpbynumber
            if b is not None
        ]

    def start_tracing(self) -> None:
        """Trace the threads that run graphs (the loop's, the executor's, new ones)."""
        if self.tracing:
            return
        self.tracing = True
        self.reset()
        self._set_stopinfo(_NEVER, None, -1)  # type: ignore[attr-defined]
        threading.settrace(self.trace_dispatch)
        sys.settrace(self.trace_dispatch)  # (called on the loop's thread)

    def trace_this_thread(self) -> None:
        if self.tracing and sys.gettrace() is None:
            sys.settrace(self.trace_dispatch)

    # -- a stop ------------------------------------------------------------------------------

    def set_continue(self) -> None:
        # bdb drops its trace when no breakpoint is left; ours stays on while any is
        self._set_stopinfo(_NEVER, None, -1)  # type: ignore[attr-defined]
        if not self.breaks:
            sys.settrace(None)
            frame = sys._getframe().f_back
            while frame and frame is not self.botframe:
                del frame.f_trace
                frame = frame.f_back

    def user_line(self, frame: FrameType) -> None:
        self.interaction(frame)

    def user_return(self, frame: FrameType, return_value: Any) -> None:
        self.interaction(frame, returned=return_value)  # (bdb asked: r, or a step ended)

    def interaction(self, frame: FrameType, returned: Any = None) -> None:
        if self.sock is None:  # no screen to stop on
            self.set_continue()
            return
        with self._stop_lock:
            self.stops += 1
            self.send({"stopped": self.describe(frame, returned)})
            while True:
                command = self.commands.get()
                op = command.get("op")
                if op == "eval":
                    self.send({"evaluated": self.evaluate(frame, str(command.get("expr", "")))})
                    continue
                if op == "next":
                    self.set_next(frame)
                elif op == "step":
                    self.set_step()
                elif op == "return":
                    self.set_return(frame)
                else:  # continue (or lgtui went)
                    self.set_continue()
                self.send({"resumed": op})
                return

    def evaluate(self, frame: FrameType, expr: str) -> dict[str, Any]:
        try:
            value = eval(expr, frame.f_globals, frame.f_locals)
        except BaseException as exc:  # a user's expression may raise anything
            return {"expr": expr, "error": f"{type(exc).__name__}: {exc}"}
        return {"expr": expr, "value": shown(value)}

    def describe(self, frame: FrameType, returned: Any = None) -> dict[str, Any]:
        path = frame.f_code.co_filename
        line = frame.f_lineno
        linecache.checkcache(path)
        lines = linecache.getlines(path)  # (read once)
        last = min(line + SOURCE_AROUND, max(line, len(lines)))
        source = [
            [n, lines[n - 1].rstrip("\n") if n <= len(lines) else ""]
            for n in range(max(1, line - SOURCE_AROUND), last + 1)
        ]
        stack: list[dict[str, Any]] = []
        f: FrameType | None = frame
        while f is not None and len(stack) < 200:
            code = f.f_code
            stack.append(
                {
                    "file": code.co_filename,
                    "line": f.f_lineno,
                    "function": code.co_name,
                    "user": _user_file(code.co_filename),
                }
            )
            f = f.f_back
        names = list(frame.f_locals.items())[:LOCALS_MAX]
        where: dict[str, Any] = {
            "file": path,
            "line": line,
            "function": frame.f_code.co_name,
            "source": source,
            "stack": stack,
            "locals": {str(k): shown(v) for k, v in names},
            "breakpoint": bool(self.get_breaks(self.canonic(path), line)),
            **graph_context(),
        }
        if returned is not None:
            where["returned"] = shown(returned)
        return where


DEBUGGER = HostDebugger()


def breakpoint_hook(*args: Any, **kwargs: Any) -> None:
    """``breakpoint()`` in the user's code (``PYTHONBREAKPOINT`` names this in the host)."""
    caller = sys._getframe(1)
    if DEBUGGER.sock is None:
        where = f"{os.path.basename(caller.f_code.co_filename)}:{caller.f_lineno}"
        print(f"lgtui: breakpoint() at {where} skipped: no screen to stop on", file=sys.stderr)
        return
    DEBUGGER.tracing = True
    DEBUGGER.set_trace(caller)


async def _code_break(file: str, line: int, condition: str | None = None) -> dict[str, Any]:
    from lgtui.sources.base import UsageError

    try:
        return DEBUGGER.add_break(file, line, condition)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


async def _code_unbreak(file: str, line: int) -> None:
    from lgtui.sources.base import UsageError

    try:
        DEBUGGER.remove_break(file, line)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


# the host's requests
OPS: dict[str, Callable[..., Any]] = {"code_break": _code_break, "code_unbreak": _code_unbreak}
