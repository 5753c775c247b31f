"""A deep agent (PyPI deepagents' ``create_deep_agent``) with a scripted model: it plans
(``write_todos``), writes and edits a file of its virtual filesystem, and hands research to
a subagent through the ``task`` tool; the subagent writes a file of its own."""

from common.fake import ScriptedChatModel, call, say
from deepagents import create_deep_agent
from langchain.agents.middleware import TodoListMiddleware
from langchain_core.messages import BaseMessage


def _done(messages: list[BaseMessage], name: str) -> int:
    return sum(1 for m in messages if m.type == "tool" and m.name == name)


def _script(messages: list[BaseMessage]):
    first = next((str(m.content) for m in messages if m.type == "human"), "")
    if first.startswith("Find out"):  # the subagent's own conversation
        if not _done(messages, "write_file"):
            return call(
                "write_file",
                {"file_path": "/sources.md", "content": "- the streaming docs\n- a blog post\n"},
                "call_sub_write",
            )
        return say("LangGraph streams events over SSE; sources in /sources.md.")
    if not _done(messages, "write_todos"):
        todos = [
            {"content": "research streaming", "status": "in_progress"},
            {"content": "write the report", "status": "pending"},
        ]
        return call("write_todos", {"todos": todos}, "call_plan")
    if not _done(messages, "task"):
        return call(
            "task",
            {
                "description": "Find out how LangGraph streams events",
                "subagent_type": "general-purpose",
            },
            "call_task",
        )
    if not _done(messages, "write_file"):
        return call(
            "write_file",
            {"file_path": "/report.md", "content": "# Report\n\nLangGraph streams over HTTP.\n"},
            "call_write",
        )
    if not _done(messages, "edit_file"):
        return call(
            "edit_file",
            {"file_path": "/report.md", "old_string": "over HTTP", "new_string": "over SSE"},
            "call_edit",
        )
    if _done(messages, "write_todos") < 2:
        todos = [
            {"content": "research streaming", "status": "completed"},
            {"content": "write the report", "status": "completed"},
        ]
        return call("write_todos", {"todos": todos}, "call_plan_done")
    return say("Done: the report is in /report.md.")


graph = create_deep_agent(
    model=ScriptedChatModel(script=_script), middleware=[TodoListMiddleware()], name="deep"
)
