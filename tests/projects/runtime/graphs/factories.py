"""Graph factories, called by the server for every run with that run's config: plain,
async, a context manager, and one taking the ServerRuntime."""

import contextlib
from typing import TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import START, StateGraph
from langgraph_sdk.runtime import ServerRuntime


class State(TypedDict, total=False):
    text: str
    out: str


def _build(style: str, tag: str):
    def render(state: State) -> State:
        text = state.get("text", "")
        return {"out": f"{tag}:{text.upper() if style == 'loud' else text.lower()}"}

    return StateGraph(State).add_node(render).add_edge(START, "render")


def make_graph(config: RunnableConfig):
    style = (config.get("configurable") or {}).get("style", "quiet")
    return _build(style, "sync").compile()


async def make_async(config: RunnableConfig):
    style = (config.get("configurable") or {}).get("style", "quiet")
    return _build(style, "async")


@contextlib.asynccontextmanager
async def make_cm(config: RunnableConfig):
    style = (config.get("configurable") or {}).get("style", "quiet")
    yield _build(style, "cm").compile()


def make_with_runtime(config: RunnableConfig, runtime: ServerRuntime):
    style = (config.get("configurable") or {}).get("style", "quiet")
    kind = type(runtime).__name__
    return _build(style, f"rt-{kind}-{runtime.access_context}").compile()
