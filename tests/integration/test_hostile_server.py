"""A hostile or broken server cannot make lgtui grow without bound or wait forever: a gzip
bomb, an endless line, an endless error body, headers that never come, an endless run."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
import time
import zlib

import pytest
from helpers.cli import assert_one_clean_line, run_cli
from helpers.devserver import quiet_env
from helpers.rawserver import RawServer


@pytest.fixture
def serve():
    servers = []

    def start(respond) -> str:
        server = RawServer(respond)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


def bomb(size: int, unit: bytes = b"A") -> bytes:
    """``size`` bytes of ``unit`` gzipped (~200x smaller), built without holding them."""
    z = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = unit * (1 << 20)
    parts = [z.compress(block) for _ in range(size >> 20)]
    parts.append(z.flush())
    return b"".join(parts)


MEMORY_LIMIT = 1024 * 1024 * 1024  # the address space lgtui runs in here: 1 GiB


def run_bounded(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`lgtui` with its address space capped: holding a bomb's worth would fail."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "lgtui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=quiet_env(),
        preexec_fn=cap,
    )


def test_a_gzip_bomb_in_the_event_stream_is_dropped_and_said(serve):
    """A few MB on the wire that inflate to one 2 GiB line: dropped as it arrives, said, and the
    stream goes on -- in 1 GiB of address space."""
    head = b'event: metadata\ndata: {"run_id": "r"}\n\nevent: updates\ndata: "'
    tail = b'"\n\nevent: updates\ndata: {"after": 1}\n\n'
    z = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"A" * (1 << 20)
    body = b"".join([z.compress(head), *(z.compress(block) for _ in range(2048))])
    body += z.compress(tail) + z.flush()  # ~9 MB on the wire

    async def respond(writer, head):
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\n"
            b"connection: close\r\n\r\n"
        )
        for i in range(0, len(body), 1 << 16):
            writer.write(body[i : i + (1 << 16)])
            await writer.drain()

    url = serve(respond)
    proc = run_bounded("stream", url, "-a", "agent", "-m", "updates", timeout=180)
    assert proc.returncode == 0, proc.stderr
    events = proc.stdout.splitlines()
    assert len(events) == 2 and '"after":1' in events[-1]  # the stream went on after it
    assert "1 event over 128 MiB dropped as they arrived" in proc.stderr


def test_an_endless_error_body_is_read_64_kb_of(serve):
    async def respond(writer, head):
        writer.write(
            b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\n"
            b"connection: close\r\n\r\n"
        )
        chunk = b"x" * 65536
        for _ in range(100_000):  # 6.5 GB, if anyone read it all
            writer.write(chunk)
            await writer.drain()

    url = serve(respond)
    proc = run_bounded("stream", url, "-a", "agent", timeout=60)
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "HTTP 500", "went on past 64 kB: the rest was not read")


def test_a_gzip_bomb_error_body_is_cut(serve):
    async def respond(writer, head):
        writer.write(
            b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-encoding: gzip\r\n"
            b"connection: close\r\n\r\n" + bomb(256 << 20, b"B")
        )
        await writer.drain()

    url = serve(respond)
    proc = run_bounded("stream", url, "-a", "agent", timeout=60)
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "HTTP 502", "went on past 64 kB")


def test_a_server_that_never_answers_is_given_up_on(serve):
    async def respond(writer, head):
        await asyncio.sleep(3600)  # takes the request, sends nothing

    url = serve(respond)
    started = time.monotonic()
    proc = run_cli("stream", url, "-a", "agent", "--stall-after", "1", timeout=60)
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "took the connection but sent no answer in 1s")
    assert time.monotonic() - started < 20


def test_a_server_that_drops_the_connection_is_said(serve):
    async def respond(writer, head):
        writer.transport.abort()  # takes the request, resets the connection

    url = serve(respond)
    proc = run_cli("stream", url, "-a", "agent", timeout=60)
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, f"connection to {url} failed: Server disconnected")


def test_a_transport_error_without_words_is_named():
    """httpx raises some errors with an empty message (a reset mid-read under load): the
    line names the error rather than ending in "failed: " (a fault injected: a real reset
    does not choose its message)."""
    import httpx

    from lgtui.sources.remote import RemoteSource

    error = RemoteSource("http://127.0.0.1:9")._transport_error(httpx.ReadError(""))
    assert str(error) == "connection to http://127.0.0.1:9 failed: ReadError"


def test_an_endless_stream_keeps_nothing_on_disk(serve, tmp_path):
    """`lgtui stream` of a run that goes on and on writes its lines and keeps nothing:
    past the 50,000 events a screen keeps in memory, no spill file is ever made."""
    import os

    async def respond(writer, head):
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
        )
        payload = b'event: custom\ndata: {"pad": "' + b"p" * 200 + b'"}\n\n'
        for _ in range(600):
            writer.write(payload * 100)  # 60,000 events
            await writer.drain()

    url = serve(respond)
    env = {**quiet_env(), "TMPDIR": str(tmp_path)}
    written = resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock
    proc = subprocess.run(
        [sys.executable, "-m", "lgtui", "stream", url, "-a", "agent", "-m", "custom"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == []
    # blocks it wrote (a spill of these 14 MB would be ~27,000; an unnamed temp file
    # shows in no folder, but its writes count)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock - written < 2000
