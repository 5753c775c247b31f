"""The streaming docs' joke graph: refine_topic -> generate_joke (a fake chat model that streams)."""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    topic: str
    joke: str


def refine_topic(state: State):
    get_stream_writer()({"progress": "refining"})
    return {"topic": state["topic"] + " and cats"}


def generate_joke(state: State):
    model = GenericFakeChatModel(
        messages=iter([AIMessage(content="why did the cat sit on the ice cream? to be cool")])
    )
    reply = model.invoke(f"tell me a joke about {state['topic']}")
    get_stream_writer()({"progress": "done", "chars": len(reply.content)})
    return {"joke": reply.content}


graph = (
    StateGraph(State)
    .add_node(refine_topic)
    .add_node(generate_joke)
    .add_edge(START, "refine_topic")
    .add_edge("refine_topic", "generate_joke")
    .add_edge("generate_joke", END)
    .compile()
)
