"""The main screen: a tab per stream mode, the selected event's payload, status and keys."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from lgtui.preview import preview, safe_text
from lgtui.session import TABS, Session
from lgtui.ui.widgets.diff_view import DiffView
from lgtui.ui.widgets.event_list import EventList
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree
from lgtui.ui.widgets.messages_view import MessagesView
from lgtui.ui.widgets.status_bar import StatusBar

TAB_TITLES = {
    "all": "All",
    "updates": "Updates",
    "values": "Values",
    "debug": "Debug",
    "messages": "Messages",
    "events": "Events",
    "custom": "Custom",
}
REFRESH_HZ = 20
DETAIL_DELAY = 0.12  # seconds the cursor must rest before the payload tree is rebuilt


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new_run", "New run"),
        Binding("r", "rerun", "Run again"),
        Binding("x", "cancel_run", "Cancel run"),
        Binding("s", "cycle_namespace", "Namespace"),
        Binding("t", "threads", "Threads"),
        Binding("h", "history", "History"),
        Binding("v", "graph", "Graph"),
        Binding("w", "watch", "Watch thread", show=False),
        Binding("f", "follow", "Follow"),
        Binding("P", "detail('payload')", "Payload"),
        Binding("S", "detail('state')", "State"),
        Binding("D", "detail('diff')", "Diff"),
        *[
            Binding(str(i + 1), f"show_tab('{tab}')", TAB_TITLES[tab], show=False)
            for i, tab in enumerate(TABS)
        ],
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self._version: Any = None
        self._counts: dict[str, int] = {}
        self._ns_count = 1
        self._ns_choice: tuple[str, ...] | None = None
        self._detail_timer: Timer | None = None
        self._detail_seq = -1
        self._banner_key: tuple[int, int, str, int] = (0, 0, "", -1)
        self.as_of: int | None = None  # replay: the cursor; None: live, everything
        self._shown: tuple[int, int] | None = None  # (seq, session version) in the detail pane

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="banner")
        with Horizontal(id="body"):
            yield OptionList(id="namespaces")
            with TabbedContent(id="tabs", initial="tab-all"):
                for tab in TABS:
                    with TabPane(TAB_TITLES[tab], id=f"tab-{tab}"):
                        if tab == "messages":
                            yield MessagesView(id="messages-view")
                        else:
                            yield EventList(tab, id=f"list-{tab}")
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
        self.query_one("#namespaces").display = False
        self.set_interval(1 / REFRESH_HZ, self.refresh_from_session)
        self.query_one("#list-all", EventList).focus()
        self.query_one(StatusBar).source_label = self.app.source_label  # type: ignore[attr-defined]
        self.query_one(StatusBar).show(None)

    # -- session -----------------------------------------------------------------------

    def attach(self, session: Session) -> None:
        self.session = session
        self._version: Any = None
        self._counts.clear()
        self._ns_count = 1
        self._ns_choice = None
        self._detail_seq = -1
        self._shown = None
        self._banner_key = (0, 0, "", -1)
        for lst in self.query(EventList):
            lst.ns_filter = None
            lst.attach(session)
        self.query_one(MessagesView).attach(session)
        ns_list = self.query_one("#namespaces", OptionList)
        ns_list.clear_options()
        ns_list.display = False
        self.query_one("#banner", Static).display = False
        self.query_one("#payload", JsonTree).show(None, "")
        self.query_one("#state", JsonTree).show(None, "")
        self.query_one("#state-note", Static).update("")
        self.query_one(DiffView).show_text("")
        self.query_one("#detail-title", Static).update(
            Text("Select an event to see its payload", style="dim")
        )
        self.refresh_from_session()

    def active_tab(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-all").removeprefix("tab-")

    def refresh_from_session(self) -> None:
        session = self.session
        status = self.query_one(StatusBar)
        status.show(session)
        if session is None:
            return
        version = (session.version, self.as_of)
        if version == self._version:
            return
        self._version = version
        self._sync_active_tab()
        self._update_tab_labels(session)
        self._update_namespaces(session)
        self._update_banner(session)
        if self.as_of is not None:
            self._show_detail_for(self.as_of)

    def _sync_active_tab(self) -> None:
        tab = self.active_tab()
        if tab == "messages":
            self.query_one(MessagesView).sync(self.as_of)
        else:
            lst = self.query_one(f"#list-{tab}", EventList)
            lst.as_of = self.as_of
            lst.sync()

    def _update_tab_labels(self, session: Session) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        as_of = self.as_of
        for tab in TABS:
            if tab == "all":
                n = session.count if as_of is None else min(session.count, as_of + 1)
            elif tab == "messages":
                n = (
                    len(session.messages)
                    if as_of is None
                    else sum(1 for m in session.snapshot_messages() if m.first_seq <= as_of)
                )
            else:
                rows = session.tabs[tab]
                n = len(rows) if as_of is None else bisect_right(rows, as_of)
            if self._counts.get(tab) != n:
                self._counts[tab] = n
                label = Text(TAB_TITLES[tab])
                if n:
                    label.append(f" {n:,}", style="dim")
                tabs.get_tab(f"tab-{tab}").label = label

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
            text = Text("  " * len(ns))
            text.append(safe_text(label if ns else "root", 40), style="bold" if not ns else "cyan")
            text.append(f" {count}", style="dim")
            ns_list.add_option(Option(text, id="|".join(ns) or "<root>"))
        ns_list.highlighted = highlighted if highlighted is not None else 0
        ns_list.display = True

    def _update_banner(self, session: Session) -> None:
        as_of = self.as_of if self.as_of is not None else session.count
        errors = [e for e in session.errors if e.seq <= as_of]
        interrupts = [i for i in session.interrupts if i.seq <= as_of]
        key = (len(errors), len(interrupts), session.status_detail, -1 if self.as_of is None else 0)
        if key == self._banner_key:
            return
        self._banner_key = key
        banner = self.query_one("#banner", Static)
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
        banner.display = bool(lines)
        banner.set_class(bool(errors or session.status_detail), "-error")
        banner.update(Text("\n").join(lines))

    # -- selection -----------------------------------------------------------------------

    @on(EventList.Highlighted)
    def _event_highlighted(self, message: EventList.Highlighted) -> None:
        if message.seq == self._detail_seq:
            return
        self._detail_seq = message.seq
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
        self.query_one("#payload", JsonTree).show(event.data, safe_text(event.event, 100))
        self._show_state(session, seq, event.ns)
        change = session.change_at(seq)
        diff = self.query_one(DiffView)
        if isinstance(change, str):
            diff.show_text(change)
        else:
            diff.show_changes(*change)

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
        if message.tabbed_content.id == "tabs":
            self._sync_active_tab()
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

    # -- actions ---------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = f"tab-{tab}"
        target: Any = (
            self.query_one(MessagesView)
            if tab == "messages"
            else self.query_one(f"#list-{tab}", EventList)
        )
        target.focus()

    def action_cycle_namespace(self) -> None:
        ns_list = self.query_one("#namespaces", OptionList)
        if not ns_list.option_count:
            self.notify(
                "This run has no subgraph namespaces (start it with subgraphs on).", markup=False
            )
            return
        ns_list.highlighted = ((ns_list.highlighted or 0) + 1) % ns_list.option_count

    def action_follow(self) -> None:
        tab = self.active_tab()
        if tab != "messages":
            lst = self.query_one(f"#list-{tab}", EventList)
            lst.follow = True
            lst.action_jump(-1)

    def action_detail(self, pane: str) -> None:
        """Show and focus the Payload, State or Diff view of the selected event."""
        self.query_one("#detail-tabs", TabbedContent).active = f"pane-{pane}"
        target = {"payload": "#payload", "state": "#state", "diff": "#diff"}[pane]
        self.query_one(target).focus()

    def action_new_run(self) -> None:
        self.app.action_new_run()  # type: ignore[attr-defined]

    def action_rerun(self) -> None:
        self.app.action_rerun()  # type: ignore[attr-defined]

    def action_cancel_run(self) -> None:
        self.app.action_cancel_run()  # type: ignore[attr-defined]

    def action_threads(self) -> None:
        self.app.action_threads()  # type: ignore[attr-defined]

    def action_history(self) -> None:
        self.app.action_history()  # type: ignore[attr-defined]

    def action_graph(self) -> None:
        self.app.action_graph()  # type: ignore[attr-defined]

    def action_watch(self) -> None:
        self.app.action_watch()  # type: ignore[attr-defined]
