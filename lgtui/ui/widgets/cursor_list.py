"""A virtual list with a cursor row: the base of the event lists and the Timeline.

Only the lines on screen are drawn (`render_line`); the cursor's colours are component
classes, so they follow the theme the user picks (as a `DataTable`'s do); moving the
cursor redraws the two lines that changed, not the whole list.
"""

from __future__ import annotations

from rich.style import Style
from textual.message import Message
from textual.scroll_view import ScrollView


class RowHighlighted(Message):
    """The cursor moved onto a row about event ``seq`` (``go``: enter, in a replay the
    cursor goes there)."""

    def __init__(self, seq: int, go: bool = False) -> None:
        super().__init__()
        self.seq = seq
        self.go = go


class CursorList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"cursor-list--cursor", "cursor-list--cursor-blurred"}
    DEFAULT_CSS = """
    CursorList > .cursor-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    CursorList > .cursor-list--cursor-blurred {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    """

    def cursor_style(self) -> Style:
        """The cursor row's style: the theme's block cursor, dimmer without focus."""
        return self.get_component_rich_style(
            "cursor-list--cursor" if self.has_focus else "cursor-list--cursor-blurred"
        )

    def refresh_cursor_lines(self, *lines: int) -> None:
        """Redraw the lines (in the list's coordinates) the cursor left and reached."""
        for line in lines:
            if line >= 0:
                self.refresh_line(line)

    def scroll_to_line(self, line: int) -> None:
        """Scroll as little as shows ``line``."""
        top = self.scroll_offset.y
        height = max(1, self.size.height)
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()  # the cursor row changes colour

    def on_blur(self) -> None:
        self.refresh()
