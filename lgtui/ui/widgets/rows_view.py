"""A tab drawn as a few header lines and a row per item of the session (the Tools and
Agents tabs): only the visible lines are drawn, the cursor is the theme's, moving onto
a row shows its event on the right (in a replay, enter moves the cursor there).

A subclass says what its items are (`items`), how a row reads (`line`), which event a
row is about (`seq_of`) and what changes it (`data_key`).
"""

from __future__ import annotations

import time
from typing import Any

from textual.geometry import Size
from textual.strip import Strip

from lgtui.session import Session
from lgtui.ui.text import Text
from lgtui.ui.widgets.cursor_list import CursorList, RowHighlighted
from lgtui.ui.widgets.strip import text_strip

REDRAW_EVERY = 0.25  # seconds between rebuilds while a run streams (durations grow)


class RowsView(CursorList):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None
        self.as_of: int | None = None
        self.ns_filter: tuple[str, ...] | None = None
        self.cursor = -1
        self._items: list[Any] = []
        self._head: list[Text] = []
        self._tail: list[Text] = []
        self._key: tuple[Any, ...] | None = None
        self._built_at = 0.0

    # -- what a subclass says ---------------------------------------------------------

    def data_key(self, session: Session) -> Any:
        """Changes when the items do."""
        raise NotImplementedError

    def items(self, session: Session) -> list[Any]:
        raise NotImplementedError

    def head(self, session: Session) -> list[Text]:
        return []

    def line(self, item: Any, width: int) -> Text:
        raise NotImplementedError

    def tail(self, session: Session) -> list[Text]:
        """Lines after the rows (about the selected one)."""
        return []

    def seq_of(self, item: Any) -> int:
        raise NotImplementedError

    # -- TabView ------------------------------------------------------------------------

    def attach(self, session: Session | None) -> None:
        self.session = session
        self.cursor = -1
        self._key = None
        self._items, self._head = [], []
        self.sync()

    def show_as_of(self, as_of: int | None) -> None:
        self.as_of = as_of
        self.sync()

    def settled(self) -> bool:
        return self.session is None or self.session.status != "running"

    def follow_newest(self) -> None:
        self.action_edge(1)

    def set_namespace(self, ns: tuple[str, ...] | None) -> None:
        self.ns_filter = ns
        self._key = None
        self.sync()

    def sync(self) -> None:
        session = self.session
        if session is None:
            self._items, self._head = [], [Text("No run yet.", style="italic")]
            self._set_size()
            self.refresh()
            return
        live = self.as_of is None and session.status == "running"
        key = (
            self.data_key(session),
            self.as_of,
            session.status,
            self.ns_filter,
            self.size.width,
        )
        now = time.monotonic()
        if key == self._key and not live:
            return
        if live and now - self._built_at < REDRAW_EVERY:
            return
        self._key, self._built_at = key, now
        self._items = self.items(session)
        self._head = self.head(session)
        if self.cursor >= len(self._items):
            self.cursor = len(self._items) - 1
        self._tail = self.tail(session)
        self._set_size()
        self.refresh()

    def _set_size(self) -> None:
        self.virtual_size = Size(0, len(self._head) + len(self._items) + len(self._tail))

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if line < len(self._head):
            text = self._head[line].copy()
        else:
            index = line - len(self._head)
            if index >= len(self._items):
                after = index - len(self._items)
                if not 0 <= after < len(self._tail):
                    return Strip.blank(width, style)
                return text_strip(self._tail[after].copy(), width, style, self.app.console)
            if index < 0:
                return Strip.blank(width, style)
            text = self.line(self._items[index], width)
            if index == self.cursor:
                text.stylize(self.cursor_style())
        return text_strip(text, width, style, self.app.console)

    # -- moving -------------------------------------------------------------------------

    @property
    def selected(self) -> Any:
        return self._items[self.cursor] if 0 <= self.cursor < len(self._items) else None

    def _select(self, index: int, go: bool = False) -> None:
        if not self._items:
            return
        index = max(0, min(len(self._items) - 1, index))
        old, self.cursor = self.cursor, index
        line = len(self._head) + index
        self.scroll_to_line(line)
        self.refresh_cursor_lines(len(self._head) + old if old >= 0 else -1, line)
        self.post_message(RowHighlighted(self.seq_of(self._items[index]), go))
        self.selected_changed()

    def selected_changed(self) -> None:
        """The cursor is on another row (a view whose tail is about it redraws that)."""

    def action_move(self, delta: int) -> None:
        self._select((self.cursor if self.cursor >= 0 else -1) + delta)

    def action_page(self, direction: int) -> None:
        self._select(max(0, self.cursor) + direction * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self._select(len(self._items) - 1 if end else 0)

    def on_click(self, event: Any) -> None:
        index = self.scroll_offset.y + event.y - len(self._head)
        if 0 <= index < len(self._items):
            self._select(index)

    def on_resize(self) -> None:
        self._key = None
        self.sync()


def secs(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}s" if value < 100 else f"{value:.0f}s"
