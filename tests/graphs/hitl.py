"""Human in the loop: one node asks a question with interrupt() and stores the answer."""

from typing import TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import interrupt


class State(TypedDict, total=False):
    q: str
    answer: str


def ask(state: State):
    answer = interrupt({"question": state.get("q", "name?")})
    return {"answer": answer}


graph = StateGraph(State).add_node(ask).add_edge(START, "ask").compile()
