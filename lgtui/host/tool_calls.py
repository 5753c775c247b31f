"""A run's tool calls, recorded and answered (see `lgtui.host.calls`).

langchain has no hook for a tool's call, so ``BaseTool.run``/``arun`` are wrapped: the one
place lgtui wraps langchain.  What is matched is the tool's name and the arguments the
model gave; a tool's own writes to the graph's channels (deepagents' files go through
langgraph's send of the running task) are recorded with its output and made again.
"""

from __future__ import annotations

import json
from typing import Any

from lgtui.host.calls import (
    RunCalls,
    _cache_class,
    _dumps,
    _loads,
    _tool_input,
    _where,
    current,
    state_ids,
    tool_key,
)


def _load_output(record: dict[str, Any]) -> Any:
    value = _loads(record["out"]) if record.get("lc") else json.loads(record["out"])
    if record.get("command") and isinstance(value, dict):
        from langgraph.types import Command

        return Command(**value)
    return value


def _dump_output(output: Any) -> dict[str, Any] | None:
    """A tool's output as a record keeps it (None: not one a re-run could give back)."""
    from langgraph.types import Command

    if isinstance(output, Command):
        goto = output.goto
        gotos = goto if isinstance(goto, list | tuple) else [goto]
        if not all(isinstance(g, str) for g in gotos):
            return None  # Send objects: not recorded
        fields: dict[str, Any] = {
            "graph": output.graph,
            "goto": list(goto) if isinstance(goto, tuple) else goto,
            "update": output.update,
            "resume": output.resume,
        }
        try:
            return {"out": _dumps(fields), "lc": True, "command": True}
        except Exception:
            return None
    try:
        return {"out": _dumps(output), "lc": True}
    except Exception:
        try:
            return {"out": json.dumps(output), "lc": False}
        except (TypeError, ValueError):
            return None


_SEND = "__pregel_send"  # langgraph's config key of a task's channel writes


def _send_of(kwargs: dict[str, Any]) -> Any:
    """The running task's send (its channel writes), from the config the tool was given."""
    config = kwargs.get("config")
    configurable = config.get("configurable") if isinstance(config, dict) else None
    return configurable.get(_SEND) if isinstance(configurable, dict) else None


def _watch_writes(kwargs: dict[str, Any]) -> list[Any]:
    """The writes a tool makes to the graph's channels itself (deepagents' files do:
    langgraph's send of the running task), collected to be recorded with its output."""
    writes: list[Any] = []
    send = _send_of(kwargs)
    if send is None:
        return writes

    def recording_send(items: Any) -> Any:
        writes.extend(items)
        return send(items)

    config = kwargs["config"]
    kwargs["config"] = {
        **config,
        "configurable": {**config["configurable"], _SEND: recording_send},
    }
    return writes


def _replay_writes(calls: RunCalls, record: dict[str, Any], kwargs: dict[str, Any]) -> None:
    send = _send_of(kwargs)
    if record.get("writes") and send is not None:
        send([tuple(w) for w in calls.renamed(_loads(record["writes"]))])


