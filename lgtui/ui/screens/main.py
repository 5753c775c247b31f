"""The main screen: a tab per stream mode, the selected event's payload, status and keys."""

from __future__ import annotations

import time
from bisect import bisect_right
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from lgtui.preview import safe_text
from lgtui.query import EventSearch
from lgtui.session import RUNNING, Session
from lgtui.tabs import TAB_BY_ID, TABS
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.screens.export import ExportActions
from lgtui.ui.screens.pause import PauseFollower
from lgtui.ui.screens.search import SearchActions
from lgtui.ui.tabs import TabView, has_something, make_view
from lgtui.ui.tabs import count as tab_count
from lgtui.ui.text import Text
from lgtui.ui.ticker import Ticker
from lgtui.ui.widgets.agents_view import AgentsView
from lgtui.ui.widgets.cursor_list import RowHighlighted
from lgtui.ui.widgets.diff_view import DiffView
from lgtui.ui.widgets.event_list import EventList
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree
from lgtui.ui.widgets.messages_view import MessagesView
from lgtui.ui.widgets.rows_view import RowsView
from lgtui.ui.widgets.search_bar import SearchBar
from lgtui.ui.widgets.status_bar import StatusBar, banner_lines

if TYPE_CHECKING:
    from lgtui.ui.base import BaseApp

REFRESH_HZ = 20
# tab counts of a run streaming in are rewritten twice a second, not at every refresh: a
# count changing 20 times a second is not read, and each rewrite lays the screen out again
LABELS_EVERY = 0.5
DETAIL_DELAY = 0.12  # seconds the cursor must rest before the payload tree is rebuilt


