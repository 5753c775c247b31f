"""The main screen's tabs, declared once: every screen, the Session's indexes, the key
bindings (1-9, 0) and the help iterate this tuple, so a tab is one line here.

A tab lists the events of the wire ``modes`` it names (``view="events"``; no modes:
every event, the All tab), or is drawn by another view of the session (``"messages"``:
the assembled chat; ``"timeline"``: tasks in time).  A new kind of view is a widget
and its line in `lgtui.ui.tabs.VIEWS`.  No Textual here: the Session reads it too.
Keys 1-9 and 0 show the first ten tabs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    id: str  # "updates": the key in `Session.tabs`, the widget ids, `show_tab('updates')`
    title: str  # on the tab, in the key list ("Updates tab")
    modes: frozenset[str] = frozenset()  # the wire modes it lists (a Session index)
    view: str = "events"  # what draws it: "events", "messages", "timeline", "tools", "agents"
    # out of a run's tab bar while it has nothing for it (its key, or the palette, shows it
    # with why it is empty): a run's tabs are the ones it fills
    hide_empty: bool = False


TABS: list[Tab] = []  # in order: key 1 shows the first
TAB_BY_ID: dict[str, Tab] = {}
# The Session's indexes: which list each wire mode is filed under (besides All).
LISTED: list[str] = []
TAB_OF_MODE: dict[str, str] = {}


def declare(*tabs: Tab) -> None:
    """Add tabs after those declared (before the UI is imported: its keys are made then)."""
    for tab in tabs:
        if tab.id in TAB_BY_ID:
            raise ValueError(f"a tab {tab.id!r} is declared already")
        taken = sorted(tab.modes & TAB_OF_MODE.keys())
        if taken:
            raise ValueError(f"modes {taken} are listed in another tab already")
        TABS.append(tab)
        TAB_BY_ID[tab.id] = tab
        if tab.modes:
            LISTED.append(tab.id)
        TAB_OF_MODE.update(dict.fromkeys(tab.modes, tab.id))


declare(
    Tab("all", "All"),
    Tab("updates", "Updates", frozenset({"updates", "input.requested"}), hide_empty=True),
    Tab("values", "Values", frozenset({"values"}), hide_empty=True),
    Tab("debug", "Debug", frozenset({"debug", "checkpoints", "tasks"}), hide_empty=True),
    Tab(
        "messages",
        "Messages",
        frozenset({"messages", "messages/metadata", "messages/partial", "messages/complete"}),
        view="messages",
        hide_empty=True,
    ),
    Tab("events", "Events", frozenset({"events"}), hide_empty=True),
    Tab("custom", "Custom", frozenset({"custom"}), hide_empty=True),
    Tab("timeline", "Timeline", view="timeline", hide_empty=True),  # from the Debug tab's events
    Tab("tools", "Tools", frozenset({"tools"}), view="tools", hide_empty=True),
    Tab("agents", "Agents", frozenset({"lifecycle"}), view="agents", hide_empty=True),
    Tab("files", "Files", view="files", hide_empty=True),  # a deep agent's todos and files
)
