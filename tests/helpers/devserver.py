"""Start a real `langgraph dev` on a free loopback port (for the tests and recordings/make.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_env() -> dict[str, str]:
    """The environment minus tracing, analytics and API keys of the developer's own."""
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


def _langgraph_cli() -> list[str]:
    exe = Path(sys.executable).with_name("langgraph")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("langgraph")
    return [found] if found else [sys.executable, "-m", "langgraph_cli.cli"]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    cmd: list[str] | None = None
    cwd: Path | None = None

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer does it: nothing is saved."""
        self.proc.kill()
        self.proc.wait(10)

    def restart(self) -> None:
        """Start again on the same port and folder (after `kill`)."""
        assert self.cmd is not None and self.cwd is not None
        self.proc = _spawn(self.cmd, self.cwd, self.log, append=True)
        _wait_ready(self.proc, self.url, self.log)


def _spawn(cmd: list[str], cwd: Path, log: Path, append: bool = False) -> subprocess.Popen[bytes]:
    with log.open("ab" if append else "wb") as out:
        return subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=quiet_env())


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"langgraph dev exited early:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/ok", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"langgraph dev did not start in {STARTUP_TIMEOUT}s:\n{log.read_text()[-4000:]}"
            )
        time.sleep(0.25)


@contextmanager
def start_dev_server(config: Path, log: Path) -> Iterator[Server]:
    """`langgraph dev --no-browser --no-reload` over ``config``; stopped on exit.

    The server runs on a fresh copy of the config's folder: `langgraph dev` keeps threads
    and queued runs in `.langgraph_api/` beside it, and a run left over from an earlier
    session would otherwise be resumed first and hold the only worker.
    """
    workdir = Path(tempfile.mkdtemp(prefix="lgtui-dev-"))
    shutil.copytree(
        config.resolve().parent,
        workdir / "graphs",
        ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"),
    )
    config = workdir / "graphs" / config.name
    port = free_port()
    cmd = [
        *_langgraph_cli(),
        "dev",
        "--no-browser",
        "--no-reload",
        "--n-jobs-per-worker",
        "4",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--config",
        str(config),
    ]
    url = f"http://127.0.0.1:{port}"
    server = Server(url, _spawn(cmd, config.parent, log), log, cmd, config.parent)
    try:
        _wait_ready(server.proc, url, log)
        yield server
    finally:
        proc = server.proc
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(workdir, ignore_errors=True)
