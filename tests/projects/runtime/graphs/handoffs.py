"""Multi-agent handoffs from the libraries users build them with (langgraph-supervisor,
langgraph-swarm), with scripted models: every handoff ends a task with
Command(graph=Command.PARENT)."""

from common.fake import ScriptedChatModel, call, say
from langchain_core.messages import BaseMessage
from langchain_core.tools import tool
from langgraph.prebuilt import create_react_agent
from langgraph_supervisor import create_supervisor
from langgraph_swarm import create_handoff_tool, create_swarm


@tool
def web_search(query: str) -> str:
    """Search the web."""
    return f"3 results for {query!r}: LangGraph streams events over SSE."


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def _has_tool_result(messages: list[BaseMessage], name: str) -> bool:
    return any(m.type == "tool" and m.name == name for m in messages)


def _supervisor_script(messages: list[BaseMessage]):
    if not _has_tool_result(messages, "transfer_to_research_expert"):
        return call("transfer_to_research_expert", {}, "call_to_research")
    if not _has_tool_result(messages, "transfer_to_math_expert"):
        return call("transfer_to_math_expert", {}, "call_to_math")
    return say("Research says LangGraph streams over SSE, and 2 plus 3 is 5.")


def _research_script(messages: list[BaseMessage]):
    if not _has_tool_result(messages, "web_search"):
        return call("web_search", {"query": "langgraph streaming"}, "call_search")
    return say("LangGraph streams events over SSE.")


def _math_script(messages: list[BaseMessage]):
    if not _has_tool_result(messages, "add"):
        return call("add", {"a": 2, "b": 3}, "call_add")
    return say("2 plus 3 is 5.")


research_agent = create_react_agent(
    ScriptedChatModel(script=_research_script), [web_search], name="research_expert"
)
math_agent = create_react_agent(ScriptedChatModel(script=_math_script), [add], name="math_expert")

supervisor = create_supervisor(
    [research_agent, math_agent],
    model=ScriptedChatModel(script=_supervisor_script),
    prompt="You manage a research expert and a math expert.",
).compile()


def _alice_script(messages: list[BaseMessage]):
    if not _has_tool_result(messages, "transfer_to_bob"):
        return call("transfer_to_bob", {}, "call_to_bob")
    return say("Alice here again: Bob answered you.")


def _bob_script(messages: list[BaseMessage]):
    if not _has_tool_result(messages, "add"):
        return call("add", {"a": 40, "b": 2}, "call_bob_add")
    return say("Bob here: 40 plus 2 is 42.")


alice = create_react_agent(
    ScriptedChatModel(script=_alice_script),
    [create_handoff_tool(agent_name="bob", description="Transfer to Bob, who adds numbers")],
    name="alice",
)
bob = create_react_agent(
    ScriptedChatModel(script=_bob_script),
    [add, create_handoff_tool(agent_name="alice", description="Transfer back to Alice")],
    name="bob",
)
swarm = create_swarm([alice, bob], default_active_agent="alice").compile()
