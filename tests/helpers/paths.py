"""Where things are, for every test wherever its file sits."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent  # the repository
GRAPHS = TESTS / "graphs"  # the test project (its langgraph.json)
PROJECTS = TESTS / "projects"  # small projects for the embedded runtime
RECORDINGS = ROOT / "recordings"
