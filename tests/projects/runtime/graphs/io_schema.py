"""Input and output schemas: the state has more keys than either; values and the run's
output carry only the output schema's keys."""

from typing import TypedDict

from langgraph.graph import START, StateGraph


class In(TypedDict):
    question: str


class Out(TypedDict):
    answer: str


class State(In, Out, total=False):
    scratch: str


def think(state: State) -> State:
    return {"scratch": f"thinking about {state['question']}"}


def reply(state: State) -> State:
    return {"answer": state["scratch"].replace("thinking about", "the answer to")}


graph = (
    StateGraph(State, input_schema=In, output_schema=Out)
    .add_node(think)
    .add_node(reply)
    .add_edge(START, "think")
    .add_edge("think", "reply")
    .compile()
)
