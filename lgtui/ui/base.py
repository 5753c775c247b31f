"""What every lgtui app shares (the live app, the replay, the diff): styles, settings and
remapped keys, help, the command palette, quitting, a crash written to a private file,
and callbacks from worker threads."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from lgtui.config import load as load_config
from lgtui.config import save_theme
from lgtui.ui.idle_gc import IdleCollector
from lgtui.ui.keys import all_bindings, keyed, keymap, palette_commands
from lgtui.ui.ticker import Wakeful


def crash_report(error: BaseException | None) -> str:
    """``Type: message (the traceback: PATH)``, the traceback written 0600."""
    import traceback

    from lgtui.files import open_unique, private_folder

    what = f"{type(error).__name__}: {error}" if error is not None else "an unknown error"
    try:
        from platformdirs import user_state_path

        folder = private_folder(user_state_path("lgtui") / "crashes")
        text = "".join(traceback.format_exception(error)) if error is not None else what
        f, path = open_unique(folder / time.strftime("crash-%Y%m%d-%H%M%S.txt"))
        with f:
            f.write(text.encode("utf-8", "replace"))
        return f"{what[:300]} (the traceback: {path})"
    except OSError:
        return what[:300]


SAID_KEPT = 200


@dataclass(frozen=True)
class Said:
    """A toast, as shown: escaped title and message."""

    title: str
    message: str
    severity: str


@keymap("everywhere")
class BaseApp(App[int]):
    """What both apps share: styles, settings, keys, help, palette, quitting, and
    callbacks from worker threads."""

    CSS_PATH = "app.tcss"
    source_label = ""  # what the app shows, for the status bar ("server http://...")
    BINDINGS = keyed(
        "app",
        [
            Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
            Binding("f1", "help", "Help", tooltip="What the focused part shows, and its keys"),
        ],
    )
    # narrow terminals stack the detail pane under the list (see app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (150, "-very-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self) -> None:
        super().__init__()
        self.collector = IdleCollector()
        self.settings = load_config()
        # what the app told the user in toasts, newest last (the last SAID_KEPT of them)
        self.said: deque[Said] = deque(maxlen=SAID_KEPT)
        self.said_count = 0

    crash: str | None = None  # what crashed the app, for the command to say in one line

    def _fatal_error(self) -> None:
        """An unexpected error ended the app: the traceback goes to a private file (it may
        hold what the screen showed), the command says one line and exits 1 -- never a
        screenful of locals on the terminal."""
        error = self._exception
        self.crash = crash_report(error)
        self._close_messages_no_wait()

    def notify(  # type: ignore[override]
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast; what it says is never markup nor terminal codes (it quotes servers,
        graphs and files).  It is kept in `said` too."""
        from lgtui.preview import safe_multiline, safe_text

        said = Said(safe_text(str(title), 120), safe_multiline(str(message)), str(severity))
        self.said.append(said)
        self.said_count += 1
        super().notify(
            said.message, title=said.title, severity=severity, timeout=timeout, markup=False
        )

    def start_idle_gc(self) -> None:
        self.collector.install()
        self.set_interval(0.25, self.collector.tick)

    def apply_settings(self) -> None:
        """The user's theme and keys from config.toml; what is wrong there is said, once."""
        settings = self.settings
        problems = list(settings.problems)
        if settings.keys:
            # every screen's keys, to tell a typo from an id of a screen not yet opened
            # (only then: importing them all would slow every start)
            from lgtui.ui import catalog  # noqa: F401

            known = {b.id for _, b in all_bindings()}
            unknown = sorted(set(settings.keys) - known)
            if unknown:
                problems.append(
                    f"{settings.path}: unknown key binding ids {', '.join(unknown)} "
                    "(`lgtui keys` lists them)"
                )
            self.set_keymap({k: v for k, v in settings.keys.items() if k in known})
        if settings.theme:
            if settings.theme in self.available_themes:
                self.theme = settings.theme
            else:
                problems.append(
                    f"{settings.path}: no theme called {settings.theme!r}; "
                    f"choose from {', '.join(sorted(self.available_themes))}"
                )
        self.theme_changed_signal.subscribe(self, self._remember_theme)

        def tell() -> None:  # once the first screen is up, so the toasts show on it
            for problem in problems:
                self.notify(problem, title="Settings", severity="warning", markup=False, timeout=12)

        if problems:
            self.call_after_refresh(tell)

    def _remember_theme(self, theme: Any) -> None:
        name = getattr(theme, "name", None)
        if not name or name == self.settings.theme:
            return
        self.settings.theme = name
        error = save_theme(name, self.settings.path)
        if error:
            self.notify(error, severity="warning", markup=False, timeout=8)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own, but its key panel: F1 help is ours
        builtin = [c for c in super().get_system_commands(screen) if c.title != "Keys"]
        yield from builtin
        titles = {command.title.lower() for command in builtin}
        extra = getattr(screen, "palette_extra", None)  # (what a screen offers without a key)
        for title, help_text, callback in (
            *palette_commands(self, screen),
            *(extra() if callable(extra) else ()),
        ):
            if title.lower() not in titles:
                titles.add(title.lower())
                yield SystemCommand(title, help_text, callback)

    def action_help(self) -> None:
        from lgtui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown):
            self.collector.touched()
            if isinstance(self.screen, Wakeful):  # what the key changes is shown
                self.screen.wake()
        elif isinstance(event, events.Resize) and isinstance(self.screen, Wakeful):
            self.screen.wake()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.collector.uninstall()

    def show_pause(self) -> None:
        """The run shown paused at a breakpoint: say where (an app that runs graphs)."""

    def action_code_break(self) -> Any:
        """b: a code breakpoint (`LgtuiApp`'s); a replay runs nothing."""
        self.notify(
            "A replay runs nothing: code breakpoints stop a graph lgtui open runs.", markup=False
        )

    def call_from_thread_safe(self, callback: Any, *args: Any) -> None:
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:  # the app is shutting down
            pass
