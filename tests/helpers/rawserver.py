"""A loopback HTTP server for faults a real server cannot produce on demand: it reads a
request (head and body) and hands the connection to ``respond(writer, head)``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

Respond = Callable[[asyncio.StreamWriter, str], Awaitable[None]]


class RawServer:
    """Answers every request on a loopback port with ``respond(writer, head)``; ``head`` is
    the request line and headers as text."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.loop = asyncio.new_event_loop()
        self.url = ""
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> None:
            self.stopping = asyncio.Event()
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            ready.set()
            async with server:
                await self.stopping.wait()
            # connections still being answered end with the server, not after its loop
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        self.loop.run_until_complete(main())
        self.loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            await reader.readexactly(length)
            await self.respond(writer, head.decode("latin-1"))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(10)
