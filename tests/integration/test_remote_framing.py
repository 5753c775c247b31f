"""SSE framing a real server produces but not on demand: heartbeat comments mid-stream,
multi-line data, bytes that are not UTF-8, a body cut mid-event.  A loopback server
injects them; everything else about the protocol is tested against `langgraph dev`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from helpers.cli import assert_one_clean_line, run_cli

from lgtui.session import Session
from lgtui.sources.base import ConnectError, RunHandle, RunRequest
from lgtui.sources.remote import RemoteSource


@asynccontextmanager
async def sse_server(
    body: bytes, status: str = "200 OK", content_type: str = "text/event-stream"
) -> AsyncIterator[str]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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
        writer.write(
            f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n".encode()
        )
        for i in range(0, len(body), 7):  # small writes: frames split across reads
            writer.write(body[i : i + 7])
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"


async def collect(url: str) -> tuple[list, Session]:
    source = RemoteSource(url)
    session = Session()
    events = []
    try:
        async for e in source.stream_run(RunRequest("agent", {}, thread_id=None), RunHandle()):
            events.append(e)
            session.append(e)
    finally:
        await source.aclose()
    return events, session


async def test_heartbeats_crlf_multiline_and_no_end_event():
    body = (
        b": heartbeat\r\n\r\n"
        b'event: metadata\r\ndata: {"run_id": "r1", "attempt": 1}\r\n\r\n'
        b": heartbeat\r\n\r\n"
        b'event: updates\r\ndata: {"a":\r\ndata:  {"b": 1}}\r\nid: 5-0\r\n\r\n'
        b": heartbeat\r\n\r\n"
        b'event: custom\r\ndata: {"x": "\xff\xfe not utf-8"}\r\n\r\n'
        b"event: custom\r\ndata: not json at all [bold]x[/]\r\n\r\n"
    )
    async with sse_server(body) as url:
        events, session = await asyncio.wait_for(collect(url), 10)
    assert [e.event for e in events] == ["metadata", "updates", "custom", "custom"]
    assert events[1].data == {"a": {"b": 1}} and events[1].id == "5-0"
    assert events[2].data == {"x": "\ufffd\ufffd not utf-8"}
    assert events[3].data == "not json at all [bold]x[/]"
    assert session.run_id == "r1"
    assert session.row(3) == ("", '"not json at all [bold]x[/]"')


async def test_body_cut_mid_event_ends_the_stream_with_what_arrived():
    body = b'event: metadata\r\ndata: {"run_id": "r1", "attempt": 1}\r\n\r\nevent: updates\r\ndata: {"a": {'
    async with sse_server(body) as url:
        events, _ = await asyncio.wait_for(collect(url), 10)
    assert [e.event for e in events] == ["metadata"]


async def test_an_http_error_page_that_is_not_json():
    async with sse_server(
        b"<html>Bad gateway</html>", status="502 Bad Gateway", content_type="text/html"
    ) as url:
        try:
            await asyncio.wait_for(collect(url), 10)
        except Exception as exc:
            assert "HTTP 502" in str(exc) and "<html>Bad gateway</html>" in str(exc)
        else:
            raise AssertionError("expected an HTTP error")


async def test_a_200_that_is_not_an_event_stream():
    async with sse_server(b'{"ok": true}', content_type="application/json") as url:
        try:
            await asyncio.wait_for(collect(url), 10)
        except ConnectError:
            raise
        except Exception as exc:
            assert "did not answer with an event stream" in str(exc)
        else:
            raise AssertionError("expected an error")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        ("500 Internal Server Error", b'{"detail": "boom in the server"}'),
        ("503 Service Unavailable", b"upstream is down"),
        ("409 Conflict", b'{"detail": "Thread is already running a task."}'),
    ],
)
def test_http_errors_are_one_line_and_exit_3(status, body):
    async def run():
        async with sse_server(body, status=status, content_type="application/json") as url:
            return await asyncio.to_thread(
                run_cli, "stream", url, "-a", "agent", "-i", "{}", "-t", "none"
            )

    proc = asyncio.run(run())
    assert proc.returncode == 3
    code = status.split()[0]
    assert_one_clean_line(
        proc.stderr, f"HTTP {code}", body.decode().replace('{"detail": "', "").rstrip('"}')
    )


def test_tls_to_a_plain_http_port_is_a_connection_error():
    async def run():
        async with sse_server(b"") as url:
            return await asyncio.to_thread(
                run_cli, "stream", url.replace("http://", "https://"), "-a", "agent", "-i", "{}"
            )

    proc = asyncio.run(run())
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "cannot reach https://127.0.0.1")


async def test_the_app_keeps_running_after_a_server_error():
    from textual.widgets import Static

    from lgtui.ui.app import LgtuiApp

    async with sse_server(
        b'{"detail": "boom"}', status="500 Internal Server Error", content_type="application/json"
    ) as url:
        app = LgtuiApp(RemoteSource(url), request=RunRequest("agent", {}, thread_id=None))
        async with app.run_test(size=(150, 40)) as pilot:
            deadline = asyncio.get_running_loop().time() + 20
            while app.session is None or app.session.status == "running":
                assert asyncio.get_running_loop().time() < deadline
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            banner = str(app.main.query_one("#banner", Static).render())
            assert "HTTP 500" in banner and "boom" in banner
            assert app.is_running
