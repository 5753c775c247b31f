"""langgraph.json's dependencies and env: a local package (./vendor), a project-level
module (common/, on the path because the project folder is), and a .env variable."""

import os
from typing import TypedDict

from common.text import title
from langgraph.graph import START, StateGraph
from lgtui_vendor_helpers import shout

GREETING_AT_IMPORT = os.environ.get("LGTUI_GREETING", "(unset)")


class State(TypedDict, total=False):
    name: str
    out: str
    module: str


def greet(state: State) -> State:
    now = os.environ.get("LGTUI_GREETING", "(unset)")
    return {
        "out": f"{shout(title(state.get('name', 'x')))} {GREETING_AT_IMPORT} / {now}",
        "module": __name__,  # the module name the server gives a graph file
    }


graph = StateGraph(State).add_node(greet).add_edge(START, "greet").compile()