@keymap("main screen")
class MainScreen(SearchActions, ExportActions, Screen[None]):
    HELP = """\
## A run

Tabs **1**–**9**, **0**: every event (All), then one per stream mode, the Timeline of
tasks, every tool call (Tools) and the run's agents as a tree (Agents: **enter** shows only
one agent everywhere, and its transcript).
Select an event to see its payload (**P**), the state as of it (**S**) and what it changed
(**D**) on the right. **/** searches, **n**/**N** jump between matches, **F** shows only
them. **c** copies the selected payload (or the node under the cursor in a JSON tree),
**ctrl+s** saves it to a file. **ctrl+p** lists every action.
"""

    BINDINGS = keyed(
        "main",
        [
            Binding("ctrl+n", "new_run", "New run", tooltip="Pick an assistant, input and modes"),
            Binding("r", "rerun", "Run again", tooltip="The last run again, on the same thread"),
            Binding("x", "cancel_run", "Cancel run", show=False),
            Binding("slash", "search", "Search", key_display="/"),
            Binding("n", "next_match", "Next match", show=False),
            Binding("N", "prev_match", "Previous match", show=False),
            Binding("F", "toggle_filter", "Only matches", show=False),
            Binding("escape", "clear_search", "Clear search", show=False),
            Binding("s", "cycle_namespace", "Namespace", show=False),
            Binding("t", "threads", "Threads"),
            Binding("h", "history", "History"),
            Binding("v", "graph", "Graph"),
            Binding("m", "store", "Memory", tooltip="The store: what graphs remember"),
            Binding(
                "a",
                "assistants",
                "Assistants",
                show=False,
                tooltip="Assistants: their config, versions and schemas",
            ),
            Binding("C", "crons", "Crons", show=False, tooltip="The server's scheduled runs"),
            Binding(
                "M",
                "chat",
                "Chat",
                show=False,
                tooltip="The thread as a chat: its messages, a line to send",
            ),
            Binding(
                "i",
                "resume",
                "Resume",
                show=False,
                tooltip="Answer the interrupt (or go past the breakpoint) the run stopped at",
            ),
            Binding("w", "watch", "Watch thread", show=False),
            Binding("b", "app.code_break", "Code breakpoint", show=False),
            Binding("f", "follow", "Follow", show=False),
            Binding("z", "zoom", "Zoom", show=False, tooltip="Hide or show the detail pane"),
            Binding(
                "c", "copy", "Copy", tooltip="Copy the selected payload (or JSON node) as JSON"
            ),
            Binding(
                "ctrl+s",
                "save",
                "Save",
                show=False,
                tooltip="Save the selected payload or state to a file",
            ),
            Binding("P", "detail('payload')", "Payload", show=False),
            Binding("S", "detail('state')", "State", show=False),
            Binding("D", "detail('diff')", "Diff", show=False),
            Binding("T", "traceback", "Traceback", show=False, tooltip="The error's traceback"),
            *[
                Binding(key, f"show_tab('{tab.id}')", f"{tab.title} tab", show=False)
                for key, tab in zip("1234567890", TABS, strict=False)
            ],
            Binding("q", "app.quit", "Quit"),
        ],
    )

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self._version: Any = None
        self._counts: dict[str, int] = {}
        self._labels_at = 0.0  # when the tab counts were last written (see LABELS_EVERY)
        self._shown_tabs: dict[str, bool] = {}  # tab id -> in the bar (hide_empty tabs)
        self._ns_count = 1
        self._ns_choice: tuple[str, ...] | None = None
        self._detail_timer: Timer | None = None
        self._detail_seq = -1
        self._banner_key: tuple[int, int, str, int, bool, str] = (0, 0, "", -1, False, "")
        self.as_of: int | None = None  # replay: the cursor; None: live, everything
        self.pauses = PauseFollower()  # a run paused at a breakpoint: shown once
        self._shown: tuple[int, int] | None = None  # (seq, session version) in the detail pane
        self._panes_shown: set[str] = set()  # the detail panes filled for it
        self.views: dict[str, Widget] = {}  # tab id -> the widget drawing it
        self.search: EventSearch | None = None
        self.only_matches = False
        self._search_key: tuple[int, int] = (-1, -1)  # (matches, scanned) last shown

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="banner")
        yield SearchBar(id="search")
        yield Static("", id="ns-filter")
        with Horizontal(id="body"):
            yield OptionList(id="namespaces")
            with TabbedContent(id="tabs", initial=f"tab-{TABS[0].id}"):
                for tab in TABS:
                    with TabPane(tab.title, id=f"tab-{tab.id}"):
                        view = self.views[tab.id] = make_view(tab)
                        yield view
            with Vertical(id="detail"):
                yield Static(
                    Text("Select an event to see its payload", style="dim"), id="detail-title"
                )
                with TabbedContent(id="detail-tabs", initial="pane-payload"):
                    with TabPane("Payload", id="pane-payload"):
                        yield JsonTree(id="payload")
                    with TabPane("State", id="pane-state"):
                        yield Static("", id="state-note")
                        yield JsonTree(id="state")
                    with TabPane("Diff", id="pane-diff"):
                        yield DiffView(id="diff")
        yield from self.compose_extra()
        yield KeyFooter()

    def compose_extra(self) -> ComposeResult:
        """Widgets a subclass adds above the footer (the replay's timeline)."""
        return iter(())

    def on_mount(self) -> None:
        self.query_one("#banner").display = False
        self.query_one("#search").display = False
        self.ticker = Ticker(self, 1 / REFRESH_HZ, self._refresh_tick)
        self.views[TABS[0].id].focus()
        self.query_one(StatusBar).source_label = cast("BaseApp", self.app).source_label
        self.query_one(StatusBar).show(None)

    # -- session -----------------------------------------------------------------------

    def _refresh_tick(self) -> bool:
        """A refresh; whether there is more to do before the session changes again."""
        self.refresh_from_session()
        session = self.session
        if session is None:
            return False
        if session.status == RUNNING:
            return True  # the clock, the connection's state
        if self.search is not None and not self.search.done:
            return True
        return not self.view().settled()

    def wake(self) -> None:
        """Refresh soon: something the ticker does not watch changed (a key, a search)."""
        self.ticker.wake()

    def attach(self, session: Session) -> None:
        if self.session is not None and self.session is not session:
            self.session.on_change = None
        self.session = session
        session.on_change = self.ticker.wake_threadsafe
        self.ticker.wake()
        self._version = None
        self._counts.clear()
        self._labels_at = 0.0
        self._shown_tabs.clear()
        self._ns_count = 1
        self._ns_choice = None
        self._detail_seq = -1
        self._shown = None
        self._panes_shown.clear()
        self._banner_key = (0, 0, "", -1, False, "")
        if self.pauses.reset():  # (the last run's view stopped: this one is followed)
            self.as_of = None
        for lst in self.query(EventList):
            lst.ns_filter = None
        for tab in TABS:
            self.view(tab.id).attach(session)
        self.query_one("#ns-filter").set_class(False, "-active")
        ns_list = self.query_one("#namespaces", OptionList)
        ns_list.clear_options()
        ns_list.set_class(False, "-shown")
        self.query_one("#banner", Static).display = False
        self.query_one("#payload", JsonTree).show(None, "")
        self.query_one("#state", JsonTree).show(None, "")
        self.query_one("#state-note", Static).update("")
        self.query_one(DiffView).show_text("")
        self.query_one("#detail-title", Static).update(
            Text("Select an event to see its payload", style="dim")
        )
        bar = self.query_one(SearchBar)
        self._set_search(bar.current_query if bar.display else None)
        self.refresh_from_session()

    def active_tab(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-all").removeprefix("tab-")

    def view(self, tab: str | None = None) -> TabView:
        """The widget drawing ``tab`` (the tab shown when None)."""
        return cast(TabView, self.views[tab or self.active_tab()])

    def refresh_from_session(self) -> None:
        session = self.session
        status = self.query_one(StatusBar)
        status.show(session)
        if session is None:
            return
        self.as_of, shown = self.pauses.update(session.pauses, session.pause, self.as_of)
        if shown:
            cast("BaseApp", self.app).show_pause()
        searching = self._advance_search()
        version = (session.version, self.as_of)
        if version == self._version and not searching:
            view = self.view()
            if not view.settled():  # (the Timeline may still be reading a long run)
                view.show_as_of(self.as_of)
            return
        self._version = version
        self._sync_active_tab()
        now = time.monotonic()
        if (
            self.as_of is not None
            or session.status != RUNNING
            or (now - self._labels_at >= LABELS_EVERY)
        ):
            self._labels_at = now
            self._update_tab_labels(session)
        self._update_namespaces(session)
        self._update_banner(session)
        if self.as_of is not None:
            self._show_detail_for(self.as_of)

    def _sync_active_tab(self) -> None:
        self.view().show_as_of(self.as_of)

    def _update_tab_labels(self, session: Session) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        active = self.active_tab()
        for tab in TABS:
            n = tab_count(tab, session, self.as_of)
            if n is not None and self._counts.get(tab.id) != n:
                self._counts[tab.id] = n
                label = Text(tab.title)
                if n:
                    label.append(f" {n:,}", style="dim")
                tabs.get_tab(f"tab-{tab.id}").label = label
            if tab.hide_empty and tab.id != active:
                shown = has_something(tab, session, self.as_of)
                if self._shown_tabs.get(tab.id) != shown:
                    self._shown_tabs[tab.id] = shown
                    (tabs.show_tab if shown else tabs.hide_tab)(f"tab-{tab.id}")

    def _update_namespaces(self, session: Session) -> None:
        if len(session.namespaces) == self._ns_count:
            return
        entries = session.snapshot_namespaces()
        self._ns_count = len(entries)
        ns_list = self.query_one("#namespaces", OptionList)
        highlighted = ns_list.highlighted
        ns_list.clear_options()
        ns_list.add_option(Option(Text("all namespaces"), id="*"))
        for ns, label, count in sorted(entries, key=lambda e: e[0]):
            # a tree: each entry shows its own part, under its parent; never wrapped
            text = Text("  " * len(ns), no_wrap=True, overflow="ellipsis")
            own = label.split("/")[-1] if ns else "root"
            text.append(safe_text(own, 40), style="bold" if not ns else "cyan")
            text.append(f" {count}", style="dim")
            ns_list.add_option(Option(text, id="|".join(ns) or "<root>"))
        ns_list.highlighted = highlighted if highlighted is not None else 0
        ns_list.set_class(True, "-shown")

    def _update_banner(self, session: Session) -> None:
        as_of = self.as_of if self.as_of is not None else session.count
        # both lists are in event order: what happened by the cursor is a prefix
        errors = session.errors[: bisect_right(session.errors, as_of, key=lambda e: e.seq)]
        interrupts = session.interrupts[
            : bisect_right(session.interrupts, as_of, key=lambda i: i.seq)
        ]
        key = (
            len(errors),
            len(interrupts),
            session.status_detail,
            -1 if self.as_of is None else 0,
            bool(session.traceback),
            session.status,  # ("i: resume" once the run stopped there)
        )
        if key == self._banner_key:
            return
        self._banner_key = key
        banner = self.query_one("#banner", Static)
        lines = banner_lines(session, errors, interrupts, live=self.as_of is None)
        banner.display = bool(lines)
        banner.set_class(bool(errors or session.status_detail), "-error")
        banner.update(Text("\n").join(lines))

    # -- search (the actions are SearchActions') ----------------------------------------

    # -- copy and save (the actions are ExportActions') ------------------------------

    def current_seq(self) -> int | None:
        """The event the detail pane is about: the selected one (live) or the cursor."""
        session = self.session
        seq = self.as_of if self.as_of is not None else self._detail_seq
        if session is None or seq is None or not 0 <= seq < session.count:
            return None
        return seq

    # -- selection -----------------------------------------------------------------------

    @on(RowHighlighted)
    def _task_highlighted(self, message: RowHighlighted) -> None:
        self._select_detail(message.seq)

    @on(AgentsView.Chosen)
    def _agent_chosen(self, message: AgentsView.Chosen) -> None:
        """Every tab shows only this agent; its transcript is on the Messages tab."""
        ns_list = self.query_one("#namespaces", OptionList)
        wanted = "|".join(message.ns) or "<root>"
        for index in range(ns_list.option_count):
            if ns_list.get_option_at_index(index).id == wanted:
                ns_list.highlighted = index
                break
        self.action_show_tab("messages")
        if self.session is not None:
            label = self.session.ns_label(message.ns) if message.ns else "root"
            self.notify(f"Showing {label} only (s: another namespace)", markup=False)

    @on(EventList.Highlighted)
    def _event_highlighted(self, message: EventList.Highlighted) -> None:
        if message.event_list.tab == self.active_tab():  # not a hidden tab's list
            self._select_detail(message.seq)

    def _select_detail(self, seq: int) -> None:
        if seq == self._detail_seq:
            return
        self._detail_seq = seq
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_detail)

    def _show_detail(self) -> None:
        self._show_detail_for(self._detail_seq)

    def _show_detail_for(self, seq: int) -> None:
        session = self.session
        if session is None or not 0 <= seq < session.count:
            return
        if self._shown == (seq, session.version):
            return
        self._shown = (seq, session.version)
        event = session.events[seq]
        title = Text()
        title.append(f"#{seq} ", style="bold")
        title.append(safe_text(event.mode, 30), style="bold cyan")
        if event.ns:
            title.append(" " + session.ns_label(event.ns), style="italic cyan")
        node, _ = session.row(seq)
        if node:
            title.append(" " + node, style="bold")
        title.append(f"  +{event.t:.3f}s  {len(event.raw):,} bytes", style="dim")
        if event.id:
            title.append(f"  id {safe_text(event.id, 40)}", style="dim")
        self.query_one("#detail-title", Static).update(title)
        self._panes_shown.clear()
        self._fill_pane()

    def _fill_pane(self) -> None:
        """Fill the detail pane in view (payload, state or diff) for the event shown; the
        others are filled when they come into view, not on every move of the cursor."""
        session, shown = self.session, self._shown
        if session is None or shown is None:
            return
        pane = self.query_one("#detail-tabs", TabbedContent).active
        if pane in self._panes_shown:
            return
        self._panes_shown.add(pane)
        seq = shown[0]
        event = session.events[seq]
        if pane == "pane-state":
            self._show_state(session, seq, event.ns)
        elif pane == "pane-diff":
            change = session.change_at(seq)
            diff = self.query_one(DiffView)
            if isinstance(change, str):
                diff.show_text(change)
            else:
                diff.show_changes(*change)
        else:
            self.query_one("#payload", JsonTree).show(event.data, safe_text(event.event, 100))

    def _show_state(self, session: Session, seq: int, ns: tuple[str, ...]) -> None:
        note = self.query_one("#state-note", Static)
        tree = self.query_one("#state", JsonTree)
        found = session.state_at(seq, ns)
        where = f" of {session.ns_label(ns)}" if ns else ""
        if found is None:
            note.update(
                Text(
                    f"No state{where} at event #{seq}: no values or checkpoint event at or before it "
                    "(stream the values, debug or checkpoints mode to see state; lgtui does not "
                    "guess the graph's reducers from updates).",
                    style="italic",
                )
            )
            tree.show(None, "")
            return
        source, values = found
        note.update(
            Text(
                f"State{where} as of event #{seq} (from event #{source}, {session.events[source].mode})",
                style="dim",
            )
        )
        tree.show(values, "state")

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, message: TabbedContent.TabActivated) -> None:
        if message.tabbed_content.id == "detail-tabs":
            self._fill_pane()
        if message.tabbed_content.id == "tabs":
            self._sync_active_tab()
            lst = self._active_list()
            seq = lst.selected_seq() if lst is not None else None
            if seq is not None and self.as_of is None:
                self._select_detail(seq)  # the detail follows the tab's own selection
            if self.active_tab() == "values":
                # the Values tab is about state: show the state as of the selected event
                self.query_one("#detail-tabs", TabbedContent).active = "pane-state"

    @on(OptionList.OptionHighlighted, "#namespaces")
    def _namespace_chosen(self, message: OptionList.OptionHighlighted) -> None:
        option_id = message.option.id or "*"
        if option_id == "*":
            ns: tuple[str, ...] | None = None
        elif option_id == "<root>":
            ns = ()
        else:
            ns = tuple(option_id.split("|"))
        if ns == self._ns_choice:
            return
        self._ns_choice = ns
        for lst in self.query(EventList):
            lst.set_namespace(ns)
        for view in (self.views.get("messages"), self.views.get("tools"), self.views.get("files")):
            if isinstance(view, MessagesView | RowsView):
                view.set_namespace(ns)
        # where the namespace list is hidden (narrower terminals), a line says what is shown
        line = self.query_one("#ns-filter", Static)
        line.set_class(ns is not None, "-active")
        if ns is not None and self.session is not None:
            text = Text("namespace ", style="dim")
            text.append(safe_text(self.session.ns_label(ns) if ns else "root", 60), style="cyan")
            text.append("  (s: next namespace)", style="dim italic")
            line.update(text)

    # -- actions ---------------------------------------------------------------------------

    def palette_extra(self) -> list[tuple[str, str, Any]]:
        """Palette entries of the tabs past the tenth (keys 1-9 and 0 show the first ten)."""
        return [
            (f"{tab.title} tab", "", lambda tab=tab: self.action_show_tab(tab.id))
            for tab in TABS[10:]
        ]

    def action_show_tab(self, tab: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.show_tab(f"tab-{tab}")  # (a tab out of the bar while empty comes back)
        tabs.active = f"tab-{tab}"
        self.views[tab].focus()

    def action_cycle_namespace(self) -> None:
        ns_list = self.query_one("#namespaces", OptionList)
        if not ns_list.option_count:
            self.notify(
                "This run has no subgraph namespaces (start it with subgraphs on).", markup=False
            )
            return
        ns_list.highlighted = ((ns_list.highlighted or 0) + 1) % ns_list.option_count

    def action_zoom(self) -> None:
        """The tab across the whole width (the detail pane hidden), or back."""
        self.toggle_class("-zoomed")

    def action_follow(self) -> None:
        """Follow the newest: the last event of a list, the last task of the Timeline, the
        last message."""
        self.view().follow_newest()

    def action_detail(self, pane: str) -> None:
        """Show and focus the Payload, State or Diff view of the selected event."""
        lst = self._active_list()
        if lst is None or not lst.row_count:
            where = "this tab has no events yet"
            if lst is None:
                title = TAB_BY_ID[self.active_tab()].title
                where = f"the {title} tab has no event list: pick one in All (1)"
            self.notify(f"No event to show the {pane} of: {where}.", markup=False, timeout=3)
            return
        self.set_class(False, "-zoomed")  # the pane asked for is shown, not zoomed away
        self.query_one("#detail-tabs", TabbedContent).active = f"pane-{pane}"
        target = {"payload": "#payload", "state": "#state", "diff": "#diff"}[pane]
        self.query_one(target).focus()

    async def action_new_run(self) -> None:
        await self.app.run_action("new_run")  # the live app's (a replay offers none)

    async def action_rerun(self) -> None:
        await self.app.run_action("rerun")  # the live app's (a replay offers none)

    async def action_cancel_run(self) -> None:
        await self.app.run_action("cancel_run")  # the live app's (a replay offers none)

    async def action_threads(self) -> None:
        await self.app.run_action("threads")  # the live app's (a replay offers none)

    async def action_history(self) -> None:
        await self.app.run_action("history")  # the live app's (a replay offers none)

    async def action_graph(self) -> None:
        await self.app.run_action("graph")  # the live app's (a replay offers none)

    async def action_resume(self) -> None:
        await self.app.run_action("resume")  # the live app's (a replay offers none)

    async def action_crons(self) -> None:
        await self.app.run_action("crons")  # the live app's (a replay offers none)

    async def action_assistants(self) -> None:
        await self.app.run_action("assistants")  # the live app's (a replay offers none)

    async def action_store(self) -> None:
        await self.app.run_action("store")  # the live app's (a replay offers none)

    async def action_chat(self) -> None:
        await self.app.run_action("chat")  # the live app's (a replay offers none)

    async def action_watch(self) -> None:
        await self.app.run_action("watch")  # the live app's (a replay offers none)
