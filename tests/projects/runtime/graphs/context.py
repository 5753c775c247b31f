"""Runtime context (langgraph 1.x): the node reads runtime.context, which the server builds
from the schema's defaults and the run's context (or configurable)."""

from dataclasses import dataclass
from typing import TypedDict

from langgraph.graph import START, StateGraph
from langgraph.runtime import Runtime


@dataclass
class Context:
    model: str = "fake-small"
    user_name: str = "anon"


class State(TypedDict, total=False):
    question: str
    answer: str


def answer(state: State, runtime: Runtime[Context]) -> State:
    ctx = runtime.context
    model = getattr(ctx, "model", None)
    user = getattr(ctx, "user_name", None)
    return {"answer": f"{model} answers {user}: {state.get('question', '')}"}


graph = (
    StateGraph(State, context_schema=Context).add_node(answer).add_edge(START, "answer").compile()
)
