"""The engine: sources run on a loop of their own, off the UI's event loop.

Network reads, SSE parsing and embedded graph runs happen on one background thread
with its own asyncio loop; events go straight into a `Session` (`lgtui.runs`).  The UI's loop only
renders what the Session holds, on a timer, so a burst of events never stalls a key
press.  No Textual here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

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
