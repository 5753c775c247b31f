"""A support desk: classify a request, then answer it -- opening a refund first when the
request asks for one.  The path depends on the input, so two runs make a good
`lgtui diff` (recordings/triage-question.msgpack and triage-refund.msgpack).  The model
is a fake that streams word by word and reports token usage."""

from typing import Annotated, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

from lgtui.examples.models import StreamingFakeModel


class State(TypedDict, total=False):
    request: str
    category: str
    ticket: str
    messages: Annotated[list[AnyMessage], add_messages]


def classify(state: State):
    request = state.get("request", "")
    category = "refund" if "refund" in request.lower() else "question"
    get_stream_writer()({"category": category})
    return {"category": category, "messages": [HumanMessage(request)]}


def route(state: State):
    return "open_refund" if state["category"] == "refund" else "answer"


def open_refund(state: State):
    get_stream_writer()({"ticket": "RF-1001", "status": "opened"})
    return {"ticket": "RF-1001"}


def answer(state: State):
    if state.get("ticket"):
        text = f"I opened refund ticket {state['ticket']}; the money is back within 5 days."
    else:
        text = "Our opening hours are 9 to 17, Monday to Friday."
    model = StreamingFakeModel(messages=iter([AIMessage(text)]))
    return {"messages": [model.invoke(state["messages"])]}


graph = (
    StateGraph(State)
    .add_node(classify)
    .add_node(open_refund)
    .add_node(answer)
    .add_edge(START, "classify")
    .add_conditional_edges("classify", route, ["open_refund", "answer"])
    .add_edge("open_refund", "answer")
    .add_edge("answer", END)
    .compile()
)
