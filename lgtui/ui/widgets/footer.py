"""The key footer, rebuilt only when the keys it shows change.

Textual's `Footer` recomposes every one of its keys whenever the focus moves, even when
the keys shown stay the same (most of ours: a focused list or tree adds hidden keys
only).  That rebuild cost ~90 ms of a key press that moves the focus; here it is skipped
unless the visible keys differ.  Quit and help stay visible at the right end, however
narrow the terminal: they come first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

# always on screen, first: on a narrow terminal the keys at the end are the ones cut
PINNED = ("app.quit", "quit", "help", "app.help")


class KeyFooter(Footer):
    _shown: tuple | None = None

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        pinned = [w for w in widgets if getattr(w, "action", None) in PINNED]  # (FooterKeys)
        pinned.sort(key=lambda w: PINNED.index(w.action))  # type: ignore[attr-defined]
        yield from pinned
        yield from (w for w in widgets if w not in pinned)

    def _signature(self, screen: Screen) -> tuple:
        app = self.app
        return tuple(
            (key, binding.action, binding.description, app.get_key_display(binding), enabled, tip)
            for key, (_node, binding, enabled, tip) in screen.active_bindings.items()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and self._bindings_ready:
            signature = self._signature(screen)
            if signature == self._shown:
                return
            self._shown = signature
        super().bindings_changed(screen)
