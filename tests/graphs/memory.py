"""Long-term memory: the node remembers what the user said, in the store under
("memories", user), and counts the memories it holds (runtime.store, as a server gives it)."""

from __future__ import annotations

from typing import TypedDict

from langgraph.graph import START, StateGraph
from langgraph.runtime import Runtime


class State(TypedDict, total=False):
    user: str
    remember: str
    forget: str
    count: int


async def remember(state: State, runtime: Runtime) -> dict:
    store = runtime.store
    namespace = ("memories", state.get("user", "ada"))
    if state.get("remember"):
        key = state["remember"].split()[0].lower()
        await store.aput(namespace, key, {"text": state["remember"]})
    if state.get("forget"):
        await store.adelete(namespace, state["forget"])
    found = await store.asearch(namespace, limit=100)
    return {"count": len(found)}


graph = StateGraph(State).add_node(remember).add_edge(START, "remember").compile()
