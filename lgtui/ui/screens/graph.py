"""The assistant's graph drawn as boxes and edges (or listed), running node(s) highlighted."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.widgets import Static

from lgtui.breakpoints import split_line
from lgtui.errors import LgtuiError
from lgtui.graph_layout import END, START, layout
from lgtui.preview import safe_text
from lgtui.session import Session
from lgtui.timeline import child_ns, inside
from lgtui.ui.graph_draw import draw_graph
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.live import LiveScreen
from lgtui.ui.text import Text
from lgtui.ui.ticker import Ticker
from lgtui.ui.widgets.footer import KeyFooter


def node_activity(
    session: Session | None, as_of: int | None
) -> tuple[set[str], set[str], str | None]:
    """(running, finished, last) node names as of event ``as_of`` (all events when None).

    From debug and tasks events (task start / result); without them, the last node that
    sent an update counts as the last to run.
    """
    if session is None or not session.count:
        return set(), set(), None
    end = session.count - 1 if as_of is None else as_of
    running: dict[tuple[tuple[str, ...], str], str] = {}
    finished: set[str] = set()
    last = None
    for seq in session.tabs["debug"]:
        if seq > end:
            break
        event = session.events[seq]
        data = event.data
        if not isinstance(data, dict):
            continue
        payload = data.get("payload") if event.mode == "debug" else data
        kind = (
            data.get("type")
            if event.mode == "debug"
            else ("task" if "input" in data else "task_result")
        )
        if event.mode == "checkpoints" or kind == "checkpoint" or not isinstance(payload, dict):
            continue
        name = _full_name(event.ns, str(payload.get("name", "")))
        task_id = str(payload.get("id"))
        if kind == "task":
            running[(event.ns, task_id)] = name
        elif kind == "task_result":
            running.pop((event.ns, task_id), None)
            # what ran inside it ended with it (a handoff leaves its task without a result)
            inner = child_ns(event.ns, str(payload.get("name", "")), task_id)
            for key in [k for k in running if inside(k[0], inner)]:
                finished.add(running.pop(key))
            finished.add(name)
            last = name
    if last is None:
        for seq in reversed(session.tabs["updates"]):
            if seq <= end:
                data = session.events[seq].data
                if isinstance(data, dict) and data:
                    last = _full_name(session.events[seq].ns, str(next(iter(data))))
                break
    return set(running.values()), finished, last


def _full_name(ns: tuple[str, ...], name: str) -> str:
    """A subgraph's node as xray names it: ``parent:child``."""
    parents = [p.split(":", 1)[0] for p in ns]
    return ":".join([*parents, name])


def render_list(
    graph: dict[str, Any], running: set[str], finished: set[str], last: str | None
) -> Text:
    lay = layout(graph)
    text = Text()
    for i, layer in enumerate(lay.layers):
        for node in layer:
            label = lay.labels.get(node, node)
            if node in (START, END):
                style, mark = "dim", ""
            elif node in running:
                style, mark = "bold black on yellow", "  ▶ running"
            elif node == last:
                style, mark = "bold black on green", "  ✓ last"
            elif node in finished:
                style, mark = "green", "  ✓"
            else:
                style, mark = "bold", ""
            depth = node.count(":")
            text.append("  " * depth)
            text.append(f"[ {safe_text(label, 60)} ]", style=style)
            if mark:
                text.append(mark, style="italic")
            outs = lay.edges.get(node, [])
            if outs:
                text.append("\n" + "  " * depth + "   ")
                for j, (dst, conditional) in enumerate(outs):
                    if j:
                        text.append("  ")
                    text.append(
                        "⇢ " if conditional else "→ ", style="yellow" if conditional else "cyan"
                    )
                    text.append(safe_text(lay.labels.get(dst, dst), 60), style="dim")
            text.append("\n")
        if i < len(lay.layers) - 1:
            text.append("   │\n", style="dim")
    text.append("\n→ edge   ⇢ conditional edge   ▶ running   ✓ ran", style="dim italic")
    return text


def graph_nodes(graph: dict[str, Any]) -> list[str]:
    """The nodes a run can pause at, as langgraph names them (a subgraph's node by its
    own name: ``parent:child`` is ``child``)."""
    seen: dict[str, None] = {}
    for node in graph.get("nodes") or []:
        name = str(node.get("id", "")) if isinstance(node, dict) else ""
        name = name.rsplit(":", 1)[-1]
        if name and name not in ("__start__", "__end__"):
            seen[name] = None
    return list(seen)


LEGEND = "▼ edge  ╎ conditional  ▲ loops back  ▶ running  ✓ ran  ┏┓ last"


def render_graph(
    graph: dict[str, Any],
    running: set[str],
    finished: set[str],
    last: str | None,
    as_list: bool = False,
) -> Text:
    """The drawing (or, asked for or when the graph is too big to draw, the listing)."""
    drawing = None if as_list else draw_graph(graph, running, finished, last)
    if drawing is None:
        text = render_list(graph, running, finished, last)
        if not as_list:
            banner = Text("(too big to draw: listed instead)\n\n", style="dim italic")
            banner.append_text(text)
            text = banner
        return text
    drawing.append("\n\n" + LEGEND, style="dim italic")
    return drawing


