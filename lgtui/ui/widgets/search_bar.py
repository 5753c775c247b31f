"""The search line: a query (see `lgtui.query`), what it was read as, and how many match.

Typing searches as you go (after a short pause); enter goes back to the list on the
first match; escape closes the bar and clears the search.  The screen that owns the bar
does the searching and tells the bar how far it got (`show_progress`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from lgtui.preview import safe_text
from lgtui.query import Query, QueryError, parse
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text

TYPING_PAUSE = 0.25  # seconds after the last key before the query is run

PLACEHOLDER = (
    "search: words, mode:updates node:agent ns:research, values.messages[-1].content~text, "
    "-term to exclude (F1: help)"
)


@keymap("search bar")
class SearchBar(Horizontal):
    """Posts `Changed` with a parsed query (None: cleared) and `Done` when enter is pressed."""

    HELP = """\
## Search

Type words to find events whose payload contains them (any case), or terms:

| term | matches |
|---|---|
| `mode:updates,values` | events of these stream modes (in a history: the checkpoint's source) |
| `node:agent` | events of a node whose name contains `agent` |
| `ns:research` | events in that subgraph namespace; `ns:root` for the root graph |
| `values.messages[-1].content` | the payload (or the state it carries) has this JSON path, not null |
| `PATH=VALUE`, `PATH!=VALUE` | ...equal (or not) to VALUE (JSON or text) |
| `PATH~text` | ...whose text contains `text` |
| `"two words"` | the phrase, as text |
| `-TERM` | not TERM |

Every term must hold. **enter** goes to the first match, **n**/**N** to the next and
previous, **F** shows only matching events, **escape** clears the search.
"""

    BINDINGS = keyed("search", [Binding("escape", "close", "Close search", show=False)])

    class Changed(Message):
        def __init__(self, query: Query | None) -> None:
            super().__init__()
            self.query = query

    class Done(Message):
        """Enter: go to the first match."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        # (not `query`: that is every widget's DOM query method)
        self.current_query: Query | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" / ", style="bold"), id="search-label")
        yield Input(placeholder=PLACEHOLDER, id="search-input")
        yield Static("", id="search-status")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    def open(self) -> None:
        self.display = True
        self.input.focus()

    def action_close(self) -> None:
        self.input.value = ""
        self._apply()
        self.display = False
        self.post_message(self.Done())

    @on(Input.Changed, "#search-input")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_PAUSE, self._apply)

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._apply(force=False):
            self.post_message(self.Done())

    def _apply(self, force: bool = True) -> bool:
        """Parse what is typed and announce it; False if it cannot be read."""
        text = self.input.value.strip()
        status = self.query_one("#search-status", Static)
        if not text:
            changed = self.current_query is not None
            self.current_query = None
            status.update("")
            if changed or force:
                self.post_message(self.Changed(None))
            return True
        try:
            query = parse(text)
        except QueryError as exc:
            status.update(Text("✖ " + safe_text(str(exc), 120), style="bold red"))
            return False
        if self.current_query is not None and query.text == self.current_query.text and not force:
            return True
        self.current_query = query
        self.post_message(self.Changed(query))
        return True

    def show_progress(self, matches: int, scanned: int, total: int, filtering: bool) -> None:
        if self.current_query is None:
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{matches:,} match{'es' if matches != 1 else ''}", style="bold")
        if scanned < total:
            text.append(f"  searching {scanned * 100 // max(1, total)}%", style="yellow")
        if filtering:
            text.append("  only matches (F)", style="bold magenta")
        text.append("  " + safe_text(self.current_query.describe(), 200), style="dim")
        self.query_one("#search-status", Static).update(text)
