"""Fixtures: a real `langgraph dev` server over tests/graphs, on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from devserver import Server, free_port, quiet_env, start_dev_server

GRAPHS = Path(__file__).parent / "graphs"
RECORDINGS = Path(__file__).parent.parent / "recordings"
__all__ = ["RECORDINGS", "assert_one_clean_line", "free_port", "quiet_env", "run_cli"]


def pytest_configure(config: pytest.Config) -> None:
    """The suite never reads or writes the developer's own settings (theme, keys)."""
    folder = Path(tempfile.mkdtemp(prefix="lgtui-test-config-"))
    os.environ["LGTUI_CONFIG"] = str(folder / "config.toml")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`langgraph dev --no-browser --no-reload` serving tests/graphs/langgraph.json."""
    log = tmp_path_factory.mktemp("langgraph-dev") / "server.log"
    with start_dev_server(GRAPHS / "langgraph.json", log) as server:
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server (initdb + pg_ctl in a temp folder), for the session."""
    from pgserver import postgres_cluster

    with postgres_cluster() as url:
        yield url


def new_database(base: str, name: str) -> str:
    """A fresh database on the test server; its URL."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + f"/{name}"


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


def assert_one_clean_line(stderr: str, *fragments: str) -> None:
    """What a user mistake must get: one line on stderr, no traceback, saying these things."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
