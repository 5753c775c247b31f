"""Copy text to the clipboard from a terminal app, wherever it runs.

OSC 52 (the terminal puts the text on the clipboard) works over SSH and in most
terminals, but not all: Apple's Terminal, the Linux console and VTE-based terminals
(GNOME Terminal, Tilix) ignore it, and tmux passes it on only with `set-clipboard on`.
Where OSC 52 is known not to work and a clipboard command of the local desktop is at
hand (`pbcopy`, `wl-copy`, `xclip`, `xsel`), that is used; where neither works, the text
is saved to a file and the message says where -- it is never silently lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OSC52_LIMIT = 1_000_000  # bytes; terminals cap what they accept (xterm: ~100 kB by default)


@dataclass
class Copied:
    how: str  # "osc52", a command's name, or "file"
    message: str
    path: Path | None = None


def osc52_unsupported(env: dict[str, str] | None = None) -> str | None:
    """The name of the terminal when it is known to ignore OSC 52, else None."""
    env = dict(os.environ) if env is None else env
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return "Apple Terminal"
    if env.get("TERM") == "linux":
        return "the Linux console"
    if env.get("VTE_VERSION") and not env.get("TMUX"):
        return "a VTE terminal (GNOME Terminal, Tilix…)"
    return None


def local_command(env: dict[str, str] | None = None) -> list[str] | None:
    """A clipboard command of the desktop this process runs on (not over SSH)."""
    env = dict(os.environ) if env is None else env
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return None  # it would fill the remote machine's clipboard, not the user's
    candidates: list[list[str]] = [["pbcopy"]]
    if env.get("WAYLAND_DISPLAY"):
        candidates.append(["wl-copy"])
    if env.get("DISPLAY"):
        candidates += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    for command in candidates:
        if shutil.which(command[0]):
            return command
    return None


def save_fallback(text: str, stem: str) -> Path:
    folder = Path(tempfile.gettempdir())
    fd, name = tempfile.mkstemp(prefix=f"lgtui-{stem}-", suffix=".json", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return Path(name)


def copy(app: Any, text: str, what: str, stem: str = "copy") -> Copied:
    """Put ``text`` on the clipboard by the best means here; say how, in one line.
    (Blocking where it runs a command or writes a file: screens use `copy_and_say`.)"""
    unsupported = osc52_unsupported()
    if _osc52_will_do(text, unsupported):
        return _by_osc52(app, text, what)
    return _off_the_terminal(text, what, stem, unsupported)


def copy_and_say(node: Any, text: str, what: str, stem: str = "copy") -> None:
    """`copy`, then a toast saying how; a desktop command or the file it falls back to
    run on a thread, so the screen never waits for them."""
    unsupported = osc52_unsupported()
    if _osc52_will_do(text, unsupported):
        node.notify(_by_osc52(node.app, text, what).message, markup=False, timeout=6)
        return
    app = node.app

    def work() -> None:
        result = _off_the_terminal(text, what, stem, unsupported)
        try:
            app.call_from_thread(app.notify, result.message, markup=False, timeout=6)
        except RuntimeError:  # the app closed meanwhile
            pass

    node.run_worker(work, thread=True, group="clipboard", exit_on_error=False)


def _osc52_will_do(text: str, unsupported: str | None) -> bool:
    return unsupported is None and len(text.encode("utf-8")) <= OSC52_LIMIT


def _by_osc52(app: Any, text: str, what: str) -> Copied:
    size = len(text.encode("utf-8"))
    app.copy_to_clipboard(text)
    return Copied(
        "osc52",
        f"Copied {what} ({size:,} bytes). If nothing reached your clipboard, your "
        "terminal ignores OSC 52 (in tmux: set -g set-clipboard on); ctrl+s saves to a file.",
    )


def _off_the_terminal(text: str, what: str, stem: str, unsupported: str | None) -> Copied:
    """A desktop clipboard command where OSC 52 would not work, else a file (blocking)."""
    size = len(text.encode("utf-8"))
    command = local_command() if unsupported else None
    if command is not None:
        try:
            subprocess.run(command, input=text.encode("utf-8"), check=True, timeout=5)
            return Copied(command[0], f"Copied {what} ({size:,} bytes) with {command[0]}.")
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        path = save_fallback(text, stem)
    except OSError as exc:
        return Copied("file", f"Could not copy {what}: {exc.strerror or exc}.")
    reason = (
        f"{unsupported} does not support copying from a terminal app (OSC 52)"
        if unsupported
        else f"{size:,} bytes is more than terminals accept"
    )
    return Copied("file", f"{reason}: {what} saved to {path} instead.", path)
