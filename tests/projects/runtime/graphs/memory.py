"""The Store: runtime.store and an injected ``store`` argument, with langgraph.json's index
(semantic search through ./embeddings.py:embed)."""

from typing import TypedDict

from langgraph.graph import START, StateGraph
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore


class State(TypedDict, total=False):
    user: str
    fact: str
    recalled: list[str]
    count: int


async def remember(state: State, runtime: Runtime) -> State:
    ns = ("memories", state.get("user", "anon"))
    await runtime.store.aput(ns, "fact-1", {"text": state.get("fact", "")})
    await runtime.store.aput(ns, "fact-2", {"text": "tax forms are due in april"})
    return {}


async def recall(state: State, *, store: BaseStore) -> State:
    ns = ("memories", state.get("user", "anon"))
    hits = await store.asearch(ns, query="cat food", limit=2)
    items = await store.asearch(ns)
    return {"recalled": [h.value["text"] for h in hits], "count": len(items)}


graph = (
    StateGraph(State)
    .add_node(remember)
    .add_node(recall)
    .add_edge(START, "remember")
    .add_edge("remember", "recall")
    .compile()
)
