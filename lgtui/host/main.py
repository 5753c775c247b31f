"""The engine host's entry: ``python -P -c "…main()" FD``, started by lgtui.

It reads what to load from the socket (so a database password never shows in ``ps``),
loads the project as `langgraph dev` would (env, import path, graphs), opens the
checkpointer and store, says hello with the assistants, then answers requests until
the socket closes.  Nothing it sends goes to stdout or stderr: those are the user's
prints and logs, which lgtui shows as such.
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from typing import Any

from lgtui.host.debugger import DEBUGGER


def _die_with_parent() -> None:
    """Linux: be killed when lgtui is (a SIGKILLed app leaves no graph running)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    fd = int(args[0])
    _die_with_parent()
    faulthandler.enable()  # a segfault in user code prints where, for the app to show
    sock = socket.socket(fileno=fd)
    from lgtui.host import wire

    first = wire.recv_frame(sock)
    if first is None:
        return
    spec = wire.loads(first[1])
    if len(args) > 1:  # the debug socket: a screen to stop on (lgtui/host/debugger.py)
        from lgtui.host.debugger import DEBUGGER

        DEBUGGER.attach(socket.socket(fileno=int(args[1])))
    code = 0
    try:
        asyncio.run(_serve(sock, spec))
    except SystemExit as exc:  # sys.exit() in an async node stops the loop: say so, go
        code = exc.code if isinstance(exc.code, int) else 1
        print(f"lgtui: the graph's code called sys.exit({exc.code!r})", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # a node still blocking in a thread must not keep the process alive
        timer = threading.Timer(2.0, os._exit, args=(code,))
        timer.daemon = True
        timer.start()
    sys.exit(code)


class GraphExit(Exception):
    """``sys.exit()`` called in a sync node: an error of the run, not the host's end."""

    error_name = "SystemExit"


class _Executor(ThreadPoolExecutor):
    # (and the thread of each sync node traced when code breakpoints are set)
    """The loop's default executor (langgraph runs sync nodes there): a ``SystemExit``
    raised in a node becomes an error of that run, and the host keeps serving."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        def guarded() -> Any:
            DEBUGGER.trace_this_thread()  # (code breakpoints: a sync node's thread)
            try:
                return fn(*args, **kwargs)
            except SystemExit as exc:
                raise GraphExit(f"the graph's code called sys.exit({exc.code!r})") from None

        return super().submit(guarded)


async def _serve(sock: socket.socket, spec: dict[str, Any]) -> None:
    from lgtui.host import wire
    from lgtui.host.persistence import open_checkpointer, open_store
    from lgtui.host.project import load_project
    from lgtui.host.runtime import Engine
    from lgtui.host.server import HostServer, error_reply
    from lgtui.host.threads import Threads

    asyncio.get_running_loop().set_default_executor(_Executor(thread_name_prefix="lgtui-node"))
    sock.setblocking(False)
    reader, writer = await asyncio.open_unix_connection(sock=sock)
    async with AsyncExitStack() as stack:
        try:
            from lgtui.host import tool_calls

            tool_calls.install()  # before the project: its own LLM cache, if it sets one, wins
            project = load_project(str(spec["target"]))
            saver = await open_checkpointer(
                spec.get("checkpointer"), stack, (project.checkpointer_config or {}).get("serde")
            )
            store = await open_store(spec.get("store"), project.store_config, stack)
            engine = Engine(project, saver, store)
            threads = Threads(engine)
            if spec.get("checkpointer"):
                await threads.discover()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            writer.write(wire.json_frame({"hello": {"error": error_reply(exc)}}))
            await writer.drain()
            return
        import langgraph.version

        writer.write(
            wire.json_frame(
                {
                    "hello": {
                        "assistants": engine.assistants.search(),
                        "warnings": project.warnings,
                        "env_keys": project.env_keys,
                        "root": str(project.root),
                        "langgraph": langgraph.version.__version__,
                        "python": sys.version.split()[0],
                        "pid": os.getpid(),
                    }
                }
            )
        )
        await writer.drain()
        await HostServer(engine, threads, reader, writer).serve()
