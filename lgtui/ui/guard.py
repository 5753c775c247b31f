"""Screens closed as fast as they opened: a user's escape can land before ``on_mount``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

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


def while_shown(method: F) -> F:
    """Run ``method`` (an ``on_mount``, a worker's last step) unless the screen is gone:
    its widgets are then no longer there to find, and there is nothing left to do."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except NoMatches:
            if not _gone(self):
                raise
            return None

    return wrapper  # type: ignore[return-value]


def screen_work(
    *, exclusive: bool = False, group: str = "default"
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, Worker[R | None]]]:
    """``@work`` for a screen's async worker that may finish after the screen was closed:
    what it would have shown has nowhere to go, and that is not an error."""
    from textual import work

    def decorate(
        method: Callable[P, Coroutine[Any, Any, R]],
    ) -> Callable[P, Worker[R | None]]:
        @functools.wraps(method)
        async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except NoMatches:
                if not _gone(self):
                    raise
                return None

        return work(exclusive=exclusive, group=group)(wrapper)  # type: ignore[return-value,no-any-return]

    return decorate
