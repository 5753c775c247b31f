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

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

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
        sent = 0
        try:
            while data := await up_reader.read(4096):
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
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


@contextmanager
def cutting_proxy(upstream_port: int, cuts: list[int]) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy(upstream_port, cuts).start()
    try:
        yield proxy
    finally:
        proxy.stop()
