"""Multi-agent runs from the libraries users build them with (langgraph-supervisor,
langgraph-swarm, deepagents), embedded and under a real `langgraph dev`, on the run stream
and the thread-centric one: each agent in the tree, under what started it; every tool
call; a deep agent's todos and files; and the thread-centric stream the same embedded as
on the server for every graph of tests/projects/runtime."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.normalize import norm_envelopes

from lgtui.session import Session
from lgtui.sources.base import RunHandle, RunRequest
from lgtui.sources.remote import RemoteSource
from lgtui.workspace import diff_lines, file_change, workspace_at

CHAT = {"messages": [{"role": "user", "content": "research langgraph, then add 2 and 3"}]}
REPORT = {"messages": [{"role": "user", "content": "write a report on streaming"}]}


@pytest.fixture(params=["embedded", "server"])
def project(request, embedded):
    if request.param == "embedded":
        yield embedded
        return
    remote = RemoteSource(request.getfixturevalue("runtime_server").url)
    yield remote


async def run(source, graph: str, inp: Any, protocol: str) -> Session:
    request = RunRequest(graph, inp, subgraphs=True, protocol=protocol)
    handle = RunHandle()
    session = Session(assistant=graph)
    async for event in source.stream_run(request, handle):
        session.append(event)
    session.finish(handle.final_status)
    if isinstance(source, RemoteSource):
        await source.aclose()
    return session


def tree(session: Session) -> list[tuple[int, str, str]]:
    return [(depth, a.name, a.status) for depth, a in session.agents.tree()]


@pytest.mark.parametrize("protocol", ["v1", "v2"])
async def test_a_supervisor_and_its_agents(project, protocol):
    session = await run(project, "supervisor", CHAT, protocol)
    assert session.status == "success"
    # the supervisor's own agent runs three turns; each expert is handed off to
    assert tree(session) == [
        (0, "supervisor", "completed"),
        (1, "supervisor", "completed"),
        (1, "research_expert", "completed"),
        (1, "supervisor", "completed"),
        (1, "math_expert", "completed"),
        (1, "supervisor", "completed"),
    ]
    experts = [a for _, a in session.agents.tree() if a.name.endswith("_expert")]
    assert [a.tool_call_id for a in experts] == ["call_to_research", "call_to_math"]
    calls = {c.name: c for c in session.tools.snapshot()}
    assert {"transfer_to_research_expert", "web_search", "transfer_to_math_expert", "add"} <= set(
        calls
    )
    research = experts[0]
    assert calls["web_search"].ns == research.ns  # the tool ran in the agent that called it
    assert calls["add"].output_text() == "5"
    usage = [m.usage for m in session.messages.values() if m.ns == research.ns and m.usage]
    assert usage  # its own model's tokens


@pytest.mark.parametrize("protocol", ["v1", "v2"])
async def test_a_swarm_hands_off_between_agents(project, protocol):
    session = await run(project, "swarm", CHAT, protocol)
    names = [name for _, name, _ in tree(session)]
    assert names[0] == "swarm" and {"alice", "bob"} <= set(names[1:])
    assert all(status == "completed" for _, _, status in tree(session))
    bob = next(a for _, a in session.agents.tree() if a.name == "bob")
    assert bob.tool_call_id == "call_to_bob"  # alice's handoff


@pytest.mark.parametrize("protocol", ["v1", "v2"])
async def test_a_deep_agents_subagent_todos_and_files(project, protocol):
    session = await run(project, "deep", REPORT, protocol)
    assert session.status == "success"
    (_, sub) = session.agents.tree()
    assert sub[0] == 1 and sub[1].name == "general-purpose"
    assert sub[1].tool_call_id == "call_task"  # started by the task tool's call
    calls = [c.name for c in session.tools.snapshot()]
    assert calls.count("write_todos") == 2 and "task" in calls and "edit_file" in calls
    sub_call = next(c for c in session.tools.snapshot() if c.ns == sub[1].ns)
    assert sub_call.name == "write_file" and sub_call.args["file_path"] == "/sources.md"
    _, todos, files = workspace_at(session, session.count - 1)
    assert [(t.content, t.status) for t in todos] == [
        ("research streaming", "completed"),
        ("write the report", "completed"),
    ]
    assert sorted(files) == ["/report.md", "/sources.md"]
    assert files["/report.md"].text == "# Report\n\nLangGraph streams over SSE.\n"
    changed_at, before = file_change(session, "/report.md", session.count - 1)
    assert before == "# Report\n\nLangGraph streams over HTTP.\n" and changed_at is not None
    assert ("-", "LangGraph streams over HTTP.") in diff_lines(before, files["/report.md"].text)
    # as of before the edit, the file said HTTP
    _, _, earlier = workspace_at(session, changed_at - 1)
    assert "over HTTP" in earlier["/report.md"].text


RUNTIME_GRAPHS = [
    ("context", {"question": "why?"}, {"context": {"user_name": "Ada"}}),
    ("memory", {"user": "u1", "fact": "cats like cat food"}, {}),
    ("deps", {"name": "ada lovelace"}, {}),
    ("factory", {"text": "Hi"}, {"config": {"configurable": {"style": "loud"}}}),
    ("factory_cm", {"text": "Hi"}, {}),
    ("io", {"question": "life"}, {}),
    ("mutation", {}, {}),
    ("supervisor", CHAT, {}),
    ("swarm", CHAT, {}),
    ("react", {"messages": [{"role": "user", "content": "weather in Paris?"}]}, {}),
    ("deep", REPORT, {}),
    ("approval", {}, {}),  # an interrupt inside a subgraph
]


@pytest.mark.parametrize(
    ("graph", "inp", "extra"), RUNTIME_GRAPHS, ids=[g for g, _, _ in RUNTIME_GRAPHS]
)
async def test_the_thread_centric_stream_is_the_same_embedded(
    runtime_server, embedded, graph, inp, extra
):
    async def envelopes(source) -> list[dict]:
        handle = RunHandle()
        request = RunRequest(graph, inp, protocol="v2", **extra)
        out = [e.envelope async for e in source.stream_run(request, handle)]
        return out

    remote = RemoteSource(runtime_server.url)
    try:
        server = await envelopes(remote)
    finally:
        await remote.aclose()
    local = await envelopes(embedded)
    assert server[0]["params"]["data"]["event"] == "running"
    assert racy_ids_out(norm_envelopes(local)) == racy_ids_out(norm_envelopes(server))


def racy_ids_out(envelopes: list[dict]) -> list[dict]:
    """A tool's answer goes out on the tools channel as the ToolMessage object the tool
    returned, serialized when the stream takes it: the state's reducer gives it an id in
    place, before or after that, from run to run on the server too (and embedded). The
    messages channel names that message by its id, or by ``tool-<call id>`` before it has
    one, with the same race."""
    for envelope in envelopes:
        data = envelope["params"].get("data")
        if (
            isinstance(data, dict)
            and data.get("event") == "message-start"
            and data.get("role") == "tool"
            and data.get("id") in ("<id>", f"tool-{data.get('tool_call_id')}")
        ):
            data["id"] = "<its id, or tool-<call id> before it has one>"
        if isinstance(data, dict) and data.get("event") == "tool-finished":
            output = data.get("output")
            if isinstance(output, dict) and output.get("id") in (None, "<id>"):
                output["id"] = "<set in place, when the stream takes it or after>"
    return envelopes
