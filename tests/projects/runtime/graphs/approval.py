"""An interrupt inside a subgraph, resumed with a command: the resumed run's subgraph
checkpoints carry a checkpoint_map, and the thread's state shows the pending task."""

from typing import TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import interrupt


class State(TypedDict, total=False):
    draft: str
    approved: str
    final: str


def ask(state: State) -> State:
    answer = interrupt({"question": f"publish {state.get('draft', '')!r}?"})
    return {"approved": str(answer)}


review = StateGraph(State).add_node(ask).add_edge(START, "ask").compile()


def prepare(state: State) -> State:
    return {"draft": "a post about streaming"}


def finish(state: State) -> State:
    return {"final": f"{state.get('draft')} ({state.get('approved')})"}


graph = (
    StateGraph(State)
    .add_node(prepare)
    .add_node("review", review)
    .add_node(finish)
    .add_edge(START, "prepare")
    .add_edge("prepare", "review")
    .add_edge("review", "finish")
    .compile()
)
