"""User code that takes its process down, each way a graph can: sys.exit, os._exit, a
segfault; or prints, logs and raises as graphs do."""

import logging
import os
import sys
from typing import TypedDict

from langgraph.graph import START, StateGraph


class State(TypedDict, total=False):
    what: str
    done: bool


def act(state: State) -> State:
    what = state.get("what", "")
    print(f"about to {what}", flush=True)
    logging.getLogger("crashy").warning("a warning from the graph: \x1b]0;pwned\x07")
    if what == "exit":
        sys.exit(3)
    if what == "os_exit":
        os._exit(7)
    if what == "segv":
        import ctypes

        ctypes.string_at(0)
    if what == "raise":
        raise RuntimeError("boom in user code")
    return {"done": True}


graph = StateGraph(State).add_node(act).add_edge(START, "act").compile()
