"""Every screen at 120x40 and at 80x24, compared with the SVGs accepted in
tests/__snapshots__/ (pytest-textual-snapshot). The screens are built from recordings/
(tests/screens.py), so they are the same on every machine. After a change to what a
screen shows: `pytest tests/test_snapshots.py --snapshot-update`, then look at the SVGs
(`git diff --stat tests/__snapshots__`) before committing them."""

from __future__ import annotations

import pytest
from helpers.screens import ROOT, SCREENS

SIZES = {"wide": (120, 40), "small": (80, 24)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_screen(snap_compare, monkeypatch, screen, size):
    monkeypatch.chdir(ROOT)
    assert snap_compare(screen.make(), terminal_size=SIZES[size], run_before=screen.before)
