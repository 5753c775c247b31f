"""Screens closed as fast as they opened: a user's escape can land before ``on_mount``."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from textual import work
from textual.css.query import NoMatches

if TYPE_CHECKING:
    from textual.worker import Worker

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")


def _gone(screen: Any) -> bool:
    """A screen being taken down loses its widgets before it stops being attached."""
    if not (screen.is_attached and screen.is_mounted):
        return True
    if screen._closing or screen._closed or screen._pruning:
        return True
    try:
        return screen not in screen.app.screen_stack
    except Exception:  # no app any more
        return True


@contextlib.contextmanager
def _unless_gone(screen: Any) -> Iterator[None]:
    """A widget not found because the screen is gone ends the step quietly."""
    try:
        yield
    except NoMatches:
        if not _gone(screen):
            raise


def while_shown(method: F) -> F:
    """Run ``method`` (an ``on_mount``, a worker's last step) unless the screen is gone:
    its widgets are then no longer there to find, and there is nothing left to do."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _unless_gone(self):
            return method(self, *args, **kwargs)
        return None

    return wrapper  # type: ignore[return-value]


def screen_work(
    *, exclusive: bool = False, group: str = "default"
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, Worker[R | None]]]:
    """``@work`` for a screen's async worker that may finish after the screen was closed:
    what it would have shown has nowhere to go, and that is not an error."""

    def decorate(
        method: Callable[P, Coroutine[Any, Any, R]],
    ) -> Callable[P, Worker[R | None]]:
        @functools.wraps(method)
        async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            with _unless_gone(self):
                return await method(self, *args, **kwargs)
            return None

        return work(exclusive=exclusive, group=group)(wrapper)  # type: ignore[return-value,no-any-return]

    return decorate
