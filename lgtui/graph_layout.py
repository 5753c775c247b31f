"""Lay a LangGraph graph (the server's ``{"nodes", "edges"}`` JSON) out in layers.

No Textual here: the graph screen draws what this returns, and tests check it directly.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

START, END = "__start__", "__end__"


@dataclass
class Layout:
    layers: list[list[str]]  # node ids, top to bottom
    edges: dict[str, list[tuple[str, bool]]] = field(
        default_factory=dict
    )  # id -> [(target, conditional)]
    labels: dict[str, str] = field(default_factory=dict)


def layout(graph: dict[str, Any]) -> Layout:
    """Layers by longest path from ``__start__``, ignoring edges that close a cycle.

    A ``graph`` that is not the server's shape (a list, nodes that are not objects) lays
    out what it can: nothing, at worst."""
    if not isinstance(graph, dict):
        graph = {}
    if not isinstance(graph.get("nodes"), list):
        graph = {**graph, "nodes": []}
    if not isinstance(graph.get("edges"), list):
        graph = {**graph, "edges": []}
    nodes = [
        str(n.get("id"))
        for n in graph.get("nodes") or []
        if isinstance(n, dict) and n.get("id") is not None
    ]
    labels = {}
    for n in graph.get("nodes") or []:
        if isinstance(n, dict) and n.get("id") is not None:
            data = n.get("data")
            name = data.get("name") if isinstance(data, dict) else None
            labels[str(n["id"])] = str(name or n["id"])
    edges: dict[str, list[tuple[str, bool]]] = {n: [] for n in nodes}
    for e in graph.get("edges") or []:
        if not isinstance(e, dict):
            continue
        src, dst = str(e.get("source")), str(e.get("target"))
        if src in edges and dst in edges:
            edges[src].append((dst, bool(e.get("conditional"))))
    # depth by BFS from the start; back edges (to a node already on the path) do not push down
    depth: dict[str, int] = {}
    targets = {dst for outs in edges.values() for dst, _ in outs}
    roots = [START] if START in edges else [n for n in nodes if n not in targets] or nodes[:1]
    order: deque[tuple[str, int, tuple[str, ...]]] = deque((r, 0, (r,)) for r in roots)
    steps = 0
    while order and steps < 10_000:
        steps += 1
        node, d, path = order.popleft()
        if depth.get(node, -1) >= d:
            continue
        depth[node] = d
        for dst, _ in edges.get(node, []):
            if dst not in path:
                order.append((dst, d + 1, (*path, dst)))
    deepest = max(depth.values(), default=0)
    for n in nodes:
        depth.setdefault(n, deepest + 1)
    others = [d for n, d in depth.items() if n != END]
    if END in depth and others and max(others) >= depth[END]:  # the end goes last, alone
        depth[END] = max(others) + 1
    layers: list[list[str]] = []
    for n in sorted(nodes, key=lambda n: (depth[n], n)):
        while len(layers) <= depth[n]:
            layers.append([])
        layers[depth[n]].append(n)
    return Layout([layer for layer in layers if layer], edges, labels)
