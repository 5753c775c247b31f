"""One run, as `langgraph dev` makes it: the config, context and graph it gets, and what
it streams.

The rules, from the server's run creation and its stream (docs/embedded.md says which
test holds each):

- ``config.configurable`` and ``context`` cannot both be given (HTTP 400). With a
  context, ``configurable`` becomes a copy of it; without, the context is a copy of
  ``configurable``. Context keys the graph's ``context_schema`` does not declare are
  dropped; langgraph fills the schema's defaults.
- ``configurable`` is the assistant's, the thread's, the run's, then ``run_id``,
  ``thread_id``, ``graph_id``, ``assistant_id`` and ``user_id``; ``checkpoint_id`` when
  the run starts from one; ``__after_seconds__`` 0.
- ``metadata`` is the assistant's (``created_by: system``), the thread's (once it has
  run), the config's and the run's, then ``assistant_id``, ``run_attempt`` 1 and
  ``langgraph_version``.  ``config["run_id"]`` is the run id.
- A stateless run (no thread) runs with no checkpointer; every run gets the store.
- A factory is called for each run with that run's config (and a ``ServerRuntime``
  when it asks for one); a graph is copied with the checkpointer and store, and named
  after its graph id when it has langgraph's default name.
- Streaming always asks for ``debug``; ``messages-tuple`` is langgraph's ``messages``;
  ``output_keys`` are the graph's output channels (its output schema); ``events`` runs
  ``astream_events(version="v2")`` and takes the other modes from the root's
  ``on_chain_stream`` events.
- Payloads are serialized after each event is taken from the stream, off the loop, as
  the server does: what a node changes in place after yielding shows as it does there.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from lgtui.host import shape
from lgtui.host.assistants import Assistants
from lgtui.host.project import Graph, Project
from lgtui.sources.base import HTTPStatusError, UsageError


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def new_id() -> str:
    try:
        from langchain_core.utils.uuid import uuid7

        return str(uuid7())
    except ImportError:  # older langchain-core
        return str(uuid.uuid4())


def merge(*objects: dict[str, Any] | None) -> dict[str, Any]:
    """Shallow merge with deep copies, as the server merges JSONB."""
    out: dict[str, Any] = {}
    for obj in objects:
        if obj:
            out.update(copy.deepcopy(obj))
    return out


def _configurable(config: dict[str, Any] | None) -> dict[str, Any]:
    return dict((config or {}).get("configurable") or {})


class Engine:
    """The graphs, the checkpointer and the store of one host: runs them as the server."""

    def __init__(self, project: Project, saver: Any, store: Any) -> None:
        self.project = project
        self.saver = saver
        self.store = store
        self.assistants = Assistants(project)

    def resolve(self, wanted: str) -> dict[str, Any]:
        """The assistant an assistant id, graph id or name stands for."""
        return self.assistants.resolve(wanted)

    # -- getting a graph ----------------------------------------------------------------

    @asynccontextmanager
    async def graph(
        self,
        graph_id: str,
        config: dict[str, Any] | None = None,
        *,
        access: str = "threads.read",
        context: Any = None,
        checkpointer: Any = "default",
    ) -> AsyncIterator[Any]:
        """The graph for one use: a factory called with ``config``, then the copy the
        server runs (with the checkpointer and the store)."""
        from langgraph.graph import StateGraph
        from langgraph.pregel import Pregel

        entry = self.project.graphs[graph_id]
        saver = self.saver if checkpointer == "default" else checkpointer
        async with _called(entry, config or {}, access, self.store, saver, context) as value:
            if isinstance(value, StateGraph):
                value = value.compile()
            if not isinstance(value, Pregel):
                raise UsageError(
                    f"{entry.where}: the graph factory returned {type(value).__name__}, not a graph"
                )
            update: dict[str, Any] = {"checkpointer": saver, "store": self.store}
            if value.name == "LangGraph":
                update["name"] = graph_id
            yield value.copy(update=update)

    # -- a run --------------------------------------------------------------------------

    def run_config(
        self,
        assistant: dict[str, Any],
        request: dict[str, Any],
        thread: dict[str, Any] | None,
        run_id: str,
        thread_id: str,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(config, context)`` of a run, built as the server builds them."""
        import langgraph.version

        user_config = copy.deepcopy(request.get("config") or {})
        if not isinstance(user_config, dict):
            raise UsageError("--config must be a JSON object")
        context = copy.deepcopy(request.get("context") or {})
        if not isinstance(context, dict):
            raise UsageError("--context must be a JSON object")
        configurable = user_config.setdefault("configurable", {})
        if not isinstance(configurable, dict):
            raise UsageError("config.configurable must be a JSON object")
        if configurable and context:
            raise HTTPStatusError(
                400,
                "Cannot specify both configurable and context. Prefer setting context alone.",
                "POST",
                f"/threads/{thread_id}/runs/stream",
            )
        if context:
            configurable = context.copy()
            user_config["configurable"] = configurable
        else:
            context = configurable.copy()
        if request.get("checkpoint_id"):
            configurable["checkpoint_id"] = str(request["checkpoint_id"])
        configurable["__after_seconds__"] = 0
        graph_id = assistant["graph_id"]
        run_configurable = merge(
            _configurable(assistant["config"]),
            _configurable(thread.get("config")) if thread else {},
            configurable,
            {
                "run_id": run_id,
                "thread_id": thread_id,
                "graph_id": graph_id,
                "assistant_id": assistant["assistant_id"],
                "user_id": configurable.get("user_id")
                or (_configurable(thread.get("config")).get("user_id") if thread else None)
                or _configurable(assistant["config"]).get("user_id"),
            },
        )
        metadata = merge(
            assistant["metadata"],
            thread.get("metadata") if thread else {},
            user_config.get("metadata") or {},
            request.get("metadata") or {},
        )
        metadata["assistant_id"] = assistant["assistant_id"]
        config = merge(
            assistant["config"],
            user_config,
            {"configurable": run_configurable},
            {"metadata": metadata},
        )
        context = merge(assistant.get("context"), context)
        config["metadata"]["run_attempt"] = 1
        config["metadata"]["langgraph_version"] = langgraph.version.__version__
        config["run_id"] = uuid.UUID(run_id)
        return config, context

    async def stream(
        self,
        graph_id: str,
        request: dict[str, Any],
        config: dict[str, Any],
        context: dict[str, Any],
        *,
        temporary: bool,
    ) -> AsyncIterator[tuple[str, Any]]:
        """``(event name, payload)`` pairs, as the server's stream yields them."""
        run_id = str(config["run_id"])
        checkpointer = None if temporary else "default"
        async with self.graph(
            graph_id,
            config,
            access="threads.create_run",
            context=context,
            checkpointer=checkpointer,
        ) as graph:
            context = _filter_context(graph, context, config, bool(request.get("context")))
            graph_input = request.get("input")
            if request.get("command") is not None:
                graph_input = _command(request["command"])
            requested = [m for m in request.get("stream_mode") or [] if m]
            modes = set(requested) - {"events"}
            modes.add("debug")
            if "messages-tuple" in modes:
                modes.discard("messages-tuple")
                modes.add("messages")
            subgraphs = bool(request.get("subgraphs"))
            kwargs: dict[str, Any] = {
                "interrupt_before": request.get("interrupt_before"),
                "interrupt_after": request.get("interrupt_after"),
                "subgraphs": subgraphs,
                "durability": "async",
                "context": context,
            }
            yield "metadata", {"run_id": run_id, "attempt": 1}
            messages = shape.MessageAccumulator()
            if "events" in requested:
                stream = graph.astream_events(
                    graph_input, config, version="v2", stream_mode=list(modes), **kwargs
                )
            else:
                stream = graph.astream(
                    graph_input,
                    config,
                    stream_mode=list(modes),
                    output_keys=graph.output_channels,
                    **kwargs,
                )
            try:
                while (item := await next_item(stream)) is not _END:
                    if "events" in requested:
                        event = item
                        if event.get("tags") and "langsmith:hidden" in event["tags"]:
                            continue
                        if event["event"] != "on_chain_stream" or event["run_id"] != run_id:
                            yield "events", event
                            continue
                        item = event["data"]["chunk"]
                    if subgraphs:
                        ns, mode, chunk = item
                    else:
                        (mode, chunk), ns = item, None
                    for out in _shape(mode, chunk, ns, requested, messages):
                        yield out
            finally:
                await stream.aclose()

    async def stream_v2(
        self,
        graph_id: str,
        request: dict[str, Any],
        config: dict[str, Any],
        context: dict[str, Any],
    ) -> AsyncIterator[tuple[str, Any]]:
        """langgraph's own protocol events (``astream_events(version="v3")``) as
        ``(method|ns, event)``, as the server's v2 runs yield them (content-block messages
        only); then ``("__state__", the thread's state)`` for how the run left it."""
        config["configurable"]["__event_streaming_v2"] = True
        _quiet_v3_warning()
        async with self.graph(
            graph_id, config, access="threads.create_run", context=context
        ) as graph:
            context = _filter_context(graph, context, config, bool(request.get("context")))
            graph_input = request.get("input")
            if request.get("command") is not None:
                command = dict(request["command"])
                if "resume" in command:  # input.respond: an answer per pending interrupt
                    thread = {"configurable": {"thread_id": config["configurable"]["thread_id"]}}
                    state = await graph.aget_state(thread)
                    command["resume"] = _answers(command["resume"], state)
                graph_input = _command(command)
            run = await graph.astream_events(
                graph_input,
                config,
                version="v3",
                interrupt_before=request.get("interrupt_before"),
                interrupt_after=request.get("interrupt_after"),
                durability="async",
                context=context,
            )
            async with run:
                iterator = run.__aiter__()
                while (event := await next_item(iterator)) is not _END:
                    shaped = _protocol_event(event)
                    if shaped is not None:
                        yield shaped
            thread = {"configurable": {"thread_id": config["configurable"]["thread_id"]}}
            yield "__state__", await graph.aget_state(thread)


