"""A react agent (langgraph's prebuilt) whose model and tool answer from the world
outside: the environment variable WORLD. Live calls change with it; a re-run answered
from a recording does not. PROMPT changes the system prompt (the user editing the code)."""

import os
import random

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from langgraph.prebuilt import create_react_agent


def _world() -> str:
    return os.environ.get("WORLD", "a")


@tool
def lookup(city: str) -> str:
    """What the world says of a city."""
    return f"{city} in world {_world()}: {random.randint(0, 10**6)}"


class WorldModel(FakeMessagesListChatModel):
    def bind_tools(self, tools, **kwargs):
        return self


def _model() -> WorldModel:
    world = _world()
    return WorldModel(
        responses=(
            [
                AIMessage(
                    content="Let me look.",
                    tool_calls=[
                        {
                            "name": "lookup",
                            "args": {"city": f"Paris-{world}"},
                            "id": f"call-{world}",
                        }
                    ],
                ),
                AIMessage(content=f"In world {world}, Paris is fine ({random.random():.6f})."),
            ]
        )
    )


def make_graph():
    """A factory: a new model each run, as a real project builds one per request."""
    return create_react_agent(
        _model(), [lookup], prompt=os.environ.get("PROMPT", "You answer about cities.")
    )