def _tool_output(calls: RunCalls, record: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    if record.get("raised"):
        raise RuntimeError(str(record["raised"]))
    _replay_writes(calls, record, kwargs)
    tool_call_id = kwargs.get("tool_call_id")
    value = calls.renamed(_load_output(record))
    if tool_call_id is not None and hasattr(value, "tool_call_id"):
        value = value.model_copy(update={"tool_call_id": tool_call_id})
    return value


# What a recorded tool call says of its outcome; a re-run's answered call keeps it as is.
_OUTCOME = ("out", "lc", "command", "writes", "raised")


def _record_tool(
    calls: RunCalls,
    call: dict[str, Any],
    output: Any = None,
    raised: BaseException | None = None,
    writes: list[Any] | None = None,
) -> None:
    """A call made live: its outcome recorded (not at all when a re-run could not give
    it back)."""
    outcome: dict[str, Any] = {}
    if raised is not None:
        outcome["raised"] = f"{type(raised).__name__}: {raised}"
    else:
        dumped = _dump_output(output)
        if dumped is None:
            return
        outcome.update(dumped)
        if writes:
            try:
                outcome["writes"] = _dumps([list(w) for w in writes])
            except Exception:
                return  # writes a re-run could not make again: not replayable
    _emit(calls, call, outcome, answered=False)


def _emit(calls: RunCalls, call: dict[str, Any], outcome: dict[str, Any], answered: bool) -> None:
    record: dict[str, Any] = {
        "k": "call",
        "kind": "tool",
        "key": call["key"],
        "name": call["name"],
        "input": _tool_input(call["input"]),
    }
    if call["ids"] is not None:
        record["state_ids"] = call["ids"]
    calls.emit({**record, **outcome, "answered": answered, **_where()})


def visible_args(tool: Any, tool_input: Any) -> Any:
    """The arguments the model gave: what a tool gets injected (state, runtime, store,
    config, the call's id) is the graph's, not the call's input."""
    if not isinstance(tool_input, dict):
        return tool_input
    try:
        schema = tool.tool_call_schema
        if isinstance(schema, dict):
            names = set(schema.get("properties") or {})
        else:
            names = set(getattr(schema, "model_fields", None) or getattr(schema, "__fields__", {}))
    except Exception:
        names = set()
    if names:
        return {k: v for k, v in tool_input.items() if k in names}
    return {k: v for k, v in tool_input.items() if _jsonable(v)}


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def wrap_tools() -> None:
    from langchain_core.tools import BaseTool

    if getattr(BaseTool.run, "_lgtui", False):
        return
    run, arun = BaseTool.run, BaseTool.arun

    def before(tool: Any, tool_input: Any) -> tuple[RunCalls | None, dict[str, Any]]:
        """This run's calls, and the call: its key, the recorded answer if there is one,
        its arguments as the model gave them (before the tool adds to them)."""
        calls = current.get()
        if calls is None:
            return None, {}
        name, ids = str(tool.name), state_ids(tool_input)
        visible = visible_args(tool, tool_input)
        call = {"key": tool_key(name, visible), "name": name, "input": visible, "ids": ids}
        record = call["record"] = calls.take(call["key"])
        if record is not None:
            if ids is not None:
                calls.learn_ids(record.get("state_ids"), ids)
            _emit(calls, call, {k: record[k] for k in _OUTCOME if k in record}, answered=True)
            return calls, call
        given = _tool_input(visible)
        if calls.offline:
            raise calls.missing("tool", name, given)
        calls.went_live("tool", name, given)
        return calls, call

    def replayed_run(self: Any, tool_input: Any, *args: Any, **kwargs: Any) -> Any:
        calls, call = before(self, tool_input)
        if calls is None:
            return run(self, tool_input, *args, **kwargs)
        if call["record"] is not None:
            return _tool_output(calls, call["record"], kwargs)
        writes = _watch_writes(kwargs)
        try:
            output = run(self, tool_input, *args, **kwargs)
        except Exception as exc:
            _record_tool(calls, call, raised=exc)
            raise
        _record_tool(calls, call, output, writes=writes)
        return output

    async def replayed_arun(self: Any, tool_input: Any, *args: Any, **kwargs: Any) -> Any:
        calls, call = before(self, tool_input)
        if calls is None:
            return await arun(self, tool_input, *args, **kwargs)
        if call["record"] is not None:
            return _tool_output(calls, call["record"], kwargs)
        writes = _watch_writes(kwargs)
        try:
            output = await arun(self, tool_input, *args, **kwargs)
        except Exception as exc:
            _record_tool(calls, call, raised=exc)
            raise
        _record_tool(calls, call, output, writes=writes)
        return output

    replayed_run._lgtui = True  # type: ignore[attr-defined]
    BaseTool.run = replayed_run  # type: ignore[method-assign]
    BaseTool.arun = replayed_arun  # type: ignore[method-assign]


def install() -> None:
    """Set the hooks up in the host, before the project loads (its own LLM cache, if it
    sets one, wins: then lgtui records no model calls)."""
    try:
        from langchain_core.globals import get_llm_cache, set_llm_cache
    except ImportError:
        return  # a graph without langchain makes no model or tool calls lgtui can see
    if get_llm_cache() is None:
        set_llm_cache(_cache_class()())
    wrap_tools()