def _answers(resume: Any, state: Any) -> Any:
    """What ``input.respond`` resumes a thread with: ``{interrupt id: answer}`` for every
    interrupt it waits on (a resume keyed by their ids as it is; one answer for each),
    as the server maps it to ``Command(resume=...)``."""
    pending = [
        i.id
        for task in getattr(state, "tasks", ()) or ()
        for i in getattr(task, "interrupts", ()) or ()
        if getattr(i, "id", None)
    ]
    if not pending:
        return resume
    if isinstance(resume, dict) and resume and set(resume) <= set(pending):
        return resume
    return dict.fromkeys(pending, resume)


_quieted = False


def _quiet_v3_warning() -> None:
    """langgraph warns on every thread-centric run that its v3 stream is experimental;
    the server's runs do not print it to the user, and neither do lgtui's.  (Set after
    langchain-core's import, which surfaces its beta warnings.)"""
    global _quieted
    if not _quieted:
        import warnings

        import langchain_core  # noqa: F401

        warnings.filterwarnings("ignore", message="The v3 streaming protocol on Pregel")
        _quieted = True


def _protocol_event(event: Any) -> tuple[str, Any] | None:
    """``(method|ns, event)`` of a protocol event; None for the message tuples of the
    legacy stream (the thread-centric stream sends content blocks only)."""
    from lgtui.host.thread_stream import v2_message

    if not isinstance(event, dict):
        return None
    method = str(event.get("method") or "")
    found = event.get("params")
    params: dict[str, Any] = found if isinstance(found, dict) else {}
    if method == "messages":
        payload = v2_message(params.get("data"))
        if payload is None:
            return None
        if payload is not params.get("data"):
            event = {**event, "params": {**params, "data": payload}}
    ns = params.get("namespace") or []
    return method + ("|" + "|".join(map(str, ns)) if ns else ""), event


