"""Fixtures: a real `langgraph dev` server over tests/graphs, on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

GRAPHS = Path(__file__).parent / "graphs"
STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _langgraph_cli() -> list[str]:
    exe = Path(sys.executable).with_name("langgraph")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("langgraph")
    if found:
        return [found]
    return [sys.executable, "-m", "langgraph_cli.cli"]


def quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LANGSMITH_TRACING="false",
        LANGCHAIN_TRACING_V2="false",
        LANGGRAPH_CLI_NO_ANALYTICS="1",
        LANGSMITH_API_KEY="",
        LANGGRAPH_API_KEY="",
        PYTHONUNBUFFERED="1",
    )
    return env


class Server:
    def __init__(self, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.proc = proc
        self.log = log


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`langgraph dev --no-browser --no-reload` serving tests/graphs/langgraph.json."""
    port = free_port()
    log = tmp_path_factory.mktemp("langgraph-dev") / "server.log"
    cmd = [
        *_langgraph_cli(),
        "dev",
        "--no-browser",
        "--no-reload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--config",
        str(GRAPHS / "langgraph.json"),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=GRAPHS, stdout=out, stderr=subprocess.STDOUT, env=quiet_env()
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"langgraph dev exited early:\n{log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{url}/ok", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"langgraph dev did not start in {STARTUP_TIMEOUT}s:\n{log.read_text()[-4000:]}"
                )
            time.sleep(0.25)
        yield Server(url, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="session")
def graphs_dir() -> Path:
    return GRAPHS


def run_cli(
    *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `lgtui` command as a user would, capturing what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "lgtui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or quiet_env(),
    )
