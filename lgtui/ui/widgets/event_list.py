"""A virtual list of events: only the rows on screen are ever rendered.

Rows come from the Session (already summarized at append time); the list holds only
the sequence numbers it shows, and `sync()` appends new ones in one go on each UI
refresh -- never one refresh per event.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from lgtui.query import EventSearch
from lgtui.session import Session
from lgtui.tabs import TAB_BY_ID
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.cursor_list import CursorList
from lgtui.ui.widgets.strip import text_strip

MODE_STYLES = {
    "updates": "bold cyan",
    "values": "bold green",
    "debug": "magenta",
    "checkpoints": "magenta",
    "tasks": "magenta",
    "messages": "bold blue",
    "messages/partial": "bold blue",
    "messages/complete": "bold blue",
    "messages/metadata": "blue",
    "events": "yellow",
    "custom": "bold yellow",
    "error": "bold red",
    "metadata": "dim",
}
MODE_SHORT = {
    "messages/partial": "msg/partial",
    "messages/complete": "msg/complete",
    "messages/metadata": "msg/meta",
    "checkpoints": "checkpoint",
}


MATCH_MARK = "▌"


@keymap("event lists")
class EventList(CursorList):
    """Events of one tab, newest at the bottom, following the tail until the user moves."""

    HELP = """\
## Events

One row per event: time since the stream opened, stream mode, subgraph namespace, node
and a one-line summary. The selected event's payload, the state as of it and what it
changed are on the right (**P**, **S**, **D**).

Live, the list follows the newest event; moving up stops that, **f** follows again.
In a replay, moving in the list moves the replay's cursor.

