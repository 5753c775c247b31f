"""A subgraph that stops at interrupt(): its own state is pending inside the parent's."""

from typing import TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import interrupt


class Inner(TypedDict, total=False):
    draft: str
    verdict: str


def write_draft(state: Inner):
    return {"draft": "inner draft v1"}


def review(state: Inner):
    return {"verdict": interrupt({"check": state["draft"]})}


inner = (
    StateGraph(Inner)
    .add_node(write_draft)
    .add_node(review)
    .add_edge(START, "write_draft")
    .add_edge("write_draft", "review")
    .compile()
)


class Outer(TypedDict, total=False):
    draft: str
    verdict: str


graph = StateGraph(Outer).add_node("editor", inner).add_edge(START, "editor").compile()
