"""`lgtui open --watch` in the app: the project's files looked at once a second (on a
thread), and the engine host started again when one changed -- after the streaming run
ends -- with what reloaded (or why the project no longer loads) on the status bar."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from textual import work

from lgtui.errors import LgtuiError
from lgtui.sources.base import ReloadableSource
from lgtui.ui.base import BaseApp
from lgtui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from lgtui.runs import RunController
    from lgtui.sources.base import Source
    from lgtui.ui.screens.main import MainScreen
    from lgtui.watch import ProjectFiles

WATCH_EVERY = 1.0  # seconds between two looks at a watched project's files


class ReloadOnChange(BaseApp):
    """The app's half of --watch (`LgtuiApp` is one)."""

    if TYPE_CHECKING:  # (what `LgtuiApp` has)
        controller: RunController

        @property
        def source(self) -> Source: ...

        @property
        def main(self) -> MainScreen: ...

        @property
        def running(self) -> bool: ...

    watching: ProjectFiles | None = None  # the project's files, when watched
    _reload_waiting: list[str] = []  # files changed since the last reload

    def _watch_tick(self) -> None:
        self._scan_files()

    @work(thread=True, exclusive=True, group="watch")
    def _scan_files(self) -> None:
        files = self.watching
        changed = files.changed() if files is not None else []
        if changed:
            self.call_from_thread_safe(self._files_changed, changed)

    def _files_changed(self, changed: list[str]) -> None:
        from lgtui.watch import said

        self._reload_waiting = sorted({*self._reload_waiting, *changed})
        if self.running:  # the run goes on with the code it started with
            self._say_watch(f"⟳ {said(self._reload_waiting)} changed: reloads when the run ends")
            return
        self._reload()

    def _say_watch(self, text: str) -> None:
        self.main.query_one(StatusBar).reload_note = text
        self.main.refresh_from_session()

    @work(exclusive=True, group="reload")
    async def _reload(self) -> None:
        """The engine host again, on the project as it is now: the next run uses the new
        code; threads and checkpoints are on disk (`lgtui open --watch`), so they stay. A
        project that no longer loads says why, and the session stays on screen."""
        from lgtui.watch import said

        source = self.source
        if not isinstance(source, ReloadableSource):
            return
        changed, self._reload_waiting = self._reload_waiting, []
        what = said(changed) or "the project"
        self._say_watch(f"⟳ {what} changed: reloading…")
        start = time.monotonic()
        try:
            await self.controller.call(asyncio.to_thread(source.reload))
            await self.controller.call(source.ready())
        except LgtuiError as exc:
            self._say_watch(f"✖ {what}: the project no longer loads (fix it: it reloads)")
            self.notify(exc.message, title="Reload failed", severity="error", markup=False)
            return
        self.controller.assistants = None  # (the graphs may have changed)
        self.controller.graphs.clear()
        self._say_watch(f"⟳ reloaded {what} ({time.monotonic() - start:.1f}s)")
        self.notify(
            f"Reloaded: {what} changed. The next run uses the new code.",
            markup=False,
            timeout=4,
        )
