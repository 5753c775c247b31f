"""The shape of the code a newcomer reads: no import cycle between lgtui's modules (a lazy
import inside a function counts; only ``TYPE_CHECKING`` imports don't), and no module
over 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import paths

ROOT = paths.ROOT / "lgtui"
MAX_LINES = 600


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(("lgtui", *path.relative_to(ROOT).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The lgtui modules ``path`` imports, anywhere in it, but under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text())
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(sub) for sub in ast.walk(node))

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    deps: set[str | None] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            deps.update(resolve(a.name) for a in node.names if a.name.startswith("lgtui"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lgtui"):
            for alias in node.names:
                deps.add(resolve(f"{node.module}.{alias.name}"))
    deps.discard(None)
    return {d for d in deps if d is not None}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    known = modules()
    graph = {name: imports_of(path, known) - {name} for name, path in known.items()}
    assert sum(map(len, graph.values())) > 100  # the checker sees the imports
    assert cycles(graph) == []


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_over_600_lines():
    over = {}
    for path in ROOT.rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            over[rel] = lines
    assert over == {}
