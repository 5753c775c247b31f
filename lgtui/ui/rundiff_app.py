"""`lgtui diff`'s app: two runs side by side (the screen is lgtui/ui/screens/rundiff.py)."""

from __future__ import annotations

from lgtui.rundiff import RunDiff
from lgtui.ui.base import BaseApp
from lgtui.ui.screens.rundiff import RunDiffScreen


class RunDiffApp(BaseApp):
    TITLE = "lgtui diff"

    def __init__(self, diff: RunDiff) -> None:
        super().__init__()
        self.diff = diff
        self.source_label = f"diff {diff.a.path} {diff.b.path}"

    def on_mount(self) -> None:
        self.start_idle_gc()
        self.push_screen(RunDiffScreen(self.diff))
        self.apply_settings()
