"""The whole of one long value, read-only, in a scrollable text area."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from lgtui.preview import safe_multiline, safe_text
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.long_text import LongText

LONG = 100_000  # characters past which a TextArea would take seconds to wrap


@keymap("value viewer")
class ValueScreen(ModalScreen[None]):
    BINDINGS = keyed("value", [Binding("escape,q", "dismiss", "Close")])
    DEFAULT_CSS = """
    ValueScreen { align: center middle; }
    ValueScreen > #value-box { width: 90%; height: 90%; border: round $accent; background: $surface; }
    ValueScreen Label { padding: 0 1; width: 100%; background: $panel; }
    """

    def __init__(self, value: str, title: str = "value") -> None:
        super().__init__()
        self.value = value
        self.title_text = title

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="value-box"):
            yield Label(
                Text(
                    f"{safe_text(self.title_text, 60)} — {len(self.value):,} characters (esc to close)"
                )
            )
            if len(self.value) > LONG:
                yield LongText(self.value, id="value-text")
            else:
                yield TextArea(
                    safe_multiline(self.value), read_only=True, soft_wrap=True, id="value-text"
                )
