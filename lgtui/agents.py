"""The agents and subgraphs of a run, as a tree (no Textual): the Agents tab's data.

A namespace is an agent: the root graph, each subgraph task below it (a
``create_react_agent`` handed off to by a supervisor, a swarm's agents, a subagent a
tool started).  What the run says of them:

- the thread-centric stream (v2) and the run stream's ``lifecycle`` mode: ``started``
  (its graph's name, and its cause: the tool call, ``Send`` or edge that started it),
  ``completed``, ``failed``, ``interrupted``;
- otherwise (the run stream without ``lifecycle``), its events: an agent starts with its
  first event and is done when its parent's ``updates`` names its node, or the run ends.
  The tool call that started it is the call running in its parent's namespace when
  it began (a subagent called as a tool).

Tokens are summed from the agent's own chat messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lgtui.events import ns_node
from lgtui.v2 import announced

RUNNING, COMPLETED, FAILED, INTERRUPTED = "running", "completed", "failed", "interrupted"
_DONE = frozenset({COMPLETED, FAILED, INTERRUPTED})


@dataclass
class Agent:
    ns: tuple[str, ...]
    name: str
    status: str = RUNNING
    start: float = 0.0
    end: float | None = None
    first_seq: int = 0
    last_seq: int = 0
    events: int = 0
    cause: str = ""  # "tool call <id>", "send from <node>", "edge from <node>"
    tool_call_id: str = ""  # the call that started it, when one did
    error: str = ""
    children: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - self.start)


def cause_text(cause: Any) -> tuple[str, str]:
    """(words, tool call id) of a lifecycle ``cause``."""
    if not isinstance(cause, dict):
        return "", ""
    kind = cause.get("type")
    if kind == "toolCall" and isinstance(cause.get("tool_call_id"), str):
        return f"tool call {cause['tool_call_id']}", cause["tool_call_id"]
    if kind in ("send", "edge") and isinstance(cause.get("from_node"), str):
        return f"{kind} from {cause['from_node']}", ""
    return "", ""


class Agents:
    """Every namespace of a run as an agent; parents before children."""

    def __init__(self, root: str = "") -> None:
        self.by_ns: dict[tuple[str, ...], Agent] = {(): Agent((), root or "root")}
        self.lifecycle = False  # the run streamed lifecycle events: they are the word
        self.version = 0
        self.fresh: list[tuple[str, ...]] = []  # agents made since the owner last looked

    def __len__(self) -> int:
        return len(self.by_ns)

    @property
    def root(self) -> Agent:
        return self.by_ns[()]

    def _agent(self, ns: tuple[str, ...], seq: int, t: float) -> Agent:
        agent = self.by_ns.get(ns)
        if agent is None:
            parent = self._agent(ns[:-1], seq, t)
            agent = self.by_ns[ns] = Agent(ns, ns_node(ns[-1]), start=t, first_seq=seq)
            parent.children.append(ns)
            self.fresh.append(ns)
            self.version += 1
        return agent

    def seen(self, seq: int, t: float, ns: tuple[str, ...]) -> Agent:
        """An event in ``ns``: the agent lives (and so do its parents).  Once lifecycle
        events came, they say which namespaces are agents: an event of another namespace
        (a tool's, say) is its nearest agent's."""
        if self.lifecycle:
            while ns and ns not in self.by_ns:
                ns = ns[:-1]
        agent = self._agent(ns, seq, t)
        if not agent.events and not self.lifecycle:
            agent.start, agent.first_seq = t, seq
        agent.events += 1
        agent.last_seq = seq
        if not self.lifecycle and agent.status == RUNNING:
            agent.end = t
        return agent

    def lifecycle_event(self, seq: int, t: float, ns: tuple[str, ...], data: Any) -> None:
        if not isinstance(data, dict):
            return
        ns = tuple(announced(list(ns), data))
        self.lifecycle = True
        agent = self._agent(ns, seq, t)
        kind = data.get("event")
        if isinstance(data.get("graph_name"), str) and data["graph_name"]:
            agent.name = data["graph_name"]
        if kind in ("started", "running"):
            if kind == "started" or agent.status not in _DONE:
                agent.status = RUNNING
            if kind == "started":
                agent.start, agent.first_seq, agent.end = t, seq, None
            words, call = cause_text(data.get("cause"))
            if not call and _is_call_id(data):
                call = str(data["trigger_call_id"])
            if words:
                agent.cause = words
            if call:
                agent.tool_call_id = call
                agent.cause = agent.cause or f"tool call {call}"
        elif kind in _DONE:
            agent.status = str(kind)
            agent.end = t
            if isinstance(data.get("error"), str):
                agent.error = data["error"]
        agent.last_seq = max(agent.last_seq, seq)
        self.version += 1

    def node_done(self, seq: int, t: float, parent: tuple[str, ...], node: str) -> None:
        """The parent's ``updates`` named ``node``: its oldest running task of that node is
        done (without lifecycle events, the only word of a subgraph's end)."""
        if self.lifecycle or node.startswith("__"):
            return
        agent = self.by_ns.get(parent)
        if agent is None:
            return
        for child_ns in agent.children:
            child = self.by_ns[child_ns]
            if child.status == RUNNING and ns_node(child_ns[-1]) == node:
                self._close(child, COMPLETED, t)
                self.version += 1
                return

    def started_by(self, ns: tuple[str, ...], call_id: str, tool: str = "") -> None:
        agent = self.by_ns.get(ns)
        if agent is not None and not agent.tool_call_id:
            agent.tool_call_id = call_id
            words = f"{tool} ({call_id})" if tool else f"tool call {call_id}"
            if not agent.cause or agent.cause.startswith(("edge", "send", "tool call")):
                agent.cause = words

    def finish(self, status: str, t: float) -> None:
        """The run ended: what still runs ends as the run did."""
        word = {"success": COMPLETED, "error": FAILED, "interrupted": INTERRUPTED}.get(
            status, COMPLETED
        )
        for agent in self.by_ns.values():
            if agent.status == RUNNING:
                self._close(agent, word if not agent.ns else COMPLETED, t)
        if self.root.status == RUNNING or not self.lifecycle:
            self.root.status = word
        self.version += 1

    def _close(self, agent: Agent, status: str, t: float) -> None:
        for child in agent.children:
            if self.by_ns[child].status == RUNNING:
                self._close(self.by_ns[child], status, t)
        agent.status = status
        agent.end = t

    def tree(self) -> list[tuple[int, Agent]]:
        """(depth, agent) in tree order: each agent before its children, children in the
        order they started."""
        out: list[tuple[int, Agent]] = []
        stack: list[tuple[int, tuple[str, ...]]] = [(0, ())]
        while stack:
            depth, ns = stack.pop()
            agent = self.by_ns[ns]
            out.append((depth, agent))
            stack.extend((depth + 1, child) for child in reversed(agent.children))
        return out

    def subtree(self, ns: tuple[str, ...]) -> set[tuple[str, ...]]:
        """``ns`` and every namespace below it."""
        return {n for n in self.by_ns if n[: len(ns)] == ns}


def _is_call_id(data: dict[str, Any]) -> bool:
    """A lifecycle ``trigger_call_id`` names a tool call only when the cause says so, or
    when there is no other cause (langgraph puts the task id there otherwise)."""
    cause = data.get("cause")
    return isinstance(data.get("trigger_call_id"), str) and (
        isinstance(cause, dict) and cause.get("type") == "toolCall"
    )