_END = object()


async def next_item(stream: Any) -> Any:
    """The stream's next item, taken as the server's worker takes it: in a task of its own
    beside a wait for the run to be stopped.  The loop turns this costs are when a node
    runs on after yielding -- and the server serializes only then."""
    stop = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        item = tg.create_task(anext(stream, _END))
        stopper = tg.create_task(stop.wait())
        item.add_done_callback(lambda _: stopper.cancel())
        return await item


def _shape(
    mode: str,
    chunk: Any,
    ns: tuple[str, ...] | None,
    requested: list[str],
    messages: shape.MessageAccumulator,
) -> list[tuple[str, Any]]:
    suffix = f"|{'|'.join(ns)}" if ns else ""
    if mode == "debug" and chunk.get("type") == "checkpoint":
        chunk["payload"] = shape.debug_checkpoint(chunk["payload"])
    if mode == "messages":
        if "messages-tuple" in requested:
            return [("messages" + suffix, chunk)]
        return messages.feed(chunk)
    if mode in requested:
        return [(mode + suffix, chunk)]
    return []


def _command(command: Any) -> Any:
    """A run's ``command`` as the server maps it to a langgraph ``Command``."""
    from langgraph.types import Command, Send

    if not isinstance(command, dict):
        raise UsageError('command must be a JSON object such as {"resume": ...}')
    goto = command.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = command.get("update")
    if isinstance(update, tuple | list) and all(
        isinstance(t, tuple | list) and len(t) == 2 and isinstance(t[0], str) for t in update
    ):
        update = [tuple(t) for t in update]
    return Command(
        update=update,
        goto=[g if isinstance(g, str) else Send(g["node"], g["input"]) for g in goto]
        if goto
        else None,
        resume=command.get("resume"),
    )