@keymap("graph view")
class GraphScreen(LiveScreen[None]):
    HELP = """\
## Graph

The assistant's graph as the server describes it with xray (subgraph nodes included, as
`parent:child`), drawn from `__start__` at the top to `__end__` at the bottom: a box per
node, `▼` where an edge arrives, dashed lines for conditional edges, and edges that go back
to an earlier node (loops) run up the lane on the right (`▲`). Nodes running now are
highlighted (`▶`), those that ran are ticked and the last one has a heavy frame -- live, or
as of a replay's cursor.

`l` switches to a listing of each node with its edges (`→` plain, `⇢` conditional), handy
for big graphs; a graph too big to draw is listed anyway. Scroll with the arrow keys.

**b** / **a** pick a node to pause before / after on the next run (picking one marked ●
takes the breakpoint away); the title lists them. An in-process run pauses there, a
server's stops at an interrupt.
"""

    BINDINGS = keyed(
        "graph",
        [
            Binding("escape,v", "app.pop_screen", "Back"),
            Binding("l", "toggle_list", "List/Drawing"),
            Binding("b", "pause_at('before')", "Pause before…"),
            Binding("a", "pause_at('after')", "Pause after…"),
        ],
    )

    def __init__(
        self, assistant: str, graph: dict[str, Any] | None = None, as_of: Any = None
    ) -> None:
        super().__init__()
        self.assistant = assistant
        self.graph = graph
        self.as_of = as_of  # a callable giving the replay cursor, or None for live
        self.as_list = False

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="graph-title")
        with ScrollableContainer(id="graph-scroll"):
            yield Static("loading…", id="graph-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.graph is None:
            self.fetch()
        self.ticker = Ticker(self, 0.25, self._redraw_tick)
        self.redraw()
        self.query_one("#graph-scroll").focus()

    @screen_work(exclusive=True)
    async def fetch(self) -> None:
        try:  # (a live app's: a replay's graph comes from the capture)
            self.graph = await self.controller.graph(self.assistant)
        except LgtuiError as exc:
            self.query_one("#graph-body", Static).update(Text("✖ " + exc.message, style="bold red"))
            return
        self.redraw()
        self.wake()

    def _title(self) -> Text:
        title = Text(f"Graph of {safe_text(self.assistant, 60)} (xray)", style="bold")
        points = [p for p in self._breakpoints() if p.startswith(("before:", "after:"))]
        if points:
            title.append("   pause " + ", ".join(points), style="magenta")
        return title

    def _breakpoints(self) -> list[str]:
        form = getattr(self.app, "form", None)
        return split_line(form.breakpoints_text) if form is not None else []

    @screen_work(exclusive=True, group="pick")
    async def action_pause_at(self, when: str) -> None:
        """Pick a node; its before:/after: breakpoint goes into the next run's (the New
        run dialog's, and Run again's), or out when it was there."""
        form = getattr(self.app, "form", None)
        if form is None:
            self.notify(
                "A replay runs nothing: breakpoints pause a run (lgtui open, lgtui connect).",
                markup=False,
            )
            return
        if self.graph is None:
            self.notify("The graph is still loading: its nodes come with it.", markup=False)
            return
        from lgtui.ui.screens.dialogs import PickScreen

        nodes = graph_nodes(self.graph)
        points = self._breakpoints()
        marked = {p.split(":", 1)[1] for p in points if p.startswith(when + ":")}
        node = await self.app.push_screen_wait(
            PickScreen(f"Pause {when} which node? (● set: pick to take away)", nodes, marked)
        )
        if node is None:
            return
        point = f"{when}:{node}"
        on = point not in points
        points = [*points, point] if on else [p for p in points if p != point]
        form.breakpoints_text = "; ".join(points)
        last = self.controller.last_request
        if last is not None and last.assistant == self.assistant:
            last.breakpoints = points or None
        said = f"The next run pauses {when} {node}." if on else f"No pause {when} {node} now."
        self.notify(said, markup=False, timeout=3)
        self.query_one("#graph-title", Static).update(self._title())

    def action_toggle_list(self) -> None:
        self.as_list = not self.as_list
        self.redraw()

    _seen: Any = None  # the session version and cursor the activity was read at
    _activity: Any = (set(), set(), None)
    _picture: Any = None  # what is on screen

    def _redraw_tick(self) -> bool:
        """Redraw while the run goes on (or a replay's cursor may move); then sleep."""
        self.redraw()
        session = getattr(self.app, "session", None)
        running = session is not None and session.status == "running"
        return self.graph is None or running or callable(self.as_of)

    def wake(self) -> None:
        self.ticker.wake()

    @while_shown
    def redraw(self) -> None:
        if self.graph is None:
            return
        session = getattr(self.app, "session", None)
        as_of = self.as_of() if callable(self.as_of) else None
        seen = (id(session), session.version if session else -1, as_of)
        if seen != self._seen:
            self._seen = seen
            self._activity = node_activity(session, as_of)
        running, finished, last = self._activity
        picture = (id(self.graph), self.as_list, frozenset(running), frozenset(finished), last)
        if picture == self._picture:
            return  # the same nodes ran: nothing new to show
        self._picture = picture
        self.query_one("#graph-body", Static).update(
            render_graph(self.graph, running, finished, last, self.as_list)
        )
