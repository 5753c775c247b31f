"""The engine: sources run on a loop of their own, off the UI's event loop.

Network reads, SSE parsing and embedded graph runs happen on one background thread
with its own asyncio loop; events go straight into a `Session`.  The UI's loop only
renders what the Session holds, on a timer, so a burst of events never stalls a key
press.  No Textual here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from lgtui.recorder import Recorder
from lgtui.session import CANCELLED, DISCONNECTED, ERROR, INTERRUPTED, Session
from lgtui.sources.base import ConnectError, RunHandle, RunRequest, SourceError

T = TypeVar("T")


class Engine:
    """A daemon thread running an asyncio loop that sources live on."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="lgtui-engine", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the engine loop from another loop (the UI's)."""
        return await asyncio.wrap_future(self.submit(coro))

    def stop(self, timeout: float = 2.0) -> None:
        if not self._loop.is_running():
            return

        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.wait(tasks, timeout=timeout) if tasks else None

        try:
            self.submit(_cancel_all()).result(timeout + 0.5)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)


async def stream_into(
    source: Any,
    request: RunRequest,
    session: Session,
    handle: RunHandle,
    recorder: Recorder | None = None,
) -> None:
    """Stream one run into ``session`` (and ``recorder``); set its final status whatever happens."""

    def finish(status: str | None, detail: str = "") -> None:
        if handle.traceback:  # before the status: a screen shows both at once
            session.traceback = handle.traceback
        session.cancelled = handle.cancel_requested
        session.finish(status, detail)

    try:
        async for event in source.stream_run(request, handle):
            if session.thread_id is None and handle.thread_id:
                session.thread_id = handle.thread_id
            session.append(event)
            if recorder is not None:
                recorder.write(event, run_id=handle.run_id, thread_id=handle.thread_id)
                session.capture_path = str(recorder.path) if recorder.path else None
                session.capture_error = recorder.error
        session.thread_id = handle.thread_id
        finish(handle.final_status)
    except asyncio.CancelledError:
        # the source was asked to stop the run: a server says "interrupted" of it
        finish(INTERRUPTED if handle.cancel_requested else CANCELLED)
        raise
    except ConnectError as exc:
        finish(DISCONNECTED if session.count else ERROR, exc.message)
    except SourceError as exc:
        finish(ERROR, exc.message)
    except Exception as exc:  # a bug or a hostile peer: keep the app alive, say what happened
        finish(ERROR, f"{type(exc).__name__}: {exc}")
    finally:
        if recorder is not None:
            recorder.close(session.status, session.status_detail, session.traceback)
            session.capture_error = recorder.error
