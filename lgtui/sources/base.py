"""What every source offers, and the errors it raises.

A source runs graphs and answers questions about assistants and threads, with the
server's field names.  `remote` talks to a LangGraph API server, `embedded` runs the
graph in an engine host process of its own.  Both yield the same `StreamEvent`s; every
error is an `LgtuiError` (lgtui/errors.py) with the exit status it stands for.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from lgtui.breakpoints import Breakpoint, QueryError, parse_all
from lgtui.errors import EXIT_UNREACHABLE, EXIT_USAGE, LgtuiError
from lgtui.events import DEFAULT_STREAM_MODES, StreamEvent

NEW_THREAD = "new"
_SECRET_KEY = re.compile(
    r"(api[_-]?key|token|secret|passw(or)?d|authorization|credential|private[_-]?key)", re.I
)


def redact_secrets(value: Any, depth: int = 0) -> Any:
    """``value`` with the values of secret-looking keys (``*api_key*``, ``*token*``,
    ``*secret*``, ``*password*``, ...) replaced, for captures and screens."""
    if depth > 50:
        return None
    if isinstance(value, dict):
        return {
            k: "***"
            if isinstance(k, str) and _SECRET_KEY.search(k) and v
            else redact_secrets(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_secrets(v, depth + 1) for v in value]
    return value


class SourceError(LgtuiError):
    """A source could not do what was asked: unreachable, an HTTP error (exit 3)."""

    exit_code = EXIT_UNREACHABLE


class ConnectError(SourceError):
    """The server could not be reached."""


class HTTPStatusError(SourceError):
    """The server answered with an HTTP error status."""

    def __init__(self, status: int, detail: str, method: str, path: str) -> None:
        self.status = status
        self.detail = detail
        hint = {
            401: " (check --api-key / LANGGRAPH_API_KEY)",
            403: " (the API key is not allowed to do this)",
        }.get(status, "")
        super().__init__(f"HTTP {status} from {method} {path}: {detail}{hint}")


class LoadError(SourceError):
    """A graph file or langgraph.json could not be loaded (bad input: exit 2)."""

    exit_code = EXIT_USAGE


class UsageError(SourceError):
    """A request that cannot be made as given (bad input: exit 2)."""

    exit_code = EXIT_USAGE


@dataclass
class RunRequest:
    """One run to stream.

    thread_id: an existing thread's id, ``"new"`` to create one first, or None for a
    stateless run (no thread kept).
    """

    assistant: str
    input: Any = None
    stream_mode: list[str] = field(default_factory=lambda: list(DEFAULT_STREAM_MODES))
    subgraphs: bool = False
    thread_id: str | None = NEW_THREAD
    command: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    checkpoint_id: str | None = None
    interrupt_before: list[str] | None = None
    interrupt_after: list[str] | None = None
    watch: bool = False  # follow every run on ``thread_id`` (GET /threads/{id}/stream)
    # The stream to ask for: "v1" the run stream (stream_mode), "v2" the thread-centric
    # one (channels, namespaces, depth; lgtui/v2.py), "auto" v2 where the source has it
    # and the run asks for nothing only the run stream gives.
    protocol: str = "auto"
    channels: list[str] | None = None  # v2 channels (None: every one)
    namespaces: list[list[str]] | None = None  # v2: only these namespaces (prefixes)
    depth: int | None = None  # v2: how deep below them
    # A re-run from a recording (embedded only): the recorded model and tool calls that
    # answer calls with the same input (lgtui/host/calls.py); offline: no call goes live.
    answers: list[dict[str, Any]] | None = None
    offline: bool = False
    # Agent breakpoints (lgtui/breakpoints.py): an embedded run pauses at them in its
    # host; a server stops at before:/after: ones, and the view at the rest.
    breakpoints: list[str] | None = None

    def describe(self) -> dict[str, Any]:
        """The request parameters, as recorded in captures and shown to the user."""
        return {
            "assistant": self.assistant,
            "input": self.input,
            "command": self.command,
            "stream_mode": list(self.stream_mode),
            "subgraphs": self.subgraphs,
            "thread_id": self.thread_id,
            **({"config": redact_secrets(self.config)} if self.config else {}),
            **({"context": redact_secrets(self.context)} if self.context else {}),
            **({"watch": True} if self.watch else {}),
            **({"protocol": self.protocol} if self.protocol != "auto" else {}),
            **({"channels": list(self.channels)} if self.channels else {}),
            **({"namespaces": self.namespaces} if self.namespaces else {}),
            **({"depth": self.depth} if self.depth is not None else {}),
            **({"breakpoints": list(self.breakpoints)} if self.breakpoints else {}),
        }

    def v2_refusal(self) -> str | None:
        """Why the thread-centric stream cannot serve this run (None when it can)."""
        if self.watch:
            return "watch a thread"
        if not self.thread_id:
            return "run without a thread (it is thread-centric)"
        if self.interrupt_before or self.interrupt_after:
            return "stop at breakpoints (interrupt_before/after)"
        if "events" in self.stream_mode:
            return "stream events mode"
        if self.command is not None and "resume" not in self.command:
            return "send a command other than a resume"
        return None


class RunHandle:
    """What a started stream tells its consumer as it learns it."""

    def __init__(self) -> None:
        self.thread_id: str | None = None
        self.run_id: str | None = None
        self.final_status: str | None = None  # set by the source when it knows better
        # An embedded run's error: Python's traceback, the node it was raised in and the
        # innermost line of the user's own code (``graph.py:31``).
        self.traceback: str | None = None
        self.error_node: str | None = None
        self.error_where: str | None = None
        self.cancel_requested = False  # the user asked to stop the run
        # Records that are not events (an embedded run's model and tool calls), for the
        # capture; and how many calls a re-run answered from its recording and made live.
        self.on_record: Callable[[dict[str, Any]], None] | None = None
        self.calls: dict[str, Any] | None = None
        # A pause at a breakpoint (where, why, the state there), as the source learns it;
        # a source that can pause a run has ``resume_run``.
        self.on_pause: Callable[[dict[str, Any]], None] | None = None
        self.cut_events = 0  # events over the size limit, dropped as they came
        self.rejoins = 0  # times a dropped stream was rejoined with Last-Event-ID
        # The connection, for the status bar: "connected" or "reconnecting" (with why).
        self.link = "connected"
        self.link_detail = ""
        # When bytes last came from the server (heartbeats included); None when the run
        # does not stream over a network (embedded runs never stall).
        self.last_data: float | None = None
        self.stall_after = 20.0

    def stalled_for(self, now: float | None = None) -> float:
        """Seconds without a byte from the server, once that exceeds ``stall_after``; else 0."""
        if self.last_data is None or self.link != "connected":
            return 0.0
        quiet = (time.monotonic() if now is None else now) - self.last_data
        return quiet if quiet >= self.stall_after else 0.0


class Source(Protocol):
    """What every source offers: its assistants and their graphs, and runs -- started,
    streamed, cancelled.  `remote.RemoteSource` (a LangGraph API server) and
    `embedded.EmbeddedSource` (the user's project in an engine host) are the two."""

    kind: str  # "remote" | "embedded"
    target: str  # URL or path, for display and captures

    @property
    def warnings(self) -> Sequence[str]:
        """What connecting or loading noticed and did not stop for (a missing .env, ...)."""
        ...

    async def list_assistants(self) -> list[dict[str, Any]]: ...

    async def get_graph(self, assistant: str, *, xray: bool = True) -> dict[str, Any]: ...

    def stream_run(self, request: RunRequest, handle: RunHandle) -> AsyncIterator[StreamEvent]: ...

    async def cancel_run(self, thread_id: str | None, run_id: str) -> None: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class ThreadSource(Source, Protocol):
    """A source that keeps threads: their list, state and checkpoint history, and time
    travel (a state update forks a thread).  Screens that need it ask for it
    (``isinstance(source, ThreadSource)``) and say so when a source lacks it."""

    async def create_thread(self) -> dict[str, Any]: ...

    async def get_thread(self, thread_id: str) -> dict[str, Any]: ...

    async def search_threads(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]: ...

    async def get_state(
        self, thread_id: str, checkpoint_id: str | None = None, *, subgraphs: bool = False
    ) -> dict[str, Any]: ...

    async def get_history(
        self, thread_id: str, *, limit: int = 100, before: str | None = None
    ) -> list[dict[str, Any]]: ...

    async def update_state(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> dict[str, Any]: ...

    async def copy_thread(self, thread_id: str) -> dict[str, Any]: ...

    async def delete_thread(self, thread_id: str) -> None: ...

    async def state_keys(self, assistant: str) -> list[str] | None: ...

    async def list_runs(
        self, thread_id: str, *, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """The thread's runs, newest first (``GET /threads/{id}/runs``)."""
        ...


@runtime_checkable
class StoreSource(Source, Protocol):
    """A source with a store (long-term memory across threads): the server's `/store/*`
    routes, or the embedded graphs' own store.  Items are dicts with the API's fields:
    namespace (a list of labels), key, value (a JSON object), created_at, updated_at,
    and score for a semantic search."""

    async def search_items(
        self,
        namespace_prefix: Sequence[str],
        *,
        filter: dict[str, Any] | None = None,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[dict[str, Any]]: ...

    async def list_namespaces(
        self,
        *,
        prefix: Sequence[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[list[str]]: ...

    async def get_item(self, namespace: Sequence[str], key: str) -> dict[str, Any] | None: ...

    async def put_item(
        self, namespace: Sequence[str], key: str, value: dict[str, Any], ttl: float | None = None
    ) -> None:
        """``ttl``: minutes until the item expires (a store without TTLs keeps it)."""
        ...

    async def delete_item(self, namespace: Sequence[str], key: str) -> None: ...


@runtime_checkable
class AssistantSource(Source, Protocol):
    """A source whose assistants can be made and changed (``/assistants``: create, patch
    into a new version, pick the live version, delete) and that says a graph's schemas.
    Assistants are dicts with the API's fields: assistant_id, graph_id, name,
    description, config, context, metadata, version, created_at, updated_at."""

    async def get_assistant(self, assistant_id: str) -> dict[str, Any]: ...

    async def create_assistant(
        self,
        graph_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]: ...

    async def update_assistant(
        self,
        assistant_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        config: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new version, made the live one."""
        ...

    async def assistant_versions(
        self, assistant_id: str, *, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Newest first."""
        ...

    async def set_latest_version(self, assistant_id: str, version: int) -> dict[str, Any]: ...

    async def delete_assistant(self, assistant_id: str) -> None: ...

    async def get_schemas(self, assistant: str) -> dict[str, Any]:
        """``input_schema``, ``output_schema``, ``state_schema``, ``config_schema``,
        ``context_schema`` (JSON schemas, each None when the graph cannot say)."""
        ...


@runtime_checkable
class CronSource(Source, Protocol):
    """A source with scheduled runs (a server's crons: ``POST /runs/crons/search``)."""

    async def search_crons(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]: ...


@runtime_checkable
class RunStatusSource(Source, Protocol):
    """A source that can say how a run ended after its stream was cut (a server's
    ``GET /threads/{id}/runs/{run_id}``)."""

    async def get_run(self, thread_id: str, run_id: str) -> dict[str, Any]: ...


def read_breakpoints(texts: Sequence[str] | None) -> list[Breakpoint]:
    """A run's breakpoints (lgtui/breakpoints.py); one that cannot be read is the user's
    mistake, said as a `UsageError` before the run starts."""
    try:
        return parse_all(texts)
    except QueryError as exc:
        raise UsageError(f"cannot read the breakpoint: {exc}") from None


@runtime_checkable
class PausingSource(Source, Protocol):
    """A source that pauses a run at every kind of breakpoint (lgtui/breakpoints.py) and
    takes the user's word to go on (the embedded runtime; a server stops only before and
    after nodes, by ending the run at an interrupt)."""

    async def resume_run(self, run_id: str, action: str) -> bool: ...


@runtime_checkable
class ReloadableSource(Source, Protocol):
    """A source that can load the project's code again (`lgtui open --watch`)."""

    def reload(self) -> None: ...

    async def ready(self) -> Any:
        """Once the project loaded (a `LoadError` when it does not)."""
        ...


@runtime_checkable
class HostedSource(Source, Protocol):
    """A source with a process of its own (the engine host): it can be waited for
    before the screen takes over, and closed without an event loop."""

    def wait_ready(self, timeout: float = ...) -> dict[str, Any]: ...

    async def ready(self) -> object:
        """Once the project has loaded (LoadError when it does not), from any loop."""
        ...

    def close(self) -> None: ...


def resolve_assistant(assistants: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    """Find an assistant by id, graph id or name; raise UsageError naming what exists."""
    for key in ("assistant_id", "graph_id", "name"):
        for a in assistants:
            if a.get(key) == wanted:
                return a
    names = sorted({str(a.get("graph_id") or a.get("name")) for a in assistants})
    listed = ", ".join(names) if names else "none"
    raise UsageError(f"unknown assistant {wanted!r}; available: {listed}")
