"""The Agents tab: the run's agents and subgraphs as a tree (lgtui/agents.py).

Each line: the agent's state, its name (indented under the agent that started it), its
namespace, start, duration, tokens (cache reads and reasoning included) and what started
it (the tool call, ``Send`` or edge).  **enter** makes it the namespace every tab shows
and opens its transcript on the Messages tab.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.message import Message

from lgtui.agents import COMPLETED, FAILED, INTERRUPTED, RUNNING, Agent
from lgtui.preview import safe_text
from lgtui.session import Session
from lgtui.tokens import Usage, usage_by_ns
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.rows_view import RowsView, secs

_GLYPH = {
    RUNNING: ("…", "yellow"),
    COMPLETED: ("✓", "green"),
    FAILED: ("✖", "bold red"),
    INTERRUPTED: ("⏸", "magenta"),
}


@keymap("agents")
class AgentsView(RowsView):
    HELP = """\
## Agents

The run's agents and subgraphs as a tree: a supervisor's or a swarm's agents, subagents
started by a tool call, nested subgraphs. ✓ completed, ✖ failed, ⏸ interrupted, … running.
Each shows its namespace, when it started, how long it ran, the tokens its own model
calls reported (cache reads and reasoning tokens included) and what started it.

**enter** shows only that agent on every tab (its namespace) and opens its transcript on
the Messages tab; **s** on the main screen moves to another namespace.
"""

    BINDINGS = keyed(
        "agents",
        [
            Binding("up,k", "move(-1)", "Up", show=False, id="agents.up"),
            Binding("down,j", "move(1)", "Down", show=False, id="agents.down"),
            Binding("pageup", "page(-1)", "Page up", show=False, id="agents.page_up"),
            Binding("pagedown", "page(1)", "Page down", show=False, id="agents.page_down"),
            Binding("home,g", "edge(0)", "First agent", show=False, id="agents.first"),
            Binding("end,G", "edge(1)", "Last agent", show=False, id="agents.last"),
            Binding("enter", "choose", "Show this agent", show=False, id="agents.choose"),
        ],
    )

    class Chosen(Message):
        """Show only this agent's namespace, and its transcript."""

        def __init__(self, ns: tuple[str, ...]) -> None:
            super().__init__()
            self.ns = ns

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._usage: dict[tuple[str, ...], Usage] = {}

    def data_key(self, session: Session) -> Any:
        return (session.agents.version, len(session.messages))

    def items(self, session: Session) -> list[tuple[int, Agent]]:
        tree = session.agents.tree()
        if self.as_of is not None:
            tree = [(d, a) for d, a in tree if not a.ns or a.first_seq <= self.as_of]
        self._usage = usage_by_ns(session.snapshot_messages(), self.as_of)
        return tree

    def head(self, session: Session) -> list[Text]:
        agents = len(self._items)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{agents} agent{'s' if agents != 1 else ''}", style="bold")
        if agents == 1:
            head.append(" · one graph, no subgraph ran (stream subgraphs to see them)", style="dim")
        total = Usage()
        for usage in self._usage.values():
            total.add(usage)
        if total.messages:
            head.append(" · tokens " + total.describe())
        columns = Text(
            f"  {'agent':<22} {'namespace':<14} {'start':>7} {'time':>7} {'tokens':>11}  started by",
            style="dim",
            no_wrap=True,
        )
        return [head, columns]

    def _status(self, agent: Agent) -> str:
        if self.as_of is not None and agent.last_seq > self.as_of:
            return RUNNING
        return agent.status

    def line(self, item: tuple[int, Agent], width: int) -> Text:
        depth, agent = item
        status = self._status(agent)
        glyph, style = _GLYPH.get(status, ("·", ""))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(glyph + " ", style=style)
        name = "  " * depth + safe_text(agent.name, max(4, 22 - 2 * depth))
        text.append(f"{name:<22} ", style="bold" if not depth else "")
        session = self.session
        label = session.ns_label_fit(agent.ns, 14) if session and agent.ns else "root"
        text.append(f"{label:<14} ", style="italic cyan")
        text.append(f"{'+' + secs(agent.start):>7} ", style="dim")
        text.append(f"{secs(agent.duration if status != RUNNING else None):>7} ")
        usage = self._usage.get(agent.ns)
        text.append(f"{usage.short() if usage else '—':>11}  ")
        call = session.tools.calls.get(agent.tool_call_id) if session else None
        cause = f"{call.name} ({call.id})" if call is not None and call.name else agent.cause
        if cause:
            text.append(safe_text(cause, 60), style="dim")
        if usage is not None and (usage.cache_read or usage.reasoning):
            extra = [f"{usage.cache_read:,} cached"] if usage.cache_read else []
            extra += [f"{usage.reasoning:,} reasoning"] if usage.reasoning else []
            text.append("  (" + ", ".join(extra) + ")", style="dim")
        if agent.error:
            text.append("  ✖ " + safe_text(agent.error, 120), style="red")
        return text

    def seq_of(self, item: tuple[int, Agent]) -> int:
        return item[1].first_seq

    def action_choose(self) -> None:
        if 0 <= self.cursor < len(self._items):
            self._select(self.cursor, go=True)
            self.post_message(self.Chosen(self._items[self.cursor][1].ns))
