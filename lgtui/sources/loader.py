"""Find the user's graphs: ``graph.py``, ``graph.py:name``, a ``langgraph.json``, or a folder.

Errors are `LoadError`s that name the file and say what was found instead, never a
traceback: a syntax error points at its line, an import error names the missing module,
and a wrong ``:name`` lists the graphs the file does have.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lgtui.sources.base import LoadError

CONFIG_NAME = "langgraph.json"


@dataclass
class GraphSpec:
    """One graph to serve: its name (the assistant / graph id) and where it lives."""

    name: str
    path: Path
    attr: str | None  # variable or factory in the module; None = find it


def parse_target(target: str) -> list[GraphSpec]:
    """Turn the PATH argument of `lgtui open` into graph specs, without importing anything."""
    path_part, attr = target, None
    # "graph.py:name" -- but not a Windows drive letter.
    if ":" in target and not Path(target).exists():
        path_part, _, attr = target.rpartition(":")
        attr = attr or None
    path = Path(path_part).expanduser()
    if not path.exists():
        raise LoadError(f"{path_part}: no such file or directory")
    if path.is_dir():
        config = path / CONFIG_NAME
        if config.is_file():
            return _specs_from_config(config)
        candidates = [path / "graph.py", path / "agent.py"]
        for c in candidates:
            if c.is_file():
                return [GraphSpec(c.stem, c.resolve(), attr)]
        raise LoadError(f"{path}: no {CONFIG_NAME} or graph.py in this folder")
    if path.name == CONFIG_NAME or path.suffix == ".json":
        return _specs_from_config(path)
    if path.suffix != ".py":
        raise LoadError(f"{path}: expected a .py file, a {CONFIG_NAME} or a folder holding one")
    return [GraphSpec(attr or path.stem, path.resolve(), attr)]


def _specs_from_config(config: Path) -> list[GraphSpec]:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LoadError(f"{config}: cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{config}: not valid JSON: {exc}") from None
    graphs = data.get("graphs") if isinstance(data, dict) else None
    if not isinstance(graphs, dict) or not graphs:
        raise LoadError(
            f'{config}: no "graphs" map (expected {{"graphs": {{"name": "./graph.py:graph"}}}})'
        )
    specs = []
    for name, ref in graphs.items():
        if isinstance(ref, dict):  # {"path": "./graph.py:graph", "description": ...}
            ref = ref.get("path")
        if not isinstance(ref, str) or ":" not in ref:
            raise LoadError(f'{config}: graph "{name}" should be "./file.py:variable", got {ref!r}')
        file_part, _, attr = ref.rpartition(":")
        file = (config.parent / file_part).resolve()
        if not file.is_file():
            raise LoadError(f'{config}: graph "{name}": {file_part} does not exist')
        specs.append(GraphSpec(str(name), file, attr or None))
    return specs


def _is_compiled(obj: Any) -> bool:
    from langgraph.pregel import Pregel

    return isinstance(obj, Pregel)


def _is_builder(obj: Any) -> bool:
    from langgraph.graph import StateGraph

    return isinstance(obj, StateGraph)


def _import_file(path: Path, cache: dict[Path, Any]) -> Any:
    if path in cache:
        return cache[path]
    module_name = f"lgtui_user_graph_{len(cache)}_{path.stem}"
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # the graph's own imports, as `langgraph dev` allows
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(module_name, None)
        where = f"{exc.filename or path}:{exc.lineno}" if exc.lineno else str(path)
        raise LoadError(f"{where}: SyntaxError: {exc.msg}") from None
    except ImportError as exc:
        sys.modules.pop(module_name, None)
        raise LoadError(f"{path}: import failed: {type(exc).__name__}: {exc}") from None
    except BaseException as exc:  # the user's module raised while loading
        sys.modules.pop(module_name, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        frame = _user_frame(exc, path)
        raise LoadError(f"{frame}: {type(exc).__name__} while loading: {exc}") from None
    cache[path] = module
    return module


def _user_frame(exc: BaseException, path: Path) -> str:
    """The deepest traceback line inside the user's file, as ``file:line``."""
    where = str(path)
    for fs in traceback.extract_tb(exc.__traceback__):
        if Path(fs.filename).resolve() == path:
            where = f"{path}:{fs.lineno}"
    return where


def _found_graphs(module: Any) -> dict[str, Any]:
    found = {}
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if _is_compiled(value) or _is_builder(value):
            found[name] = value
    return found


def _materialize(obj: Any, where: str) -> Any:
    """A compiled graph from a compiled graph, a StateGraph builder or a graph factory."""
    if _is_compiled(obj):
        return obj
    if _is_builder(obj):
        try:
            return obj.compile()
        except Exception as exc:
            raise LoadError(f"{where}: the StateGraph does not compile: {exc}") from None
    if callable(obj):
        try:
            params = inspect.signature(obj).parameters
            result = obj({}) if params else obj()
            if inspect.isawaitable(result):
                raise LoadError(f"{where}: async graph factories are not supported yet")
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(
                f"{where}: the graph factory raised {type(exc).__name__}: {exc}"
            ) from None
        if hasattr(result, "__enter__") and not _is_compiled(result):
            raise LoadError(f"{where}: context-manager graph factories are not supported yet")
        return (
            _materialize(result, where) if not callable(result) or _is_builder(result) else result
        )
    raise LoadError(f"{where}: {type(obj).__name__} is not a graph")


def load_graphs(target: str) -> dict[str, Any]:
    """Import the graphs named by ``target``; ``{name: compiled graph}`` in a stable order."""
    specs = parse_target(target)
    cache: dict[Path, Any] = {}
    graphs: dict[str, Any] = {}
    for spec in specs:
        module = _import_file(spec.path, cache)
        if spec.attr is not None:
            if not hasattr(module, spec.attr):
                found = ", ".join(_found_graphs(module)) or "none"
                raise LoadError(f"{spec.path}: no graph named {spec.attr!r}; graphs found: {found}")
            graph = _materialize(getattr(module, spec.attr), f"{spec.path}:{spec.attr}")
            graphs[spec.name] = graph
            continue
        found = _found_graphs(module)
        compiled = {k: v for k, v in found.items() if _is_compiled(v)}
        pick = compiled or found
        if not pick:
            raise LoadError(
                f"{spec.path}: no graph found (looked for compiled graphs and StateGraph "
                "builders at module level; name one with FILE.py:variable)"
            )
        if len(pick) == 1:
            ((attr, obj),) = pick.items()
            graphs[attr] = _materialize(obj, f"{spec.path}:{attr}")
        else:
            for attr, obj in pick.items():
                graphs[attr] = _materialize(obj, f"{spec.path}:{attr}")
    return graphs
