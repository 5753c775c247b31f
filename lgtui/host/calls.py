"""A run's chat model and tool calls: recorded as they happen, answered from a recording.

Recording keeps, for every call, what a re-run needs to answer it (its input and its
output), whatever stream modes the run asked for; each call goes to the app as a capture
record (``{"k": "call", ...}``, docs/capture-format.md).  A re-run (`lgtui rerun`,
`lgtui check`) hands the recorded calls back: a call whose input matches a recorded one
gets the recorded output, in the order they were recorded; another goes live, or, offline,
fails the run naming the call.

Model calls go through the hook langchain has for exactly this, the LLM cache
(``set_llm_cache`` with a ``BaseCache``): ``lookup`` answers from the recording (or says
nothing, and the model is called), ``update`` records what the model answered.  Tools have
no such hook: `tool_calls.py` wraps ``BaseTool.run``/``arun``.  Both do nothing outside a
run lgtui started (``current`` unset).

What "matches" means: the same prompt (langchain's serialized messages, without message
ids, which are random per run) and the same model settings (their memory addresses
removed); for a tool, its name and arguments.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_SHOWN = 200  # characters of a call's input shown in an error


class NoRecordedAnswer(RuntimeError):
    """An offline re-run reached a call the recording has no answer for."""

    error_name = "NoRecordedAnswer"


class RunCalls:
    """One run's calls: the recorded answers it may use, and what it records."""

    def __init__(
        self,
        answers: list[dict[str, Any]] | None,
        offline: bool,
        emit: Callable[[dict[str, Any]], None],
    ) -> None:
        self.offline = offline
        self.emit = emit
        self.answers: dict[str, deque[dict[str, Any]]] = {}
        self.recorded: list[dict[str, Any]] = []  # in the order they were made
        for record in answers or []:
            key = key_of(record) if isinstance(record, dict) else None
            if key is not None:
                self.answers.setdefault(key, deque()).append(record)
                self.recorded.append(record)
        self.taken: set[int] = set()
        self.answered = 0
        self.live = 0
        self.first_live = ""  # the first call that had no recorded answer, said
        # the recorded run's message ids -> this run's (an input message gets a new random
        # id each run): learned from matching prompts, applied to the answers given back
        self.ids: dict[str, str] = {}

    def learn_ids(self, recorded: Any, now: list[Any]) -> None:
        """Pair the recorded ids of a state's messages with this run's, in order."""
        if not isinstance(recorded, list) or len(recorded) != len(now):
            return
        for old, new in zip(recorded, now, strict=True):
            if isinstance(old, str) and isinstance(new, str) and old != new:
                self.ids[old] = new

    def renamed(self, value: Any, depth: int = 0) -> Any:
        """``value`` with the recorded run's message ids replaced by this run's."""
        if not self.ids or depth > 20:
            return value
        if isinstance(value, list | tuple):
            return type(value)(self.renamed(v, depth + 1) for v in value)
        if isinstance(value, dict):
            return {k: self.renamed(v, depth + 1) for k, v in value.items()}
        message_id = getattr(value, "id", None)
        if isinstance(message_id, str) and message_id in self.ids and hasattr(value, "model_copy"):
            return value.model_copy(update={"id": self.ids[message_id]})
        update = getattr(value, "update", None)
        if update is not None and type(value).__name__ == "Command":
            import dataclasses

            return dataclasses.replace(value, update=self.renamed(update, depth + 1))
        message = getattr(value, "message", None)
        if message is not None and hasattr(value, "model_copy"):  # a ChatGeneration
            return value.model_copy(update={"message": self.renamed(message, depth + 1)})
        return value

    def take(self, key: str) -> dict[str, Any] | None:
        queue = self.answers.get(key)
        if queue:
            self.answered += 1
            record = queue.popleft()
            self.taken.add(id(record))
            return record
        return None

    def went_live(self, kind: str, name: str, given: str) -> None:
        """A call with no recorded answer is made: count it, say the first."""
        self.live += 1
        if not self.first_live and self.recorded:
            self.first_live = self.describe(kind, name, given)

    def missing(self, kind: str, name: str, given: str) -> NoRecordedAnswer:
        return NoRecordedAnswer(self.describe(kind, name, given))

    def describe(self, kind: str, name: str, given: str) -> str:
        """A call without a recorded answer: where, and how it differs from the recorded
        call it would have been (the next one not yet answered, of that node)."""
        where = _where()
        what = "model call" if kind == "model" else f"call of tool '{name}'"
        node = f" in node '{where['node']}'" if where.get("node") else ""
        step = f" (step {where['step']})" if where.get("step") is not None else ""
        said = f"the {what}{node}{step} has no recorded answer"
        near = self._nearest(kind, name, where.get("node"))
        if near is None:
            return f"{said}: the recording has no such call left ({_short(given)})"
        return f"{said}: {_how_it_differs(kind, str(near.get('input') or ''), given)}"

    def _nearest(self, kind: str, name: str, node: Any) -> dict[str, Any] | None:
        left = [
            r
            for r in self.recorded
            if id(r) not in self.taken
            and r.get("kind") == kind
            and (kind == "model" or r.get("name") == name)
        ]
        same_node = [r for r in left if r.get("node") == node]
        found = same_node or left
        return found[0] if found else None

    def summary(self) -> dict[str, Any]:
        return {"answered": self.answered, "live": self.live, "first_live": self.first_live}


