"""How each kind of tab is drawn: the widget a `lgtui.tabs.Tab` gets, and the number on
its label.  The main screen composes, syncs, focuses and follows a tab through this, so
it never asks which tab it is showing.

A view is a widget offering `TabView`'s methods.  To add a kind: the widget, and its
line in `VIEWS`; an event-list tab needs neither (one line in `lgtui.tabs`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from textual.widget import Widget

from lgtui.session import Session
from lgtui.tabs import Tab
from lgtui.ui.widgets.agents_view import AgentsView
from lgtui.ui.widgets.event_list import EventList
from lgtui.ui.widgets.files_view import FilesView
from lgtui.ui.widgets.messages_view import MessagesView
from lgtui.ui.widgets.timeline_view import TimelineView
from lgtui.ui.widgets.tools_view import ToolsView
from lgtui.workspace import has_workspace


class TabView(Protocol):
    """What the main screen asks of a tab's widget."""

    def attach(self, session: Session | None) -> None:
        """Show ``session`` (a new run), from its start."""

    def show_as_of(self, as_of: int | None) -> None:
        """Take in what arrived since the last call; in a replay, as of event ``as_of``."""

    def settled(self) -> bool:
        """Nothing more to draw until the session changes (False: synced every refresh)."""

    def follow_newest(self) -> None:
        """Go to the newest entry, and stay there as more arrive (``f``)."""


@dataclass(frozen=True)
class View:
    make: Callable[[Tab], Widget]
    count: Callable[[Tab, Session, int | None], int | None]  # None: no number on the label
    # whether it has anything to show, for a view without a number (a tab that hides
    # while empty)
    has: Callable[[Tab, Session, int | None], bool] | None = None


def _count_events(tab: Tab, session: Session, as_of: int | None) -> int:
    if not tab.modes:  # every event
        return session.count if as_of is None else min(session.count, as_of + 1)
    rows = session.tabs[tab.id]
    return len(rows) if as_of is None else bisect_right(rows, as_of)


def _count_messages(tab: Tab, session: Session, as_of: int | None) -> int:
    if as_of is None:
        return len(session.messages)
    return sum(1 for m in session.snapshot_messages() if m.first_seq <= as_of)


def _count_tools(tab: Tab, session: Session, as_of: int | None) -> int:
    return len(session.tools.snapshot(as_of))


def _count_agents(tab: Tab, session: Session, as_of: int | None) -> int:
    """The agents that ran by then; 0 when only the root did (no news)."""
    agents = session.agents.by_ns.values()
    n = len(agents) if as_of is None else sum(1 for a in agents if a.first_seq <= as_of)
    return n if n > 1 else 0


VIEWS: dict[str, View] = {
    "events": View(lambda tab: EventList(tab.id, id=f"list-{tab.id}"), _count_events),
    "messages": View(lambda tab: MessagesView(id="messages-view"), _count_messages),
    "timeline": View(
        lambda tab: TimelineView(id="timeline-view"),
        lambda *_: None,
        lambda tab, session, as_of: bool(session.tabs["debug"] or session.tabs["events"]),
    ),
    "tools": View(lambda tab: ToolsView(id="tools-view"), _count_tools),
    "agents": View(lambda tab: AgentsView(id="agents-view"), _count_agents),
    "files": View(
        lambda tab: FilesView(id="files-view"),
        lambda *_: None,
        lambda tab, session, as_of: has_workspace(session),
    ),
}


def make_view(tab: Tab) -> Widget:
    return VIEWS[tab.view].make(tab)


def count(tab: Tab, session: Session, as_of: int | None) -> int | None:
    return VIEWS[tab.view].count(tab, session, as_of)


def has_something(tab: Tab, session: Session, as_of: int | None) -> bool:
    """Whether ``tab`` has anything for this run (a tab with ``hide_empty`` shows then)."""
    view = VIEWS[tab.view]
    if view.has is not None:
        return view.has(tab, session, as_of)
    return bool(view.count(tab, session, as_of))
