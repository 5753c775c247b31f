"""Assistants through both sources, by the server's rules: a real `langgraph dev` and the
embedded engine answer the same calls the same way (create, a new version per edit, the
live version, delete, schemas), and a run of an assistant gets that assistant's context."""

from __future__ import annotations

import uuid

import pytest
from graphs.auth import TEST_API_KEY

from lgtui.errors import LgtuiError
from lgtui.runs import RunController
from lgtui.sources.base import AssistantSource, RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource

SHAPE = ("assistant_id", "graph_id", "name", "config", "context", "metadata", "version")


@pytest.fixture(params=["embedded", "remote"])
def controller(request, graphs_dir):
    if request.param == "embedded":
        source = EmbeddedSource(str(graphs_dir))
    else:
        server = request.getfixturevalue("server")
        source = RemoteSource(server.url, api_key=TEST_API_KEY)
    controller = RunController(source)
    yield controller
    controller.close()


class Collect:
    """A run's events, kept (the sink `lgtui stream` would print them to)."""

    def __init__(self) -> None:
        self.events = []

    def take(self, event, handle) -> None:
        self.events.append(event)

    def finish(self, status, detail, handle, *, whole=False) -> str:
        return status or "success"


async def answer_of(controller, request: RunRequest) -> str:
    sink = Collect()
    end = await controller.run(request, sink)
    assert end.status == "success", end.detail
    values = [e.data for e in sink.events if e.mode == "values"]
    return values[-1]["answer"]


async def test_create_edit_versions_live_and_delete(controller):
    source = controller.source
    assert isinstance(source, AssistantSource)
    name = f"terse-{uuid.uuid4().hex[:6]}"
    made = await controller.call(
        source.create_assistant(
            "persona", name=name, context={"name": "Bo"}, metadata={"team": "qa"}
        )
    )
    assert all(k in made for k in SHAPE)
    assert (made["name"], made["version"], made["context"]) == (name, 1, {"name": "Bo"})
    # config and context are kept in step, as the server keeps them
    assert made["config"]["configurable"] == {"name": "Bo"}
    listed = await controller.call(source.list_assistants())
    assert made["assistant_id"] in [a["assistant_id"] for a in listed]

    edited = await controller.call(
        source.update_assistant(
            made["assistant_id"], context={"name": "Cy", "style": "long"}, metadata={"v": 2}
        )
    )
    assert edited["version"] == 2
    assert edited["metadata"] == {"team": "qa", "v": 2}  # merged
    versions = await controller.call(source.assistant_versions(made["assistant_id"]))
    assert [v["version"] for v in versions] == [2, 1]  # newest first
    assert versions[1]["context"] == {"name": "Bo"}

    live = await controller.call(source.set_latest_version(made["assistant_id"], 1))
    assert live["version"] == 1 and live["config"]["configurable"] == {"name": "Bo"}
    again = await controller.call(source.get_assistant(made["assistant_id"]))
    assert again["version"] == 1 and again["metadata"] == {"team": "qa"}

    with pytest.raises(LgtuiError, match="404"):
        await controller.call(source.set_latest_version(made["assistant_id"], 9))
    with pytest.raises(LgtuiError, match=r"(?i)both configurable and context"):
        await controller.call(
            source.create_assistant(
                "persona", config={"configurable": {"a": 1}}, context={"name": "x"}
            )
        )

    await controller.call(source.delete_assistant(made["assistant_id"]))
    listed = await controller.call(source.list_assistants())
    assert made["assistant_id"] not in [a["assistant_id"] for a in listed]
    with pytest.raises(LgtuiError, match="404"):
        await controller.call(source.get_assistant(made["assistant_id"]))


async def test_a_run_of_an_assistant_gets_its_context(controller):
    source = controller.source
    made = await controller.call(
        source.create_assistant("persona", name="bo", context={"name": "Bo", "style": "long"})
    )
    try:
        answer = await answer_of(
            controller,
            RunRequest(made["assistant_id"], {"question": "why?"}, stream_mode=["values"]),
        )
        assert answer == "Bo (long, calm) answers 'why?'"
        # the run's own context goes over the assistant's
        answer = await answer_of(
            controller,
            RunRequest(
                made["assistant_id"],
                {"question": "how?", "mood": "angry"},
                stream_mode=["values"],
                context={"name": "Di"},
            ),
        )
        assert answer == "Di (long, angry) answers 'how?'"
        # the graph's own assistant keeps the schema's defaults
        answer = await answer_of(
            controller, RunRequest("persona", {"question": "who?"}, stream_mode=["values"])
        )
        assert answer == "Ada (short, calm) answers 'who?'"
    finally:
        await controller.call(source.delete_assistant(made["assistant_id"]))


async def test_schemas_are_the_servers(controller):
    schemas = await controller.call(controller.source.get_schemas("persona"))
    assert schemas["graph_id"] == "persona"
    ask = schemas["input_schema"]
    assert ask["required"] == ["question"]
    assert ask["properties"]["mood"]["enum"] == ["calm", "curious", "angry"]
    assert ask["properties"]["times"]["default"] == 1
    assert set(schemas["state_schema"]["properties"]) >= {"question", "answer", "tags"}
    assert schemas["output_schema"]["properties"]["answer"]["type"] == "string"
    context = schemas["context_schema"]
    assert context["properties"]["style"]["enum"] == ["short", "long"]
    assert context["properties"]["name"]["default"] == "Ada"
