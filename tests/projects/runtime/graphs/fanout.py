"""A research agent's shape: a planner fans out with Send to researcher subgraphs (each a
nested graph of its own), then a writer joins the notes. The fan-out's order may differ
from run to run."""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import Send


class State(TypedDict, total=False):
    topic: str
    sections: list[str]
    notes: Annotated[list[str], operator.add]
    report: str


class Section(TypedDict, total=False):
    section: str
    notes: Annotated[list[str], operator.add]
    draft: str


def search(state: Section) -> Section:
    return {"draft": f"facts about {state['section']}"}


def summarize(state: Section) -> Section:
    return {"notes": [state["draft"].replace("facts", "summary")]}


researcher = (
    StateGraph(Section)
    .add_node(search)
    .add_node(summarize)
    .add_edge(START, "search")
    .add_edge("search", "summarize")
    .compile()
)


def plan(state: State) -> State:
    return {"sections": [f"{state.get('topic', 'x')} {i}" for i in range(3)]}


def fan_out(state: State):
    return [Send("research", {"section": s}) for s in state["sections"]]


def write(state: State) -> State:
    return {"report": " / ".join(sorted(state["notes"]))}


graph = (
    StateGraph(State)
    .add_node(plan)
    .add_node("research", researcher)
    .add_node(write)
    .add_edge(START, "plan")
    .add_conditional_edges("plan", fan_out, ["research"])
    .add_edge("research", "write")
    .compile()
)
