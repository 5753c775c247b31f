"""What a screen of the live app reaches the source through: the run controller, typed.

Screens never reach through ``self.app`` for the engine or the source: `LiveScreen`
gives them the `RunController` and `ask`, which awaits a source call and, on any
failure, says it (a toast, or the screen's own line) and answers `FAILED`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

from textual.screen import Screen

from lgtui.errors import LgtuiError

if TYPE_CHECKING:
    from lgtui.runs import RunController
    from lgtui.sources.base import RunRequest, ThreadSource
    from lgtui.ui.screens.new_run import RunForm

T = TypeVar("T")
R = TypeVar("R")  # what the screen is dismissed with


class _Failed(enum.Enum):
    FAILED = "failed"


FAILED = _Failed.FAILED  # what `ask` answers when the call failed (and was said)
Failed = Literal[_Failed.FAILED]


class LiveApp(Protocol):
    """What the live app offers its screens (`LgtuiApp`)."""

    controller: RunController
    form: RunForm

    def start_run(self, request: RunRequest) -> None: ...

    def watch_thread(self, thread_id: str, assistant: str | None = None) -> None: ...

    def open_capture(self, path: Path) -> None: ...


class LiveScreen(Screen[R]):
    """A screen that talks to the source: through `controller` and `ask`."""

    @property
    def live(self) -> LiveApp:
        return cast(LiveApp, self.app)

    @property
    def controller(self) -> RunController:
        return self.live.controller

    @property
    def threads(self) -> ThreadSource:
        """The source's threads: screens that need them open only for a source keeping them."""
        threads = self.controller.threads
        assert threads is not None, "opened for a source without threads"
        return threads

    async def ask(
        self,
        call: Coroutine[Any, Any, T],
        *,
        title: str = "",
        said: Callable[[str], None] | None = None,
    ) -> T | Failed:
        """``call``'s answer, or `FAILED` once the failure was said: by ``said`` when
        given, else in an error toast with ``title``."""
        try:
            return await self.controller.call(call)
        except LgtuiError as exc:
            if said is not None:
                said(exc.message)
            else:
                self.notify(exc.message, title=title, severity="error", markup=False, timeout=8)
            return FAILED