def _filter_context(
    graph: Any, context: dict[str, Any], config: dict[str, Any], given: bool
) -> dict[str, Any]:
    """Context keys the context schema does not declare are dropped (and, when the caller
    gave the context, from ``configurable`` too)."""
    if not context:
        return context
    try:
        schema = graph.get_context_jsonschema()
    except Exception:
        return context
    properties = (schema or {}).get("properties") or {}
    if not properties:
        return context
    kept = {k: v for k, v in context.items() if k in properties}
    if given:
        configurable = config["configurable"]
        for key in context.keys() - kept.keys():
            if configurable.get(key) == context[key]:
                configurable.pop(key, None)
    return kept


_CONFIG_KEYS = (
    "tags",
    "metadata",
    "callbacks",
    "run_name",
    "max_concurrency",
    "recursion_limit",
    "configurable",
    "run_id",
)


def server_ensure_config(config: dict[str, Any]) -> dict[str, Any]:
    """The config a factory gets, made as the server makes it: defaults (recursion limit
    ``LANGGRAPH_DEFAULT_RECURSION_LIMIT``, 10011), ``configurable`` copied, and the run's
    own ``metadata`` dict shared -- so the configurable's plain values (``str``, ``int``,
    ``float``, ``bool``; no ``__`` keys) land in the run's metadata, as on the server."""
    import os

    out: dict[str, Any] = {
        "tags": [],
        "metadata": {},
        "callbacks": None,
        "recursion_limit": int(os.environ.get("LANGGRAPH_DEFAULT_RECURSION_LIMIT", "10011")),
        "configurable": {},
    }
    for key, value in config.items():
        if value in (None, [], {}, ""):
            continue
        if key in _CONFIG_KEYS:
            out[key] = dict(value) if key == "configurable" else value
        else:
            out["configurable"][key] = value
    metadata = out["metadata"]
    for key, value in out["configurable"].items():
        if (
            not key.startswith("__")
            and isinstance(value, str | int | float | bool)
            and key not in metadata
        ):
            metadata[key] = value
    return out


@asynccontextmanager
async def _called(
    entry: Graph,
    config: dict[str, Any],
    access: str,
    store: Any,
    saver: Any,
    context: Any,
) -> AsyncIterator[Any]:
    """What a graph entry gives for one use: itself, or what its factory returns (awaited,
    or entered when it is a context manager) for this config."""
    if not entry.is_factory:
        yield entry.value
        return
    from langchain_core.runnables.config import var_child_runnable_config

    factory_config = server_ensure_config(config)
    runtime = _server_runtime(access, store, context)
    conf = factory_config["configurable"]
    from langgraph.runtime import Runtime

    conf.setdefault(
        "__pregel_runtime",
        Runtime(store=store)
        if access in ("threads.read", "threads.update")
        else _server_runtime(access, store, None),
    )
    if saver is not None:
        conf.setdefault("__pregel_checkpointer", saver)
    conf["__is_for_execution__"] = access == "threads.create_run"
    kwargs = {
        name: runtime if kind == "runtime" else factory_config
        for kind, name in zip(entry.factory_args or (), entry.factory_names, strict=False)
    }
    token = var_child_runnable_config.set(factory_config)  # type: ignore[arg-type]
    try:
        try:
            value = entry.value(**kwargs)
        except Exception as exc:
            raise _FactoryError(entry, exc) from exc
        if hasattr(value, "__aenter__") and hasattr(value, "__aexit__"):
            async with value as result:
                yield result
        elif hasattr(value, "__enter__") and hasattr(value, "__exit__"):
            with value as result:
                yield result
        elif asyncio.iscoroutine(value):
            yield await value
        else:
            yield value
    finally:
        var_child_runnable_config.reset(token)


class _FactoryError(Exception):
    def __init__(self, entry: Graph, exc: Exception) -> None:
        super().__init__(f"{entry.where}: the graph factory raised {type(exc).__name__}: {exc}")
        self.original = exc


def _server_runtime(access: str, store: Any, context: Any) -> Any:
    try:
        from langgraph_sdk.runtime import _ExecutionRuntime, _ReadRuntime
    except ImportError:
        return None
    if access == "threads.create_run":
        return _ExecutionRuntime(
            access_context=access,  # type: ignore[arg-type]
            user=None,
            store=store,
            context=copy.copy(context) if context is not None else None,
        )
    return _ReadRuntime(access_context=access, user=None, store=store)  # type: ignore[arg-type]
