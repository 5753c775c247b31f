"""A small research agent to try lgtui on, with no server, no keys and no network.

plan -> research (a subgraph: a model asks for a search tool, the tool answers)
     -> write (a model streams the answer token by token).
The chat models are langchain's fakes, so every run streams the same thing.
"""

from __future__ import annotations

import time
from typing import Annotated, TypedDict

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime

from lgtui.examples.models import StreamingFakeModel

ANSWER = (
    "LangGraph streams every step of a run: node updates, full state values, "
    "checkpoints, task starts and results, and LLM tokens as they arrive. "
    "lgtui shows each stream mode in its own tab, so you can watch a graph think."
)


class State(TypedDict, total=False):
    topic: str
    plan: list[str]
    messages: Annotated[list[AnyMessage], add_messages]
    notes: str
    answer: str


@tool
def search(query: str) -> str:
    """Search the (pretend) web."""
    return f"3 results for {query!r}: the streaming docs, a blog post, a talk."


def plan(state: State):
    write = get_stream_writer()
    steps = ["search the docs", "read the results", "write a summary"]
    for i, step in enumerate(steps, 1):
        write({"step": i, "of": len(steps), "doing": step})
        time.sleep(0.15)
    return {
        "plan": steps,
        "messages": [HumanMessage(f"Research: {state.get('topic', 'LangGraph')}")],
    }


def ask_model(state: State):
    if any(m.type == "tool" for m in state["messages"]):
        reply = AIMessage("Found what I need.")
    else:
        reply = AIMessage(
            "",
            tool_calls=[
                {"name": "search", "args": {"query": "langgraph streaming"}, "id": "call_search_1"}
            ],
        )
    time.sleep(0.2)
    return {"messages": [FakeMessagesListChatModel(responses=[reply]).invoke(state["messages"])]}


def route(state: State):
    return "search" if getattr(state["messages"][-1], "tool_calls", None) else END


research = (
    StateGraph(State)
    .add_node("ask_model", ask_model)
    .add_node("search", ToolNode([search]))
    .add_edge(START, "ask_model")
    .add_conditional_edges("ask_model", route, ["search", END])
    .add_edge("search", "ask_model")
    .compile()
)


def write(state: State, runtime: Runtime):
    # streams word by word at a model's pace, so it is watchable; reports token usage
    model = StreamingFakeModel(messages=iter([AIMessage(ANSWER)]), pause=0.03)
    reply = model.invoke(state["messages"])
    if runtime.store is not None:  # long-term memory: what was researched (m shows it)
        topic = state.get("topic", "LangGraph")
        key = "".join(c if c.isalnum() else "-" for c in topic.lower())[:60] or "topic"
        runtime.store.put(("research", "topics"), key, {"topic": topic, "summary": ANSWER})
    return {"answer": reply.content, "messages": [reply]}


graph = (
    StateGraph(State)
    .add_node("plan", plan)
    .add_node("research", research)
    .add_node("write", write)
    .add_edge(START, "plan")
    .add_edge("plan", "research")
    .add_edge("research", "write")
    .add_edge("write", END)
    .compile()
)
