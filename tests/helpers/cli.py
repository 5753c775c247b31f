"""The `lgtui` command, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys

from helpers.devserver import quiet_env


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
