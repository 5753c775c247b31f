"""The types hold: `mypy --strict` on the core (everything outside lgtui/ui/ and the
examples), plain mypy on the UI, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from helpers import paths

ROOT = paths.ROOT


def test_mypy_is_clean(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Success: no issues found" in proc.stdout
