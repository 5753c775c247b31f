"""One run's thread-centric stream (v2), made as langgraph-api makes it.

langgraph's own protocol events (``astream_events(version="v3")``) go out as envelopes
(``{type, event_id, seq, method, params: {namespace, timestamp, data, node?}}``) with
what the server adds, by the rules read from langgraph-api (docs/embedded.md holds them
and the tests):

- the root's lifecycle is the run's: ``running`` first, then ``completed``, ``failed``
  (with the error) or ``interrupted`` (an interrupt was asked, or the thread waits on
  one when the run ends); langgraph's own root lifecycle events are not sent;
- a subgraph's ``started`` is sent once (with its cause); its other lifecycle events
  when they change something; a subgraph is ``completed`` when its parent's
  ``updates`` names its node, and every one still open when the run ends, deepest first;
- ``__interrupt__`` (in values, in an ``__interrupt__`` update, in a values event's
  ``interrupts``) becomes one ``input.requested`` per interrupt id, which also ends the
  root as ``interrupted`` there and then;
- ``values``/``updates`` carry the protocol's message shapes (protocol_state.py);
  ``custom:<name>`` becomes ``custom`` with ``{name, payload}``; a checkpoint is sent
  once per namespace; a finished tool call's output is also sent as a tool message on
  ``messages`` (namespace ``[..., "tools:<call id>"]``);
- chat messages go out only in the content-block shape (langgraph's legacy
  message tuples are dropped);
- event ids: a source event's own id (``<ms>-<n>``), ``.1``, ``.2`` for more envelopes
  made from it; ``synth:<run id>:...`` for what the server makes up.
"""

from __future__ import annotations

import time
from typing import Any

from lgtui.host.protocol_state import state_payload
from lgtui.v2 import announced

_DONE = ("running", "completed", "failed", "interrupted")


def _key(ns: list[str]) -> str:
    return "\0".join(ns)


def _node_of(part: str) -> str:
    return part.split(":")[0]


def v2_message(data: Any) -> dict[str, Any] | None:
    """The content-block payload of a ``messages`` event (bare, or the first of a
    ``(payload, metadata)`` pair); None for langgraph's legacy message tuples."""
    if isinstance(data, dict) and isinstance(data.get("event"), str):
        return data
    if (
        isinstance(data, tuple | list)
        and len(data) == 2
        and isinstance(data[0], dict)
        and isinstance(data[0].get("event"), str)
    ):
        return data[0]
    return None


