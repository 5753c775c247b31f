"""A loopback TCP proxy that cuts connections: faults a real server cannot make on demand."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CuttingProxy:
    """Forwards 127.0.0.1:port to ``upstream``; the i-th connection is cut after
    ``cuts[i]`` bytes from the server (connections past the list pass untouched)."""

    def __init__(self, upstream_port: int, cuts: list[int]) -> None:
        self.upstream_port = upstream_port
        self.cuts = list(cuts)
        self.connections = 0
        self.cut_count = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()  # cleared while frozen: bytes held, sockets open
        self._flowing.set()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def _call(self, fn) -> None:
        """Run ``fn`` (a coroutine function) on the proxy's loop and wait for it."""
        asyncio.run_coroutine_threadsafe(fn(), self._loop).result(10)

    def outage(self) -> None:
        """The server goes away: open connections are cut, new ones refused."""

        async def down() -> None:
            assert self._server is not None
            self._server.close()
            for w in list(self._writers):
                w.transport.abort()
            await self._server.wait_closed()

        self._call(down)

    def restore(self) -> None:
        """The server is back on the same port."""

        async def up() -> None:
            self._server = await asyncio.start_server(
                self._handle, "127.0.0.1", self.port, reuse_address=True
            )

        self._call(up)

    def freeze(self) -> None:
        """The server goes silent: connections stay open, no byte reaches the client."""
        self._loop.call_soon_threadsafe(self._flowing.clear)

    def thaw(self) -> None:
        self._loop.call_soon_threadsafe(self._flowing.set)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = self.connections
        self.connections += 1
        limit = self.cuts[index] if index < len(self.cuts) else None
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return

        async def client_to_server() -> None:
            try:
                while data := await reader.read(65536):
                    up_writer.write(data)
                    await up_writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass

        upload = asyncio.ensure_future(client_to_server())
        self._writers.add(writer)
        sent = 0
        try:
            while data := await up_reader.read(4096):
                await self._flowing.wait()
                if limit is not None and sent + len(data) >= limit:
                    writer.write(data[: max(0, limit - sent)])
                    await writer.drain()
                    self.cut_count += 1
                    break
                writer.write(data)
                await writer.drain()
                sent += len(data)
        except ConnectionError:
            pass
        finally:
            self._writers.discard(writer)
            upload.cancel()
            for w in (writer, up_writer):
                try:
                    w.transport.abort()  # a hard cut, as a dropped network does it
                except Exception:
                    pass

    def start(self) -> CuttingProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=5)

        try:
            self._call(cancel_all)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


@contextmanager
def cutting_proxy(upstream_port: int, cuts: list[int] = ()) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy(upstream_port, cuts).start()
    try:
        yield proxy
    finally:
        proxy.stop()
