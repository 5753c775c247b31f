"""A chat agent for the Chat screen: a question about the weather makes the model call a
tool first (the tool answers, then the model); any other message is answered with what
it said.  Answers stream word by word with their token usage (lgtui's fake model);
"slowly" in the message makes the answer stream for a long while (a run still
streaming, for tests)."""

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from lgtui.examples.models import StreamingFakeModel


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"forecast for {city}: sunny, 21°C"


def call_model(state: MessagesState):
    messages = state["messages"]
    last = messages[-1]
    asked = next((str(m.content) for m in reversed(messages) if m.type == "human"), "")
    if last.type == "human" and "weather" in asked.lower():
        reply = AIMessage(
            "",
            tool_calls=[
                {"name": "get_weather", "args": {"city": "Paris"}, "id": f"call_{len(messages)}"}
            ],
            usage_metadata={"input_tokens": 12, "output_tokens": 7, "total_tokens": 19},
        )
        return {"messages": [FakeMessagesListChatModel(responses=[reply]).invoke(messages)]}
    if last.type == "tool":
        answer, pause = "It is sunny in Paris today.", 0.01
    elif "slowly" in asked.lower():
        answer, pause = f"You said: {asked} " + "and so on " * 40, 0.2
    else:
        answer, pause = f"You said: {asked}", 0.01
    model = StreamingFakeModel(messages=iter([AIMessage(answer)]), pause=pause)
    return {"messages": [model.invoke(messages)]}


def route(state: MessagesState):
    return "tools" if getattr(state["messages"][-1], "tool_calls", None) else END


graph = (
    StateGraph(MessagesState)
    .add_node("model", call_model)
    .add_node("tools", ToolNode([get_weather]))
    .add_edge(START, "model")
    .add_conditional_edges("model", route, ["tools", END])
    .add_edge("tools", "model")
    .compile()
)