class ThreadStreamRun:
    """Envelopes of one run; `start`, `take` each source event, then `error` or `end`."""

    def __init__(self, run_id: str, graph_name: str) -> None:
        self.run_id = run_id
        self.root = graph_name
        self.seq = 0
        self._open: dict[str, tuple[list[str], str, str]] = {}  # key -> (ns, status, graph)
        self._announced: set[str] = set()
        self._interrupts: set[str] = set()
        self._checkpoints: set[tuple[str, str]] = set()
        self._ended = False
        self._source_id: str | None = None
        self._per_source: dict[str, int] = {}  # envelopes made per source id so far
        self.interrupted = False

    # -- envelopes ------------------------------------------------------------------------

    def _event_id(self, synth: tuple[str, ...] | None) -> str:
        if synth is not None:
            return f"synth:{self.run_id}:" + "|".join(synth)
        source = self._source_id
        if source is None:
            return f"synth:{self.run_id}:{self.seq}"
        n = self._per_source.get(source, 0)
        self._per_source[source] = n + 1
        return source if n == 0 else f"{source}.{n}"

    def _envelope(
        self,
        method: str,
        ns: list[str],
        data: Any,
        *,
        node: str | None = None,
        timestamp: int | None = None,
        synth: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        self.seq += 1
        if method.startswith("custom:") and len(method) > len("custom:"):
            data = {"name": method[len("custom:") :], "payload": data}
            method = "custom"
        if method in ("values", "updates"):
            data = state_payload(data)
        params: dict[str, Any] = {
            "namespace": ns,
            "timestamp": timestamp if isinstance(timestamp, int) else int(time.time() * 1000),
            "data": data,
        }
        if node is not None:
            params["node"] = node
        return {
            "type": "event",
            "event_id": self._event_id(synth),
            "seq": self.seq,
            "method": "input.requested" if method == "input" else method,
            "params": params,
        }

    def _new_source_id(self) -> None:
        """The id the in-memory runtime gives a published event, the same for every
        event of a millisecond (``<ms>-0``): the envelopes made from them count on."""
        self._source_id = f"{int(time.time() * 1000)}-0"

    # -- the run ----------------------------------------------------------------------------

    def start(self) -> list[dict[str, Any]]:
        self._open[""] = ([], "running", self.root)
        return [
            self._envelope(
                "lifecycle",
                [],
                {"event": "running", "graph_name": self.root},
                synth=("lc", "", "running"),
            )
        ]

    def take(self, name: str, event: Any) -> list[dict[str, Any]]:
        """A protocol event of langgraph (JSON-able, with the stream name ``method|ns``)."""
        self._new_source_id()
        out: list[dict[str, Any]] = []
        params = event.get("params") if isinstance(event, dict) else None
        params = params if isinstance(params, dict) else {}
        raw_ns = params.get("namespace")
        if isinstance(raw_ns, list) and all(isinstance(p, str) for p in raw_ns):
            ns = list(raw_ns)
        else:
            ns = name.split("|")[1:]
        method = event.get("method") if isinstance(event, dict) else None
        method = method if isinstance(method, str) else name.split("|")[0]
        data = params.get("data")
        if method == "checkpoints":
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                mark = (_key(ns), data["id"])
                if mark not in self._checkpoints:
                    self._checkpoints.add(mark)
                    out.append(
                        self._envelope(
                            "checkpoints", ns, data, synth=("checkpoint", mark[0], mark[1])
                        )
                    )
            return out
        if method == "lifecycle":
            return self._lifecycle(ns, data)
        if ns:
            self._register(ns)
        if method == "updates":
            node = params.get("node")
            if not isinstance(node, str) and isinstance(data, dict):
                node = data.get("node") if isinstance(data.get("node"), str) else None
            if node == "__interrupt__":
                found = data.get("values") if isinstance(data, dict) else None
                return self._input_requested(ns, _requests(found))
        elif method == "values":
            requests = _requests(data)
            if isinstance(data, dict) and "__interrupt__" in data:
                data = {k: v for k, v in data.items() if k != "__interrupt__"}
            given = params.get("interrupts")
            if isinstance(given, list | tuple) and given:
                out += self._input_requested(ns, _requests(list(given)))
            if requests:
                out += self._input_requested(ns, requests)
        node = (
            params.get("node")
            if isinstance(params.get("node"), str) and params.get("node")
            else None
        )
        if node is None and method == "updates" and isinstance(data, dict):
            node = (
                data.get("node") if isinstance(data.get("node"), str) and data.get("node") else None
            )
        elif node is None and method == "tools" and isinstance(data, dict):
            found = data.pop("__node", None)
            node = found if isinstance(found, str) and found else None
        timestamp = params.get("timestamp")
        out.append(
            self._envelope(
                method,
                ns,
                data,
                node=node,
                timestamp=timestamp if isinstance(timestamp, int) else None,
            )
        )
        if method == "tools" and isinstance(data, dict):
            out += self._tool_message(ns, data)
        if method == "updates" and node is not None:
            out += self._child_done(ns, node)
        return out

    def error(self, message: str) -> list[dict[str, Any]]:
        """The run raised: the root failed (nothing else closes)."""
        self._ended = True
        self._source_id = None
        return self._lifecycle_change([], "failed", graph_name=self.root, error=message)

    def end(self, waiting_on_interrupts: bool) -> list[dict[str, Any]]:
        """The run ended well: what is open completes, deepest first, then the root."""
        if self._ended:
            return []
        self._ended = True
        self._source_id = None
        status = "interrupted" if waiting_on_interrupts else "completed"
        open_ = [v for v in self._open.values() if v[1] == "started" and v[0]]
        open_.sort(key=lambda v: len(v[0]), reverse=True)
        out: list[dict[str, Any]] = []
        for ns, _, graph in open_:
            if self._open.get(_key(ns), ([], "", ""))[1] == "started":
                out += self._lifecycle_change(ns, "completed", graph_name=graph)
        return out + self._lifecycle_change([], status, graph_name=self.root)

    # -- namespaces ------------------------------------------------------------------------

    def _register(self, ns: list[str]) -> None:
        for n in range(1, len(ns) + 1):
            part = ns[:n]
            key = _key(part)
            found = self._open.get(key)
            if found is not None and found[1] == "started":
                continue
            graph = found[2] if found is not None else _node_of(part[-1])
            self._open[key] = (part, "started", graph)

    def _lifecycle(self, ns: list[str], data: Any) -> list[dict[str, Any]]:
        if not isinstance(data, dict) or not isinstance(data.get("event"), str):
            if ns:
                self._register(ns)
            return []
        ns = announced(ns, data)
        if not ns:
            return []  # the root's lifecycle is the run's (start, end)
        kind = data["event"]
        if kind == "started":
            key = _key(ns)
            if key in self._announced:
                return []
            self._announced.add(key)
            graph = data.get("graph_name")
            previous = self._open.get(key)
            self._open[key] = (
                ns,
                "started",
                graph if isinstance(graph, str) else previous[2] if previous else _node_of(ns[-1]),
            )
            return [self._envelope("lifecycle", ns, data)]
        if kind in _DONE:
            graph = data.get("graph_name")
            error = data.get("error")
            cause = data.get("cause")
            return self._lifecycle_change(
                ns,
                kind,
                graph_name=graph if isinstance(graph, str) else None,
                error=error if isinstance(error, str) else None,
                cause=cause if isinstance(cause, dict) else None,
            )
        self._register(ns)
        return []

    def _lifecycle_change(
        self,
        ns: list[str],
        status: str,
        *,
        graph_name: str | None = None,
        error: str | None = None,
        cause: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        key = _key(ns)
        if ns and key not in self._open:
            self._register(ns)
        current = self._open.get(key)
        graph = (
            graph_name
            or (current[2] if current else None)
            or (_node_of(ns[-1]) if ns else self.root)
        )
        if (
            current is not None
            and current[1] == status
            and current[2] == graph
            and error is None
            and cause is None
        ):
            return []
        self._open[key] = (ns, status, graph)
        data: dict[str, Any] = {"event": status, "graph_name": graph}
        if error is not None:
            data["error"] = error
        if cause is not None:
            data["cause"] = cause
        return [self._envelope("lifecycle", ns, data, synth=("lc", key, status))]

    def _child_done(self, parent: list[str], node: str) -> list[dict[str, Any]]:
        """The parent's update names ``node``: its oldest open task of that node is done."""
        if not node or node.startswith("__"):
            return []
        for ns, status, graph in list(self._open.values()):
            if len(ns) != len(parent) + 1 or status != "started" or ns[: len(parent)] != parent:
                continue
            if ns[-1] == node or ns[-1].startswith(node + ":"):
                return self._lifecycle_change(ns, "completed", graph_name=graph)
        return []

    # -- interrupts and tools --------------------------------------------------------------

    def _input_requested(
        self, ns: list[str], requests: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for request in requests:
            iid = request.get("interrupt_id", "")
            if not iid or iid in self._interrupts:
                continue
            self._interrupts.add(iid)
            out.append(self._envelope("input", ns, request, synth=("input", _key(ns), iid)))
        if out:
            out += self._lifecycle_change([], "interrupted", graph_name=self.root)
            self._ended = True
            self.interrupted = True
        return out

    def _tool_message(self, ns: list[str], data: dict[str, Any]) -> list[dict[str, Any]]:
        if data.get("event") != "tool-finished" or not isinstance(data.get("output"), dict):
            return []
        output = data["output"]
        call = data.get("tool_call_id")
        if not isinstance(call, str):
            call = (
                output.get("tool_call_id") if isinstance(output.get("tool_call_id"), str) else None
            )
        mid = output.get("id") if isinstance(output.get("id"), str) and output.get("id") else None
        mid = mid or (f"tool-{call}" if call else None)
        if mid is None:
            return []
        content = output.get("content")
        if not isinstance(content, str):
            import json

            try:
                content = "" if content is None else json.dumps(content, separators=(",", ":"))
            except (TypeError, ValueError):
                content = str(content)
        start: dict[str, Any] = {"event": "message-start", "role": "tool", "id": mid}
        if call is not None:
            start["tool_call_id"] = call
        where = [*ns, f"tools:{call}"] if call is not None else ns
        blocks = [
            start,
            {"event": "content-block-start", "index": 0, "content": {"type": "text", "text": ""}},
            {
                "event": "content-block-delta",
                "index": 0,
                "content": {"type": "text", "text": content},
            },
            {
                "event": "content-block-finish",
                "index": 0,
                "content": {"type": "text", "text": content},
            },
            {"event": "message-finish", "metadata": {}},
        ]
        return [self._envelope("messages", where, block) for block in blocks]


def _requests(value: Any) -> list[dict[str, Any]]:
    """``{interrupt_id, payload}`` of each interrupt in ``value`` (a list of them, or a
    state holding ``__interrupt__``)."""
    if isinstance(value, dict):
        value = value.get("__interrupt__")
    out: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            request: dict[str, Any] = {"interrupt_id": item["id"]}
            if "value" in item:
                request["payload"] = item["value"]
            out.append(request)
    return out
