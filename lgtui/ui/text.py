"""The one Text the screens draw with: untrusted strings can never drive the terminal.

Everything a graph, a server or a capture supplies -- node names, ids, state, messages,
errors -- reaches the screen as this `Text` (Rich's, with every string escaped on the
way in: control characters, ESC/CSI/OSC sequences, C1 codes, bidirectional and
zero-width characters show as ``\\x1b``, ``\\u202e``...; newlines are kept).  Widgets
import `Text` from here, never from Rich (a test holds that), so a new widget cannot
forget.  Markup is never parsed: use `Text`, not a markup string, for anything shown.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text as _RichText

from lgtui.preview import safe_multiline, safe_text

__all__ = ["Text", "safe_multiline", "safe_text"]


class Text(_RichText):
    """Rich's Text, escaping every string it is given."""

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(safe_multiline(text) if text else text, *args, **kwargs)

    def append(self, text: Any, style: Any = None) -> Text:
        if isinstance(text, str):
            text = safe_multiline(text)
        super().append(text, style)
        return self