current: ContextVar[RunCalls | None] = ContextVar("lgtui_run_calls", default=None)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def task_metadata() -> dict[str, Any] | None:
    """langgraph's metadata of the task running here (node, step, namespace), or None
    outside a graph's task."""
    try:
        from langgraph.config import get_config

        return get_config().get("metadata") or {}
    except Exception:
        return None


def _where() -> dict[str, Any]:
    """The node and step of the call being made."""
    metadata = task_metadata()
    if metadata is None:
        return {}
    return {
        "node": metadata.get("langgraph_node"),
        "step": metadata.get("langgraph_step"),
        "ns": metadata.get("checkpoint_ns") or "",
    }


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


# What a message carries that is no input of the model: ids (random per run: messages',
# and the tool call ids graphs make, as langgraph-supervisor's handoffs back do), what the
# provider said of the answer (a cached answer's usage reads 0)
_NOT_INPUT = frozenset({"id", "tool_call_id", "usage_metadata", "response_metadata"})


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("lc") == 1 and isinstance(value.get("kwargs"), dict):
            kwargs = {k: _without_ids(v) for k, v in value["kwargs"].items() if k not in _NOT_INPUT}
            return {**value, "kwargs": kwargs}
        if value.get("type") == "tool_call":  # a call in an AI message's tool_calls
            return {k: _without_ids(v) for k, v in value.items() if k != "id"}
        return {k: _without_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def prompt_key(prompt: str) -> str:
    """The prompt as matched: langchain's JSON of the messages, without what is no input
    of the model (`_NOT_INPUT`)."""
    try:
        return json.dumps(_without_ids(json.loads(prompt)), sort_keys=True)
    except (ValueError, RecursionError):
        return prompt


def llm_hash(llm_string: str) -> str:
    """The model's settings, as matched (kept hashed: they may hold what is no one's
    business, and only equality matters)."""
    return _hash("llm", _ADDRESS.sub("", llm_string))


def model_key(prompt_input: str, llm: str) -> str:
    """A model call's key, from its prompt as matched and its settings' hash."""
    return _hash("model", prompt_input, llm)


def key_of(record: dict[str, Any]) -> str | None:
    """A recorded call's key, made again from what it holds by today's rules (so a
    capture recorded before a rule changed still matches)."""
    try:
        if record.get("kind") == "model" and isinstance(record.get("llm"), str):
            return model_key(prompt_key(str(record["input"])), record["llm"])
        if record.get("kind") == "tool":
            return tool_key(str(record.get("name")), json.loads(str(record["input"])))
    except (ValueError, KeyError):
        pass
    key = record.get("key")
    return key if isinstance(key, str) else None


def tool_key(name: str, tool_input: Any) -> str:
    return _hash("tool", name, _ADDRESS.sub("", _tool_input(tool_input)))


def state_ids(tool_input: Any) -> list[Any] | None:
    """The ids of the messages of the state a tool was given (InjectedState, ToolRuntime):
    a handoff hands them on, so a re-run's must replace the recorded ones."""
    if not isinstance(tool_input, dict):
        return None
    for value in tool_input.values():
        state = getattr(value, "state", value)
        messages = state.get("messages") if isinstance(state, dict) else None
        if isinstance(messages, list):
            return [getattr(m, "id", None) for m in messages]
    return None


def _tool_input(tool_input: Any) -> str:
    try:
        return json.dumps(tool_input, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return repr(tool_input)


def _message(message: Any) -> tuple[str, str]:
    """A serialized message's type and what it says (content, tool calls)."""
    kwargs = message.get("kwargs") if isinstance(message, dict) else None
    if not isinstance(kwargs, dict):
        return "?", json.dumps(message, default=repr)
    content = kwargs.get("content")
    text = content if isinstance(content, str) else json.dumps(content, default=repr)
    if kwargs.get("tool_calls"):
        calls = ", ".join(
            f"{c.get('name')}({json.dumps(c.get('args'), sort_keys=True)})"
            for c in kwargs["tool_calls"]
            if isinstance(c, dict)
        )
        text = f"{text} [{calls}]" if text else f"[{calls}]"
    return str(kwargs.get("type") or "?"), text


def _how_it_differs(kind: str, recorded: str, given: str) -> str:
    if kind != "model":
        return f"arguments {_short(given)}, recorded {_short(recorded)}"
    try:
        old, new = json.loads(recorded), json.loads(given)
    except ValueError:
        return f"its prompt differs ({_short(given)})"
    if not isinstance(old, list) or not isinstance(new, list):
        return f"its prompt differs ({_short(given)})"
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            (ta, xa), (tb, xb) = _message(a), _message(b)
            if ta != tb:
                return f"message {i + 1} is {tb} {_short(xb)!r}, recorded {ta} {_short(xa)!r}"
            if xa != xb:
                return f"message {i + 1} ({tb}) is {_short(xb)!r}, recorded {_short(xa)!r}"
            return f"message {i + 1} ({tb}) differs in its fields"
    if len(old) != len(new):
        return f"it has {len(new)} messages, the recorded call {len(old)}"
    return "its model settings differ (model, temperature, tools bound…)"


def _dumps(value: Any) -> str:
    from langchain_core.load import dumps

    return dumps(value)


def _loads(text: str) -> Any:
    from langchain_core.load import loads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loads(text, allowed_objects="core")


def _cache_class() -> type:
    from langchain_core.caches import BaseCache

    class RecordedAnswers(BaseCache):
        """langchain's LLM cache, as lgtui's way to record and answer model calls."""

        def lookup(self, prompt: str, llm_string: str) -> Any:
            calls = current.get()
            if calls is None:
                return None
            given, llm = prompt_key(prompt), llm_hash(llm_string)
            key = model_key(given, llm)
            record = calls.take(key)
            if record is not None:
                generations = [calls.renamed(_loads(text)) for text in record.get("out") or []]
                self._record(calls, key, given, llm, generations, answered=True)
                return generations
            if calls.offline:
                raise calls.missing("model", "", given)
            calls.went_live("model", "", given)
            return None

        def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
            calls = current.get()
            if calls is None:
                return
            given, llm = prompt_key(prompt), llm_hash(llm_string)
            self._record(calls, model_key(given, llm), given, llm, return_val, False)

        @staticmethod
        def _record(
            calls: RunCalls,
            key: str,
            given: str,
            llm: str,
            generations: Any,
            answered: bool,
        ) -> None:
            try:
                out = [_dumps(g) for g in generations]
            except Exception:
                return  # an answer langchain cannot serialize is not replayable
            calls.emit(
                {
                    "k": "call",
                    "kind": "model",
                    "key": key,
                    "input": given,
                    "llm": llm,
                    "out": out,
                    "answered": answered,
                    **_where(),
                }
            )

        def clear(self, **kwargs: Any) -> None:
            return None

    return RecordedAnswers
