"""Emits `count` custom events of about `size` bytes each (for throughput and memory tests),
`pause` seconds apart (for tests that kill the server mid-run); `quiet` seconds of silence
first (heartbeats only)."""

import time
from typing import TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import START, StateGraph


class State(TypedDict, total=False):
    count: int
    size: int
    sent: int
    pause: float
    quiet: float


def emit(state: State):
    write = get_stream_writer()
    count = state.get("count", 1000)
    pad = "x" * max(0, state.get("size", 100) - 40)
    pause = state.get("pause", 0.0)
    time.sleep(state.get("quiet", 0.0))
    for i in range(count):
        write({"i": i, "pad": pad})
        if pause:
            time.sleep(pause)
    return {"sent": count}


graph = StateGraph(State).add_node(emit).add_edge(START, "emit").compile()
