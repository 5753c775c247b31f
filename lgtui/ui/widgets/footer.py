"""The key footer, rebuilt only when the keys it shows change.

Textual's `Footer` recomposes every one of its keys whenever the focus moves, even when
the keys shown stay the same (most of ours: a focused list or tree adds hidden keys
only).  That rebuild cost ~90 ms of a key press that moves the focus; here it is skipped
unless the visible keys differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple | None = None

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
