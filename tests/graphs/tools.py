"""A tool-calling agent: the model asks for a tool, the tool answers, the model streams a reply."""

from langchain_core.language_models.fake_chat_models import (
    FakeMessagesListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"It is sunny in {city}, 21°C."


def call_model(state: MessagesState):
    if any(m.type == "tool" for m in state["messages"]):
        model = GenericFakeChatModel(
            messages=iter([AIMessage(content="It is sunny in Paris today, 21 degrees.")])
        )
    else:
        model = FakeMessagesListChatModel(
            responses=[
                AIMessage(
                    content="",
                    tool_calls=[
                        {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_weather_1"}
                    ],
                )
            ]
        )
    return {"messages": [model.invoke(state["messages"])]}


def route(state: MessagesState):
    last = state["messages"][-1]
    return "tools" if getattr(last, "tool_calls", None) else END


graph = (
    StateGraph(MessagesState)
    .add_node("model", call_model)
    .add_node("tools", ToolNode([get_weather]))
    .add_edge(START, "model")
    .add_conditional_edges("model", route, ["tools", END])
    .add_edge("tools", "model")
    .compile()
)
