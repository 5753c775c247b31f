"""A read-only view of text of any size: only the rows on screen are ever cut out.

A 10 MB string in a TextArea takes seconds to wrap and seconds per key.  Here the text is
escaped once (control characters shown, never interpreted), split into lines, and each
line's number of rows at the current width is known from its length alone, so any row is
found with one bisection and cut out of its line when it is painted.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from lgtui.preview import safe_multiline


class LongText(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LongText { background: $surface; padding: 0 1; }
    """

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines = safe_multiline(text).split("\n")
        self._ascii = [line.isascii() for line in self._lines]
        self._width = 0
        self._starts: list[int] = [0]  # first row of each line

    @property
    def rows(self) -> int:
        return self.virtual_size.height

    def _step(self, index: int) -> int:
        """Characters per row of line ``index``: a cell each for ASCII, at most two else."""
        return self._width if self._ascii[index] else max(1, self._width // 2)

    def _layout(self, width: int) -> None:
        width = max(1, width)
        if width == self._width:
            return
        self._width = width
        counts = (max(1, -(-len(line) // self._step(i))) for i, line in enumerate(self._lines))
        self._starts = [0, *accumulate(counts)]
        self.virtual_size = Size(width, self._starts[-1])
        self.refresh()

    def on_resize(self) -> None:
        self._layout(self.scrollable_content_region.width)

    def on_mount(self) -> None:
        self._layout(self.scrollable_content_region.width)

    def row_text(self, row: int) -> str:
        """The text of one wrapped row (for tests and the painter)."""
        if not 0 <= row < self._starts[-1]:
            return ""
        index = bisect_right(self._starts, row) - 1
        step = self._step(index)
        part = row - self._starts[index]
        return self._lines[index][part * step : (part + 1) * step]

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        strip = Strip([Segment(self.row_text(row), style)])
        return strip.crop_extend(0, width, style)

    # Jumps are immediate: an animated scroll across 70,000 rows only delays the answer.
    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self.scrollable_content_region.height, animate=False)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - self.scrollable_content_region.height, animate=False)
