"""A prebuilt ReAct agent: create_react_agent sets the reply's name after the model returns,
so the chat model's events show it only if they are serialized as late as the server does."""

from common.fake import ScriptedChatModel, call, say
from langchain_core.messages import BaseMessage
from langchain_core.tools import tool
from langgraph.prebuilt import create_react_agent


@tool
def lookup(city: str) -> str:
    """The weather in a city."""
    return f"It is sunny in {city}."


def _script(messages: list[BaseMessage]):
    if not any(m.type == "tool" for m in messages):
        return call("lookup", {"city": "Paris"}, "call_lookup")
    return say("It is sunny in Paris.")


graph = create_react_agent(ScriptedChatModel(script=_script), [lookup], name="weather_agent")
