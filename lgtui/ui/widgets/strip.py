"""One line of a virtual list: a Rich Text cut to the width, on the widget's style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

if TYPE_CHECKING:  # (what a Text's copy() gives: Rich's own class; strings already in)
    import rich.text


def text_strip(text: rich.text.Text, width: int, base: Style, console: Console) -> Strip:
    """``text`` truncated (or padded) to ``width`` cells, each segment on ``base``."""
    text.truncate(width, overflow="ellipsis", pad=True)
    segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(console)]
    return Strip(segments, width)
