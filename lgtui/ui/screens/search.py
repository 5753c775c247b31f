"""The main screen's search: `/` opens the search bar, the events matching it are marked
(searched a time-budgeted slice per refresh), `n`/`N` jump between them in the tab shown,
`F` shows only them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lgtui.query import EventSearch, Query
from lgtui.ui.widgets.event_list import EventList
from lgtui.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from lgtui.session import Session


class SearchKeys:
    """What `/`, `n`/`N` and `F` do on any screen with a `SearchBar`: the main screen's
    events, a thread history's checkpoints.  A screen says what it searches (``SEARCHED``)
    and how a query, a jump and the filter apply to it."""

    SEARCHED = "events"
    search: Any
    only_matches: bool
    query_one: Any
    notify: Any

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        self.search_changed(message.query)

    def on_search_bar_done(self, message: SearchBar.Done) -> None:
        self.search_done()

    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    def action_toggle_filter(self) -> None:
        if self.search is None:
            self.notify(
                f"Search first (/): F then shows only the matching {self.SEARCHED}.",
                markup=False,
            )
            return
        self.only_matches = not self.only_matches
        self.filter_changed()

    def action_next_match(self) -> None:
        self._jump_to_match(1)

    def action_prev_match(self) -> None:
        self._jump_to_match(-1)

    def _jump_to_match(self, direction: int) -> None:
        if self.search is None:
            self.notify("No search: press / to search.", markup=False)
            return
        self.jump_match(direction)

    def close_search(self) -> bool:
        """Close the search bar if it is open (escape); False when it was not."""
        bar = self.query_one(SearchBar)
        if not bar.display:
            return False
        bar.action_close()
        return True

    # what each screen fills in
    def search_changed(self, query: Query | None) -> None:
        raise NotImplementedError

    def search_done(self) -> None:
        raise NotImplementedError

    def filter_changed(self) -> None:
        raise NotImplementedError

    def jump_match(self, direction: int) -> None:
        raise NotImplementedError


class SearchActions(SearchKeys):
    """Mixed into the main screen (and so the replay's): its search of the events."""

    session: Session | None
    search: EventSearch | None
    only_matches: bool
    as_of: int | None
    _search_key: tuple[int, int]
    _version: Any
    query: Any
    query_one: Any
    notify: Any
    active_tab: Any
    views: dict[str, Any]
    refresh_from_session: Any

    SEARCH_BUDGET = 0.015  # seconds of searching per refresh (20 a second)

    def _set_search(self, query: Query | None) -> None:
        session = self.session
        self.search = (
            EventSearch(session, query)
            if session is not None and query is not None and not query.empty
            else None
        )
        self._search_key = (-1, -1)
        self._advance_search()
        for lst in self.query(EventList):
            lst.set_search(self.search, self.only_matches)
        self._version = None  # redraw what the search changes

    def _advance_search(self) -> bool:
        """Search a little further; True if there is something new to show."""
        search = self.search
        if search is None:
            return False
        before = search.scanned
        if not search.done:
            search.advance(self.SEARCH_BUDGET)
        key = (len(search.matched), search.scanned)
        if key == self._search_key:
            return False
        self._search_key = key
        total = self.session.count if self.session is not None else 0
        self.query_one(SearchBar).show_progress(key[0], key[1], total, self.only_matches)
        lst = self._active_list()
        if lst is not None:
            lst.refresh_marks(before, search.scanned)  # rows newly looked at get their marks
        return True

    def _active_list(self) -> EventList | None:
        """The tab's event list (None for a tab drawn another way: Messages, Timeline)."""
        view = self.views[self.active_tab()]
        return view if isinstance(view, EventList) else None

    def action_clear_search(self) -> None:
        self.close_search()

    def search_changed(self, query: Query | None) -> None:
        self._set_search(query)
        self.refresh_from_session()

    def search_done(self) -> None:
        target = self._active_list()
        if target is not None:
            target.focus()
            if self.search is not None:
                self.jump_match(1)
        else:
            self.views[self.active_tab()].focus()

    def filter_changed(self) -> None:
        for lst in self.query(EventList):
            lst.set_search(self.search, self.only_matches)
        self._search_key = (-1, -1)
        self._advance_search()

    def jump_match(self, direction: int, wrap: bool = True) -> None:
        search = self.search
        lst = self._active_list()
        if search is None or lst is None:
            return
        here = self.as_of if self.as_of is not None else lst.selected_seq()
        if here is None:
            here = -1 if direction > 0 else (self.session.count if self.session else 0)
        target = self._match_in_list(lst, here, direction)
        if target is None and wrap:
            edge = -1 if direction > 0 else (self.session.count if self.session else 0)
            target = self._match_in_list(lst, edge, direction)
        if target is None:
            more = "" if search.done else " yet (still searching)"
            self.notify(f"No match in this tab{more}.", markup=False, timeout=3)
            return
        self.go_to_event(lst, target)

    def _match_in_list(self, lst: EventList, seq: int, direction: int) -> int | None:
        """The next (previous) matching event after (before) ``seq`` that ``lst`` lists."""
        search = self.search
        assert search is not None
        for _ in range(100_000):  # bounded: a tab far sparser than the matches gives up
            found = search.next_after(seq) if direction > 0 else search.prev_before(seq)
            if found is None:
                return None
            seq = found
            if lst.row_of(seq) is not None or (lst.tab == "all" and lst.ns_filter is None):
                return seq
        return None

    def go_to_event(self, lst: EventList, seq: int) -> None:
        """Select event ``seq`` in ``lst`` (a replay moves its cursor there instead)."""
        row = lst.row_of(seq)
        if row is None:
            return
        lst.follow = False
        lst.cursor = row
        lst.scroll_to_region_row(row)
