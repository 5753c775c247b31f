"""The assistant's graph, drawn in layers, with the running node(s) highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from lgtui.graph_layout import END, START, layout
from lgtui.preview import safe_text
from lgtui.session import Session
from lgtui.sources.base import SourceError
from lgtui.ui.keys import keyed
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
    running: dict[str, str] = {}
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
        if kind == "task":
            running[str(payload.get("id"))] = name
        elif kind == "task_result":
            running.pop(str(payload.get("id")), None)
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


def render_graph(
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


class GraphScreen(Screen[None]):
    HELP = """\
## Graph

The assistant's graph as the server describes it with xray (subgraph nodes included, as
`parent:child`), one layer per line from `__start__` to `__end__`: each node with its
edges, `→` a plain edge, `⇢` a conditional one. Nodes running now are highlighted, those
that ran are ticked and the last one marked -- live, or as of a replay's cursor.
"""

    BINDINGS = keyed("graph", [Binding("escape,v", "app.pop_screen", "Back")])

    def __init__(
        self, assistant: str, graph: dict[str, Any] | None = None, as_of: Any = None
    ) -> None:
        super().__init__()
        self.assistant = assistant
        self.graph = graph
        self.as_of = as_of  # a callable giving the replay cursor, or None for live

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Graph of {safe_text(self.assistant, 60)} (xray)", style="bold"), id="graph-title"
        )
        with VerticalScroll():
            yield Static("loading…", id="graph-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.graph is None:
            self.fetch()
        self.set_interval(0.25, self.redraw)
        self.redraw()

    @work(exclusive=True)
    async def fetch(self) -> None:
        app: Any = self.app
        try:
            self.graph = await app.engine.call(app.source.get_graph(self.assistant, xray=True))
        except SourceError as exc:
            self.query_one("#graph-body", Static).update(Text("✖ " + exc.message, style="bold red"))
            return
        self.redraw()

    _drawn: Any = None

    def redraw(self) -> None:
        if self.graph is None:
            return
        session = getattr(self.app, "session", None)
        as_of = self.as_of() if callable(self.as_of) else None
        key = (id(session), session.version if session else -1, as_of, id(self.graph))
        if key == self._drawn:
            return  # nothing new to show
        self._drawn = key
        running, finished, last = node_activity(session, as_of)
        self.query_one("#graph-body", Static).update(
            render_graph(self.graph, running, finished, last)
        )
