"""One line that says what is running where: assistant, thread, run, time, events, status;
and the lines of the main screen's banner (errors, interrupts, how the run ended)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from lgtui.preview import preview, safe_text
from lgtui.session import Session
from lgtui.ui.text import Text

STATUS_STYLES = {
    "running": "bold black on yellow",
    "watching": "bold black on cyan",
    "success": "bold black on green",
    "error": "bold white on red",
    "interrupted": "bold black on magenta",
    "cancelled": "bold black on grey70",
    "disconnected": "bold white on red",
    "idle": "bold black on grey70",
    "reconnecting": "bold white on dark_orange3",
    "stalled": "bold black on dark_orange",
}


def short_id(value: str | None) -> str:
    if not value:
        return "-"
    return value if len(value) <= 13 else value[:8] + "…" + value[-4:]


def _home(path: str, limit: int = 45) -> str:
    """``path`` with ~ for the home folder, its start cut when long (the file name stays)."""
    home = str(Path.home())
    if path.startswith(home + "/"):
        path = "~" + path[len(home) :]
    return path if len(path) <= limit else "…" + path[-(limit - 1) :]


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.source_label = ""
        self.note = ""  # the last problem to report while no run is shown
        self.busy = ""  # what the app is waiting for while no run is shown (a host starting)
        self.reload_note = ""  # --watch: the last reload (or why it failed)
        self._last: tuple | None = None
        self._text = Text()

    def show(self, session: Session | None) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if session is None:
            text.append(" idle ", STATUS_STYLES["idle"])
            self._watch_note(text)
            if self.busy:  # first: the label may be cut at the edge
                text.append("  ⋯ " + safe_text(self.busy, 200), "italic")
                text.append(f"  {self.source_label}", "dim")
                self._set(text)
                return
            text.append(f"  {self.source_label}  ", "dim")
            if self.note:
                text.append("✖ " + safe_text(self.note, 300), "bold red")
                text.append("  press ctrl+n to try again", "italic")
            else:
                text.append("press ctrl+n to start a run", "italic")
            self._set(text)
            return
        status = session.status
        style = STATUS_STYLES.get(status, "reverse")
        if session.request.get("watch"):  # a watch is stopped, never "cancelled"
            status = {"running": "watching", "cancelled": "stopped watching"}.get(status, status)
            style = STATUS_STYLES.get(status, style)
        text.append(f" {status} ", style)
        self._watch_note(text)
        pause = session.pause
        if pause is not None and (status == "running" or pause.get("view")):
            text.append(" paused ", "bold black on bright_magenta")
            where = str(pause.get("reason") or "")
            if pause.get("node") and pause.get("kind") not in ("before", "after", "step"):
                where += f" in {pause['node']}"
            text.append(" " + safe_text(where, 120), "magenta")
            text.append(
                "  i shows where" if not pause.get("view") else "  the view stopped here (i)",
                "italic",
            )
        if session.cancelled and status != "running":
            text.append(" cancelled by you ", "italic")
        link = session.link
        if status in ("running", "watching") and link is not None:
            if link.link == "reconnecting":
                text.append(" reconnecting ", STATUS_STYLES["reconnecting"])
                text.append(" " + safe_text(link.link_detail, 160), "red")
            elif stalled := link.stalled_for():
                text.append(" stalled ", STATUS_STYLES["stalled"])
                text.append(f" no data from the server for {stalled:.0f}s", "yellow")
        if link is not None and getattr(link, "cut_events", None):
            text.append(f" ✂ {link.cut_events} over 128 MiB dropped ", "bold yellow")
        text.append("  ")
        text.append(safe_text(session.assistant or "-", 40), "bold")
        text.append("  thread ", "dim")
        text.append(short_id(session.thread_id) if session.thread_id else "stateless")
        text.append("  run ", "dim")
        text.append(short_id(session.run_id))
        text.append("  time ", "dim")
        text.append(f"{session.elapsed():.1f}s")
        text.append("  events ", "dim")
        text.append(f"{session.count:,}")
        rate = session.events_per_second()
        if rate:
            text.append(f" ({rate:,.0f}/s)", "dim")
        if session.capture_error:
            text.append("  ✖ " + safe_text(session.capture_error, 200), "bold red")
        elif session.capture_path:
            text.append("  ● rec ", "red")
            text.append(safe_text(_home(session.capture_path), 200), "dim")
        text.append(f"  {self.source_label}", "dim")
        self._set(text)

    def _watch_note(self, text: Text) -> None:
        """--watch: the last reload, near the start (the end of the bar may be cut)."""
        if self.reload_note:
            style = "bold red" if self.reload_note.startswith("✖") else "cyan"
            text.append(" " + safe_text(self.reload_note, 160) + " ", style)

    def _set(self, text: Text) -> None:
        """Repaint only on change: an idle screen then paints nothing at all.  A repaint,
        never a layout (`Static.update` lays the whole screen out again, ~20 times a
        second while a run streams): the bar is one line, as wide as the screen."""
        key = (text.plain, tuple(text.spans))
        if key != self._last:
            self._last = key
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text


def banner_lines(
    session: Session, errors: list[Any], interrupts: list[Any], live: bool
) -> list[Text]:
    """The main screen's banner: the last errors and interrupts (by the cursor), how the
    run ended, and the keys that help there."""
    lines: list[Text] = []
    for err in errors[-3:]:
        line = Text("✖ error ", style="bold red")
        line.append(safe_text(err.type, 80), style="bold")
        line.append(": " + safe_text(err.message, 400))
        line.append(f"  (event #{err.seq})", style="dim")
        lines.append(line)
    for intr in interrupts[-3:]:
        line = Text("⏸ interrupt ", style="bold magenta")
        if intr.ns:
            line.append(session.ns_label(intr.ns) + " ", style="cyan")
        line.append(preview(intr.value, 300) if intr.value is not None else "(breakpoint)")
        line.append(f"  (event #{intr.seq})", style="dim")
        lines.append(line)
    if session.status_detail:
        lines.append(Text("✖ " + safe_text(session.status_detail, 400), style="bold red"))
    if session.traceback and (errors or session.status_detail):
        lines[0].append("  T: traceback", style="bold")
    if interrupts and live and session.status == "interrupted":
        lines[-1].append("  i: resume", style="bold")
    return lines
