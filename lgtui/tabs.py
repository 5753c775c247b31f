"""The main screen's tabs, declared once: every screen, the Session's indexes, the key
bindings (1-8) and the help iterate this tuple, so a tab is one line here.

A tab lists the events of the wire ``modes`` it names (``view="events"``; no modes:
every event, the All tab), or is drawn by another view of the session (``"messages"``:
the assembled chat; ``"timeline"``: tasks in time).  A new kind of view is a widget
and its line in `lgtui.ui.tabs.VIEWS`.  No Textual here: the Session reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    id: str  # "updates": the key in `Session.tabs`, the widget ids, `show_tab('updates')`
    title: str  # on the tab, in the key list ("Updates tab")
    modes: frozenset[str] = frozenset()  # the wire modes it lists (a Session index)
    view: str = "events"  # what draws it: "events", "messages", "timeline"


TABS: tuple[Tab, ...] = (
    Tab("all", "All"),
    Tab("updates", "Updates", frozenset({"updates"})),
    Tab("values", "Values", frozenset({"values"})),
    Tab("debug", "Debug", frozenset({"debug", "checkpoints", "tasks"})),
    Tab(
        "messages",
        "Messages",
        frozenset({"messages", "messages/metadata", "messages/partial", "messages/complete"}),
        view="messages",
    ),
    Tab("events", "Events", frozenset({"events"})),
    Tab("custom", "Custom", frozenset({"custom"})),
    Tab("timeline", "Timeline", view="timeline"),  # drawn from the Debug tab's events
)

TAB_BY_ID = {tab.id: tab for tab in TABS}

# The Session's indexes: which list each wire mode is filed under (besides All).
LISTED = tuple(tab.id for tab in TABS if tab.modes)
TAB_OF_MODE = {mode: tab.id for tab in TABS for mode in tab.modes}
