"""F1: help for the focused widget -- what it shows, its keys, the screen's keys."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Markdown, Static

from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text


def _keys_table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| key | action | id (remap in config.toml) |", "|---|---|---|"]
    for key, description, binding_id in rows:
        cell = key.replace("|", "\\|") or " "
        lines.append(f"| `{cell}` | {description} | `{binding_id}` |")
    return "\n".join(lines)


def describe(screen: Screen[Any]) -> tuple[str, str]:
    """(title, markdown) of help for ``screen``'s focused widget and the screen."""
    app = screen.app
    focused: Widget | None = screen.focused
    parts: list[str] = []
    title = type(screen).__name__
    # the focused widget and its containers, nearest first, each with its own help
    seen: set[type] = set()
    node: Any = focused
    while node is not None and node is not screen:
        help_text = getattr(type(node), "HELP", None)
        if help_text and type(node) not in seen and type(node).__module__.startswith("lgtui"):
            seen.add(type(node))
            parts.append(help_text.strip())
        node = node.parent
    screen_help = getattr(type(screen), "HELP", None)
    if screen_help:
        parts.append(screen_help.strip())
    headings = [line[3:] for part in parts for line in part.splitlines() if line.startswith("## ")]
    if headings:
        title = headings[0] + (f" ({headings[-1]})" if len(headings) > 1 else "")
    # keys: the focused widget's first, then the screen's, then everywhere
    rows: dict[tuple[int, str], tuple[str, str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        ident = (id(active.node), binding.action)
        display = app.get_key_display(binding) or key
        if ident in rows:
            known = rows[ident]
            if display not in known[0].split(" "):
                rows[ident] = (f"{known[0]} {display}", known[1], known[2])
        else:
            rows[ident] = (display, binding.description, binding.id or "")
    parts.append("## Keys here\n\n" + _keys_table(list(rows.values())))
    parts.append(
        "**ctrl+p** opens the command palette: every action above, by name, plus themes. "
        "Keys are remapped in `config.toml` (`[keys]`, binding id = keys); "
        "`lgtui keys` lists every id and says where the file is."
    )
    return title, "\n\n".join(parts)


@keymap("help")
class HelpScreen(ModalScreen[None]):
    BINDINGS = keyed(
        "help",
        [
            Binding("escape,f1,q", "dismiss", "Close help"),
            Binding("j", "scroll(1)", "Down", show=False),
            Binding("k", "scroll(-1)", "Up", show=False),
        ],
    )
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 96%; height: 90%; border: round $accent;
        background: $surface; }
    HelpScreen #help-title { background: $accent 30%; padding: 0 1; }
    HelpScreen VerticalScroll { padding: 0 1; }
    """

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.title_text, self.markdown = describe(under)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(f"Help — {self.title_text}   (esc to close)", style="bold"), id="help-title"
            )
            with VerticalScroll(id="help-body"):
                yield Markdown(self.markdown)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_scroll(self, direction: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=direction * 3, animate=False)
