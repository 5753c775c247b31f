"""What the integration tests share: the same screens against a real `langgraph dev` and
the embedded engine alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphs.auth import TEST_API_KEY
from helpers import paths

from lgtui.sources.base import Source
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource


@pytest.fixture(params=["embedded", "remote"])
def source(request: pytest.FixtureRequest, graphs_dir) -> Iterator[Source]:
    """tests/graphs, embedded (a host of its own) and under the session's `langgraph dev`
    (a file's own ``source`` fixture takes its place there)."""
    if request.param == "embedded":
        embedded = EmbeddedSource(str(graphs_dir))
        yield embedded
        embedded.close()
    else:
        server = request.getfixturevalue("server")
        yield RemoteSource(server.url, api_key=TEST_API_KEY)


@pytest.fixture(scope="module")
def embedded() -> Iterator[EmbeddedSource]:
    """tests/projects/runtime (real graphs of the libraries users build with: a prebuilt
    ReAct agent, supervisor, swarm, deepagents...) in an engine host, for a module (a
    file's own ``embedded`` fixture takes its place there)."""
    source = EmbeddedSource(str(paths.PROJECTS / "runtime"))
    source.wait_ready()
    yield source
    source.close()
