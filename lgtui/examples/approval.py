"""A draft that waits for a human: the run stops at interrupt() with the draft to approve."""

from __future__ import annotations

from typing import TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt


class State(TypedDict, total=False):
    request: str
    draft: str
    approved: bool


def draft(state: State):
    return {"draft": f"Dear team, about {state.get('request', 'the launch')}: it ships Friday."}


def review(state: State):
    decision = interrupt({"question": "Send this draft?", "draft": state["draft"]})
    return {"approved": decision in (True, "yes", "y")}


graph = (
    StateGraph(State)
    .add_node(draft)
    .add_node(review)
    .add_edge(START, "draft")
    .add_edge("draft", "review")
    .add_edge("review", END)
    .compile()
)
