"""Two reviewers at once: two parallel nodes each stop at interrupt(), so the run waits on
two interrupts (answered together: a resume keyed by interrupt id, or one answer for both)."""

from typing import Annotated, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import interrupt


def merge(a: dict, b: dict) -> dict:
    return {**a, **b}


class State(TypedDict, total=False):
    doc: str
    verdicts: Annotated[dict, merge]


def legal(state: State):
    return {"verdicts": {"legal": interrupt({"review": "legal", "doc": state.get("doc")})}}


def finance(state: State):
    return {"verdicts": {"finance": interrupt({"review": "finance", "doc": state.get("doc")})}}


graph = (
    StateGraph(State)
    .add_node(legal)
    .add_node(finance)
    .add_edge(START, "legal")
    .add_edge(START, "finance")
    .compile()
)
