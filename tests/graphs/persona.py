"""A graph with schemas of every kind a form draws: a pydantic input (a required text, an
enum with a default, a number, a flag, a list and an object), and a runtime context the
answer is made from (so a run shows which assistant's context it got)."""

from dataclasses import dataclass
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class Ask(BaseModel):
    question: str = Field(description="What to ask")
    mood: Literal["calm", "curious", "angry"] = "calm"
    times: int = 1
    ratio: float = 0.5
    urgent: bool = False
    tags: list[str] = []
    extra: dict[str, Any] = {}


class State(TypedDict, total=False):
    question: str
    mood: str
    times: int
    ratio: float
    urgent: bool
    tags: list[str]
    extra: dict[str, Any]
    answer: str


@dataclass
class Persona:
    name: str = "Ada"
    style: Literal["short", "long"] = "short"


def answer(state: State, runtime: Runtime[Persona]) -> dict:
    who = runtime.context
    text = (
        f"{who.name} ({who.style}, {state.get('mood') or 'calm'}) answers {state.get('question')!r}"
    )
    return {"answer": " ".join([text] * int(state.get("times") or 1))}


graph = (
    StateGraph(State, input_schema=Ask, context_schema=Persona)
    .add_node(answer)
    .add_edge(START, "answer")
    .add_edge("answer", END)
    .compile()
)
