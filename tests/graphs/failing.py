"""A node that raises: the run must end with an `error` event."""

from typing import TypedDict

from langgraph.graph import START, StateGraph


class State(TypedDict, total=False):
    topic: str
    result: str


def prepare(state: State):
    return {"topic": state.get("topic", "") + "!"}


def explode(state: State):
    raise ValueError(f"cannot handle topic {state['topic']!r}")


graph = (
    StateGraph(State)
    .add_node(prepare)
    .add_node(explode)
    .add_edge(START, "prepare")
    .add_edge("prepare", "explode")
    .compile()
)
