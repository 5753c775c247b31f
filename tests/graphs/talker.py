"""A model that talks for a long while: ``count`` words, ``w0 w1 w2 ...``, streamed one
token at a time (for the thread-centric stream's cut-and-resume tests: every token is
one event of the ``messages`` channel)."""

from typing import TypedDict

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, StateGraph

from lgtui.examples.models import StreamingFakeModel


class State(TypedDict, total=False):
    count: int
    said: str


def talk(state: State):
    words = " ".join(f"w{i}" for i in range(state.get("count", 100)))
    model = StreamingFakeModel(messages=iter([AIMessage(words)]))
    reply = model.invoke([HumanMessage("talk")])
    return {"said": str(reply.content)[:40]}


graph = StateGraph(State).add_node(talk).add_edge(START, "talk").compile()