Rows matching the search (**/**) are marked with a bar on the left; **n**/**N** jump
between them, **F** shows only them.
"""

    BINDINGS = keyed(
        "list",
        [
            Binding("up,k", "cursor(-1)", "Up", show=False, id="list.up"),
            Binding("down,j", "cursor(1)", "Down", show=False, id="list.down"),
            Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="list.page_up"),
            Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="list.page_down"),
            Binding("home,g", "jump(0)", "First event", show=False, id="list.first"),
            Binding("end,G", "jump(-1)", "Last event", show=False, id="list.last"),
        ],
    )

    cursor = reactive(-1, init=False)
    follow = reactive(True, init=False)

    class Highlighted(Message):
        """The cursor moved onto an event."""

        def __init__(self, event_list: EventList, seq: int) -> None:
            super().__init__()
            self.event_list = event_list
            self.seq = seq

    class Seek(Message):
        """In a replay, the user moved onto another event: the whole screen follows."""

        def __init__(self, seq: int) -> None:
            super().__init__()
            self.seq = seq

    def __init__(self, tab: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tab = tab
        self.session: Session | None = None
        self.ns_filter: tuple[str, ...] | None = None
        self._rows: array[int] = array("q")  # seqs of this list's rows
        self._scanned = 0
        self._known = 0  # rows the screen knows about; the session may already hold more
        self.as_of: int | None = None  # replay: show only events up to this one
        self._cache: LRUCache[tuple[int, bool, int, int, bool], Strip] = LRUCache(512)
        self.search: EventSearch | None = None  # rows it matches are marked
        self.only_matches = False  # ...or the only rows shown

    # -- data ------------------------------------------------------------------------

    def attach(self, session: Session | None) -> None:
        self.session = session
        self._rows = array("q")
        self._scanned = 0
        self._known = 0
        self._cache.clear()
        self.cursor = -1
        self.follow = True
        self.sync()
        self.refresh()

    def set_namespace(self, ns: tuple[str, ...] | None) -> None:
        self.ns_filter = ns
        self._reset_rows()

    def set_search(self, search: EventSearch | None, only_matches: bool) -> None:
        """Mark the rows ``search`` matches, or show only them."""
        filtering = only_matches and search is not None
        changed = filtering != self.filtering or (filtering and search is not self.search)
        seq = self.selected_seq()  # (rows still mean what they meant before)
        self.search, self.only_matches = search, only_matches
        if changed:
            self._reset_rows()
            if seq is not None and not self.follow:
                row = self.row_of(seq, nearest=True)
                if row is not None:
                    self.cursor = row
                    self.scroll_to_region_row(row)
        else:
            self._cache.clear()
            self.refresh()

    def refresh_marks(self, lo: int, hi: int) -> None:
        """Redraw if a visible row shows an event the search looked at in [lo, hi)."""
        if self.filtering:
            self.refresh()  # rows come and go
            return
        top = self.scroll_offset.y
        bottom = min(self.row_count, top + self.size.height) - 1
        if bottom >= top and self.seq_at(top) < hi and self.seq_at(bottom) >= lo:
            self.refresh()

    @property
    def filtering(self) -> bool:
        return self.only_matches and self.search is not None

    def _reset_rows(self) -> None:
        self._rows, self._scanned, self._known = array("q"), 0, 0
        self._cache.clear()
        self.sync()
        self.cursor = min(self.cursor, self.row_count - 1)
        self.refresh()

    def sync_rows(self) -> None:
        """Take in the sequence numbers of rows that arrived since the last call."""
        assert self.session is not None
        source = self._source_rows()
        if source is None:
            return
        search = self.search if self.filtering else None
        limit = len(source)
        if search is not None and source is not search.matched:
            # only events the search has looked at yet can be shown or left out
            limit = bisect_left(source, search.scanned, lo=min(self._scanned, limit))
        new = source[self._scanned : limit]
        self._scanned = max(self._scanned, limit)
        if self.ns_filter is not None and self.tab != "all":
            ns_at = self.session.ns_at
            ns = self.ns_filter
            new = [s for s in new if ns_at(s) == ns]
        if search is not None and source is not search.matched:
            hits = search.hits
            new = [s for s in new if hits[s]]
        self._rows.extend(new)

    def _source_rows(self) -> Sequence[int] | None:
        """Sequence numbers this tab draws from; None means every event."""
        assert self.session is not None
        if self.tab == "all":
            if self.ns_filter is not None:
                return self.session.ns_events.get(self.ns_filter, [])
            if self.filtering:
                assert self.search is not None
                return self.search.matched
            return None
        return self.session.tabs[self.tab]

    @property
    def _identity(self) -> bool:
        """Row i is event i (the All tab, unfiltered)."""
        return self.tab == "all" and self.ns_filter is None and not self.filtering

    def row_of(self, seq: int, nearest: bool = False) -> int | None:
        """The row showing event ``seq``; with ``nearest``, the last row at or before it."""
        if self._identity:
            return seq if seq < self.row_count or nearest else None
        self.sync_rows()
        i = bisect_right(self._rows, seq)
        if i and self._rows[i - 1] == seq:
            return i - 1
        return (i - 1 if i else 0) if nearest and len(self._rows) else None

    def selected_seq(self) -> int | None:
        return self.seq_at(self.cursor) if 0 <= self.cursor < self.row_count else None

    @property
    def row_count(self) -> int:
        """Rows shown: fixed between two `sync()` calls, however fast events arrive."""
        return self._known

    def _available(self) -> int:
        if self.session is None:
            return 0
        if self._identity:
            count = self.session.count
            return count if self.as_of is None else min(count, self.as_of + 1)
        if self.as_of is None:
            return len(self._rows)
        return bisect_right(self._rows, self.as_of)

    def seq_at(self, row: int) -> int:
        if self._identity:
            return row
        return self._rows[row]

    def show_as_of(self, as_of: int | None) -> None:
        self.as_of = as_of
        self.sync()

    def settled(self) -> bool:
        return True  # everything it shows is drawn when synced

    def follow_newest(self) -> None:
        self.follow = True
        self.action_jump(-1)

    def sync(self) -> int:
        """Take in events that arrived since the last call; returns how many rows were added."""
        if self.session is None:
            return 0
        before = self._known
        self.sync_rows()
        after = self._known = self._available()
        if self.as_of is not None and after != before:
            self.virtual_size = Size(0, after)  # no sideways scrolling: rows are cut
            self.cursor = after - 1
            self.scroll_to_region_row(after - 1)
            self.refresh()
        elif after != before:
            self.virtual_size = Size(0, after)  # no sideways scrolling: rows are cut
            if self.follow:
                self.cursor = after - 1
                self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.refresh()
        return after - before

    # -- rendering --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if self.session is None or row >= self.row_count:
            if row == 0 and self.session is not None:
                return text_strip(self._empty_hint(), width, self.rich_style, self.app.console)
            return Strip.blank(width, self.rich_style)
        selected = row == self.cursor
        search = self.search
        looked = search is not None and self.seq_at(row) < search.scanned
        key = (row, selected, width, id(search), looked)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(row, selected, width)
            self._cache[key] = strip
        return strip

    def _render_row(self, row: int, selected: bool, width: int) -> Strip:
        session = self.session
        assert session is not None
        seq = self.seq_at(row)
        event = session.events[seq]
        mode = event.mode
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        hit = self.search is not None and self.search.is_hit(seq)
        text.append(MATCH_MARK if hit else " ", "bold magenta")
        text.append(f"{event.t:8.3f}s ", "dim")
        text.append(f"{MODE_SHORT.get(mode, mode)[:11]:<11} ", MODE_STYLES.get(mode, ""))
        if event.ns:
            text.append(session.ns_label_fit(event.ns, 30) + " ", "italic cyan")
        node, summary = session.row(seq)
        if node:
            text.append(node[:30] + " ", "bold")
        text.append(summary)
        if hit and self.search is not None:
            for word in self.search.query.highlights:
                text.highlight_words([word], "bold black on yellow", case_sensitive=False)
        style = self.rich_style
        if selected:
            style = style + self.cursor_style()
        return text_strip(text, width, style, self.app.console)

    def _empty_hint(self) -> Text:
        """Why the list is empty: no event yet, or a mode the run did not stream."""
        assert self.session is not None
        tab = TAB_BY_ID.get(self.tab)
        streamed = set(self.session.request.get("stream_mode") or [])
        if self.filtering or self.ns_filter is not None:
            why = "No event here matches (F shows every event; s picks another namespace)."
        elif tab is not None and tab.modes and streamed and not tab.modes & streamed:
            mode = sorted(tab.modes, key=len)[0]
            why = (
                f"No {tab.title} events: this run did not stream the {mode!r} mode "
                f"(ctrl+n: pick it in the New run dialog; --mode {mode} on the command line)."
            )
        elif self.session.status == "running":
            why = "No event here yet."
        else:
            why = "No event of this kind in this run."
        return Text(" " + why, style="dim italic")

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_cursor_lines(old, new)  # (the cache is keyed by selection)
        if new >= 0 and self.session is not None and new < self.row_count:
            self.post_message(self.Highlighted(self, self.seq_at(new)))

    def on_focus(self) -> None:
        self._cache.clear()
        super().on_focus()

    def on_blur(self) -> None:
        self._cache.clear()
        super().on_blur()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(0, self.row_count)

    # -- navigation -------------------------------------------------------------------

    def _move_to(self, row: int) -> None:
        count = self.row_count
        if not count:
            return
        row = max(0, min(count - 1, row))
        if self.as_of is not None:
            if row != self.cursor:
                self.post_message(self.Seek(self.seq_at(row)))
            return
        self.follow = row == count - 1
        self.cursor = row
        self.scroll_to_region_row(row)

    def scroll_to_region_row(self, row: int) -> None:
        self.scroll_to_line(row)

    def action_cursor(self, delta: int) -> None:
        if self.as_of is not None and delta > 0 and self.session is not None:
            # replay: the next row of this tab lies beyond the cursor
            nxt = self._next_beyond(self.as_of)
            if nxt is not None:
                self.post_message(self.Seek(nxt))
            return
        self._move_to((self.cursor if self.cursor >= 0 else self.row_count) + delta)

    def _next_beyond(self, seq: int) -> int | None:
        assert self.session is not None
        if self._identity:
            return seq + 1 if seq + 1 < self.session.count else None
        self.sync_rows()
        i = bisect_right(self._rows, seq)
        return self._rows[i] if i < len(self._rows) else None

    def action_page(self, direction: int) -> None:
        self._move_to(max(0, self.cursor) + direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        self._move_to(self.row_count - 1 if where < 0 else 0)

    def on_click(self, event) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < self.row_count:
            self._move_to(row)
