"""A research-agent habit: a node changes in place a list it got from the state (and that
an earlier event carries); what is streamed depends on when the payload is serialized."""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import START, StateGraph


class State(TypedDict, total=False):
    notes: list[str]
    log: Annotated[list[str], operator.add]


def gather(state: State) -> State:
    return {"notes": ["first note"], "log": ["gathered"]}


async def expand(state: State) -> State:
    state["notes"].append("added in place")  # the same list object the channel holds
    return {"log": ["expanded"]}


def finish(state: State) -> State:
    return {"log": [f"{len(state['notes'])} notes"]}


graph = (
    StateGraph(State)
    .add_node(gather)
    .add_node(expand)
    .add_node(finish)
    .add_edge(START, "gather")
    .add_edge("gather", "expand")
    .add_edge("expand", "finish")
    .compile()
)
