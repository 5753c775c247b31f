"""What ``lgtui open PATH`` names: ``graph.py``, ``graph.py:name``, a ``langgraph.json``, or
a folder holding one -- read without importing anything.

The app checks the target here, before it starts the engine host, so a mistyped path
or a broken langgraph.json is one line at once.  Importing the graphs is the host's
job (`lgtui.host.project`).  Errors are `LoadError`s that name the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lgtui.sources.base import LoadError

CONFIG_NAME = "langgraph.json"
_PYTHON_VERSION = re.compile(r"^\d+\.\d+(-\w+)?$")


@dataclass
class GraphSpec:
    """One graph to serve: its name (the assistant / graph id) and where it lives.

    From a langgraph.json, ``config`` is that file and ``ref`` the graph's entry as
    written (``"./src/agent/graph.py:graph"`` or ``"agent.graph:graph"``); ``path`` is
    the file when the entry names one.  For a bare ``graph.py``, ``config`` is None and
    ``attr`` the ``:name`` given, if any.
    """

    name: str
    path: Path
    attr: str | None
    config: Path | None = None
    ref: str | None = None
    description: str | None = None


def _looks_like_a_host(target: str) -> bool:
    """``localhost:2024``, ``example.com/api``, ``10.0.0.5:8123``: a URL typed without
    its scheme (never a Python or JSON file name)."""
    if target.endswith((".py", ".json")):
        return False
    host = r"(localhost|\d{1,3}(\.\d{1,3}){3}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)"
    return re.fullmatch(host + r"(:\d{1,5})?(/\S*)?", target) is not None and (
        ":" in target or not target.startswith("localhost") or target == "localhost"
    )


def parse_target(target: str) -> list[GraphSpec]:
    """Turn the PATH argument of `lgtui open` into graph specs, without importing anything."""
    path_part, attr = target, None
    # "graph.py:name" -- but not a Windows drive letter.
    if ":" in target and not Path(target).exists():
        path_part, _, attr = target.rpartition(":")
        attr = attr or None
    path = Path(path_part).expanduser()
    if not path.exists():
        hint = f" (did you mean http://{target}?)" if _looks_like_a_host(target) else ""
        raise LoadError(f"{path_part}: no such file or directory{hint}")
    if path.is_dir():
        config = path / CONFIG_NAME
        if config.is_file():
            return specs_from_config(config)
        candidates = [path / "graph.py", path / "agent.py"]
        for c in candidates:
            if c.is_file():
                return [GraphSpec(attr or c.stem, c.resolve(), attr)]
        raise LoadError(f"{path}: no {CONFIG_NAME} or graph.py in this folder")
    if path.name == CONFIG_NAME or path.suffix == ".json":
        return specs_from_config(path)
    if path.suffix != ".py":
        raise LoadError(f"{path}: expected a .py file, a {CONFIG_NAME} or a folder holding one")
    return [GraphSpec(attr or path.stem, path.resolve(), attr)]


def read_config(path: Path) -> dict[str, Any]:
    """``langgraph.json`` checked as `langgraph dev` checks it; LoadError names the problem.

    Required: a ``graphs`` map, and for Python graphs ``dependencies`` (or a ``source``
    of kind ``uv``); ``python_version`` is ``major.minor``.  Other keys are ignored.
    """
    data = _read_graphs(path)
    _check_config(path, data)
    return data


def _read_graphs(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise LoadError(f"{path}: expected a JSON object")
    graphs = data.get("graphs")
    if not isinstance(graphs, dict) or not graphs:
        raise LoadError(
            f'{path}: no "graphs" map (expected {{"graphs": {{"name": "./graph.py:graph"}}}})'
        )
    return data


def _check_config(path: Path, data: dict[str, Any]) -> None:
    if data.get("node_version"):
        raise LoadError(f"{path}: JavaScript graphs (node_version) are not supported")
    version = data.get("python_version")
    if version is not None and (not isinstance(version, str) or not _PYTHON_VERSION.match(version)):
        raise LoadError(f'{path}: "python_version" must be "major.minor", got {version!r}')
    deps = data.get("dependencies", [])
    source = data.get("source")
    uv = isinstance(source, dict) and source.get("kind") == "uv"
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise LoadError(f'{path}: "dependencies" must be a list of strings')
    if not deps and not uv:
        raise LoadError(
            f'{path}: no "dependencies" (langgraph dev refuses it too): '
            'add "dependencies": ["."] for the project folder'
        )
    env = data.get("env")
    if env is not None and not isinstance(env, str | dict):
        raise LoadError(f'{path}: "env" must be a .env file path or an object')
    store = data.get("store")
    if store is not None and not isinstance(store, dict):
        raise LoadError(f'{path}: "store" must be an object')


def specs_from_config(config: Path) -> list[GraphSpec]:
    """The graphs of a langgraph.json (each file must exist), then the rest of it checked."""
    data = _read_graphs(config)
    specs = []
    for name, entry in data["graphs"].items():
        description = None
        ref = entry
        if isinstance(entry, dict):  # {"path": "./graph.py:graph", "description": ...}
            ref = entry.get("path")
            description = entry.get("description")
        if not isinstance(ref, str) or ":" not in ref:
            raise LoadError(
                f'{config}: graph "{name}" should be "./file.py:variable" or '
                f'"package.module:variable", got {ref!r}'
            )
        file_part, _, attr = ref.rpartition(":")
        if not attr:
            raise LoadError(f'{config}: graph "{name}": {ref!r} names no variable after ":"')
        if file_part.endswith((".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".jsx", ".tsx")):
            raise LoadError(f'{config}: graph "{name}" is a JavaScript graph: not supported')
        if "/" in file_part:
            file = (config.parent / file_part).resolve()
            if not file.is_file():
                raise LoadError(f'{config}: graph "{name}": {file_part} does not exist')
        else:
            file = config.parent  # a module, found on the import path by the host
        specs.append(
            GraphSpec(
                str(name),
                file,
                attr,
                config=config.resolve(),
                ref=ref,
                description=description if isinstance(description, str) else None,
            )
        )
    _check_config(config, data)
    return specs
