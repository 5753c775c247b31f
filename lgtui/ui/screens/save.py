"""Save a JSON value (an event's payload, a state) to a file the user names."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from lgtui.preview import safe_text
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text


def write_new(path: Path, text: str, overwrite: bool) -> None:
    """Write ``text`` to ``path``; an existing file only with ``overwrite`` (FileExistsError)."""
    from lgtui.files import write_private_text

    path = path.expanduser()
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder", str(path))
    write_private_text(path, text, overwrite=overwrite)  # 0600: it may hold a conversation


@keymap("save dialog")
class SaveScreen(ModalScreen[Path | None]):
    """Dismisses with the path written, or None."""

    BINDINGS = keyed("save", [Binding("escape", "dismiss(None)", "Cancel")])
    DEFAULT_CSS = """
    SaveScreen { align: center middle; }
    SaveScreen > Vertical { width: 90; max-width: 95%; height: auto; border: round $accent;
        background: $surface; padding: 0 1; }
    SaveScreen #save-error { color: $error; }
    """

    def __init__(self, what: str, text: str, suggested: str) -> None:
        super().__init__()
        self.what = what
        self.text = text
        self.suggested = suggested
        self._confirm: str | None = None  # a path the user was warned exists

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Save {self.what} ({len(self.text.encode()):,} bytes of JSON)"))
            yield Input(self.suggested, id="save-path")
            yield Static(Text("enter: save  ·  esc: cancel", style="dim"), id="save-hint")
            yield Static("", id="save-error")

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#save-path")
    async def _save(self, message: Input.Submitted) -> None:
        raw = message.value.strip()
        error = self.query_one("#save-error", Static)
        if not raw:
            error.update(Text("type a file name"))
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path(os.getcwd()) / path
        try:
            # (a thread: a slow disk or a network folder never holds a key)
            await asyncio.to_thread(write_new, path, self.text, self._confirm == str(path))
        except FileExistsError:
            self._confirm = str(path)
            error.update(
                Text(f"the file exists: enter again to replace it\n{safe_text(str(path), 200)}")
            )
            return
        except OSError as exc:
            reason = exc.strerror or str(exc)
            error.update(Text(f"cannot write it: {reason}\n{safe_text(str(path), 200)}"))
            return
        self.dismiss(path)
