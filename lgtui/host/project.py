"""Load the user's project in the engine host, the way `langgraph dev` loads it.

The rules (each held by a test; docs/embedded.md lists them):

- A ``langgraph.json`` is validated as `langgraph dev` validates it: a ``graphs`` map is
  required, Python projects need ``dependencies`` (or ``source.kind = "uv"``), and
  ``python_version`` must be ``major.minor``; unknown keys are ignored.
- The host runs in the config's folder, as `langgraph dev` is run from there.
- ``env``: a dict, or the path of a ``.env`` file, set before any graph is imported; its
  values override the inherited environment.
- ``sys.path``: the folder and each local dependency folder are *appended* (installed
  packages win); a local dependency with a ``pyproject.toml``/``setup.py`` is a package
  the server would ``pip install``, so its ``src/`` (src layout) goes on the path too.
  The graph's own folder is not put first, so a project imports what the server imports.
  A bare ``graph.py`` (no langgraph.json) gets its folder first, as ``python graph.py``.
- A graph ``"./path/file.py:var"`` is imported from the file as module
  ``path.replace("/", "__")`` minus ``.py``, leading dots stripped; ``"pkg.mod:var"``
  (no slash) with ``importlib.import_module``.
- ``var`` may be a compiled graph, a ``StateGraph`` (compiled once), or a factory: a
  function of no argument, of a ``RunnableConfig``, of a ``ServerRuntime`` (by
  annotation), or of both; sync or async, or returning a context manager. Factories
  are called for each run, with that run's config (see runtime.py).
- A compiled graph with its own checkpointer or store is refused, as `langgraph dev`
  refuses it (the platform provides both).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import re
import sys
import traceback
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lgtui.sources.base import LoadError
from lgtui.sources.loader import CONFIG_NAME, GraphSpec, parse_target, read_config


@dataclass
class Graph:
    """One graph the host serves."""

    graph_id: str
    value: Any  # a compiled graph, or a factory to call per run
    where: str  # "./graph.py:graph", for messages
    description: str | None = None
    factory_args: tuple[str, ...] | None = (
        None  # ("config", "runtime") in call order; None: not a factory
    )
    factory_names: tuple[str, ...] = ()  # the parameter names those go to

    @property
    def is_factory(self) -> bool:
        return self.factory_args is not None


@dataclass
class Project:
    """What the host loaded: graphs in order, and how the project is configured."""

    root: Path
    config_path: Path | None
    graphs: dict[str, Graph]
    store_config: dict[str, Any] | None = None
    checkpointer_config: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    env_keys: list[str] = field(default_factory=list)  # names only: values may be secrets


# -- langgraph.json -------------------------------------------------------------------------


def _dotenv(path: Path) -> dict[str, str]:
    """A .env file's variables (python-dotenv's parser when it is there, as the server)."""
    try:
        from dotenv.main import DotEnv
    except ImportError:
        values: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, _, value = line.removeprefix("export ").partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key.strip()] = value
        return values
    return {k: v for k, v in (DotEnv(dotenv_path=path).dict() or {}).items() if v is not None}


def apply_env(config: dict[str, Any], root: Path, warnings: list[str] | None = None) -> list[str]:
    """Set ``env`` before anything of the project is imported; the names set.  A missing
    .env file sets nothing, as under `langgraph dev` (projects ship a .env.example)."""
    env = config.get("env")
    if not env:
        return []
    if isinstance(env, str):
        path = (root / env).resolve()
        if not path.is_file():
            if warnings is not None:
                warnings.append(f"env file {env} of langgraph.json does not exist: nothing set")
            return []
        try:
            values = _dotenv(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(f"{path}: cannot read the env file: {exc}") from None
    else:
        values = {str(k): str(v) for k, v in env.items() if v is not None}
    os.environ.update(values)
    return sorted(values)


def apply_dependencies(config: dict[str, Any], root: Path) -> list[str]:
    """Local dependency folders onto sys.path (appended); warnings for missing packages."""
    warnings = []
    _append_path(root)
    for dep in config.get("dependencies", []):
        if dep.startswith("."):
            folder = (root / dep).resolve()
            if not folder.is_dir():
                raise LoadError(f"{root / CONFIG_NAME}: local dependency {dep} is not a folder")
            _append_path(folder)
            is_package = (folder / "pyproject.toml").is_file() or (folder / "setup.py").is_file()
            if is_package and (folder / "src").is_dir():
                _append_path(folder / "src")
            continue
        name = re.split(r"[\s\[<>=!~;@]", dep, maxsplit=1)[0]
        if name and not _installed(name):
            warnings.append(
                f"dependency {dep!r} of langgraph.json is not installed in this environment"
            )
    return warnings


def _installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
        return True
    except importlib.metadata.PackageNotFoundError:
        return importlib.util.find_spec(name.replace("-", "_")) is not None
    except Exception:
        return True


def _append_path(folder: Path) -> None:
    text = str(folder)
    if text not in sys.path:
        sys.path.append(text)


# -- importing graphs -------------------------------------------------------------------------


def module_name(path: str) -> str:
    """The module name `langgraph dev` gives a graph file named ``path`` in langgraph.json."""
    return path.replace("/", "__").replace(".py", "").replace(" ", "_").lstrip(".")


def _import_file(ref: str, file: Path, cache: dict[str, Any]) -> Any:
    name = module_name(ref)
    if name in cache:
        return cache[name]
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise LoadError(f"{file}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(name, None)
        raise _load_error(exc, file) from None
    cache[name] = module
    return module


def _import_module(ref: str, cache: dict[str, Any]) -> Any:
    if ref in cache:
        return cache[ref]
    try:
        module = importlib.import_module(ref)
    except BaseException as exc:
        raise _load_error(exc, None, ref) from None
    cache[ref] = module
    return module


def _load_error(exc: BaseException, file: Path | None, module: str | None = None) -> LoadError:
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    where = str(file) if file else str(module)
    if isinstance(exc, SyntaxError):
        spot = f"{exc.filename or where}:{exc.lineno}" if exc.lineno else where
        return LoadError(f"{spot}: SyntaxError: {exc.msg}")
    if isinstance(exc, ImportError):
        hint = ""
        if module and module.endswith(".py"):
            hint = f' (a file path needs a slash: "./{module}:…")'
        return LoadError(f"{where}: import failed: {type(exc).__name__}: {exc}{hint}")
    if isinstance(exc, SystemExit):
        return LoadError(f"{where}: the module called sys.exit({exc.code!r}) while loading")
    spot = where
    for fs in traceback.extract_tb(exc.__traceback__):
        if file is not None and Path(fs.filename).resolve() == file:
            spot = f"{file}:{fs.lineno}"
    return LoadError(f"{spot}: {type(exc).__name__} while loading: {exc}")


def _is_compiled(obj: Any) -> bool:
    from langgraph.pregel import Pregel

    return isinstance(obj, Pregel)


def _is_builder(obj: Any) -> bool:
    from langgraph.graph import StateGraph

    return isinstance(obj, StateGraph)


def _compile(builder: Any, where: str) -> Any:
    try:
        return builder.compile()
    except Exception as exc:
        raise LoadError(f"{where}: the StateGraph does not compile: {exc}") from None


def _is_runtime_annotation(annotation: Any) -> bool:
    """Whether a factory parameter is annotated as langgraph-sdk's ``ServerRuntime``."""
    if annotation is inspect.Parameter.empty:
        return False
    try:
        from langgraph_sdk.runtime import ServerRuntime, _ExecutionRuntime, _ReadRuntime
    except ImportError:  # an older langgraph-sdk: no server runtime
        return isinstance(annotation, str) and "ServerRuntime" in annotation
    if annotation is ServerRuntime:
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, _ExecutionRuntime | _ReadRuntime)
    if isinstance(annotation, str):
        return annotation.split("[")[0].strip().endswith("ServerRuntime")
    origin = typing.get_origin(annotation)
    if origin is not None:
        if origin is ServerRuntime:
            return True
        args = typing.get_args(annotation)
        return bool(args) and _is_runtime_annotation(args[0])
    return False


def classify_factory(fn: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a factory takes, by its signature, as the server tells: ``(kinds, names)``."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return (), ()
    try:
        from langchain_core.runnables import RunnableConfig

        localns: dict[str, Any] = {"RunnableConfig": RunnableConfig, "Config": RunnableConfig}
        try:
            from langgraph_sdk.runtime import ServerRuntime

            localns["ServerRuntime"] = ServerRuntime
        except ImportError:
            pass
        hints = typing.get_type_hints(fn, localns=localns)
    except Exception:
        hints = {}

    def annotation(p: inspect.Parameter) -> Any:
        return hints.get(p.name, p.annotation)

    if not params:
        return (), ()
    if len(params) == 1:
        kind = "runtime" if _is_runtime_annotation(annotation(params[0])) else "config"
        return (kind,), (params[0].name,)
    if len(params) == 2:
        runtime = [i for i, p in enumerate(params) if _is_runtime_annotation(annotation(p))]
        if len(runtime) != 1:
            raise LoadError(
                f"{where}: a graph factory of two arguments takes a RunnableConfig and a "
                "ServerRuntime (annotate which is which)"
            )
        kinds = ["config", "config"]
        kinds[runtime[0]] = "runtime"
        return tuple(kinds), tuple(p.name for p in params)
    raise LoadError(
        f"{where}: a graph factory takes 0, 1 or 2 arguments, not {len(params)} "
        f"({', '.join(p.name for p in params)})"
    )


def _graph_value(obj: Any, where: str, *, refuse_own_persistence: bool) -> Graph:
    if _is_compiled(obj):
        if refuse_own_persistence:
            _refuse_custom_persistence(obj, where)
        return Graph("", obj, where)
    if _is_builder(obj):
        return Graph("", _compile(obj, where), where)
    if callable(obj):
        kinds, names = classify_factory(obj, where)
        return Graph("", obj, where, factory_args=kinds, factory_names=names)
    raise LoadError(f"{where}: {type(obj).__name__} is not a graph or a graph factory")


def _refuse_custom_persistence(graph: Any, where: str) -> None:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.store.base import BaseStore

    parts = []
    if isinstance(graph.checkpointer, BaseCheckpointSaver):
        parts.append(f"checkpointer ({type(graph.checkpointer).__name__})")
    if isinstance(graph.store, BaseStore):
        parts.append(f"store ({type(graph.store).__name__})")
    if parts:
        what = " and ".join(parts)
        raise LoadError(
            f"{where}: the graph is compiled with its own {what}; langgraph dev refuses "
            "it too, as the platform provides persistence: compile it without"
        )


def _exported(module: Any) -> dict[str, Any]:
    """The graphs a bare graph.py exports: ``__all__`` if it names graphs, else every
    module-level graph that is not a subgraph of another; ``graph`` first."""
    names = getattr(module, "__all__", None)
    found: dict[str, Any] = {}
    pool = (
        [n for n in names if isinstance(n, str)]
        if isinstance(names, list | tuple)
        else [n for n in vars(module) if not n.startswith("_")]
    )
    for name in pool:
        value = getattr(module, name, None)
        if _is_compiled(value) or _is_builder(value):
            found[name] = value
    compiled = {k: v for k, v in found.items() if _is_compiled(v)}
    if compiled:
        inner = set()
        for graph in compiled.values():
            for node in getattr(graph, "nodes", {}).values():
                for sub in _subgraphs_of(node):
                    inner.add(id(sub))
        top = {k: v for k, v in compiled.items() if id(v) not in inner}
        found = top or compiled
    if "graph" in found:
        found = {"graph": found.pop("graph"), **found}
    return found


def _subgraphs_of(node: Any) -> list[Any]:
    try:
        return list(node.subgraphs or [])
    except Exception:
        return []


def load_project(target: str) -> Project:
    """Import the graphs ``target`` names; the process is the host's, so imports stay here."""
    specs = parse_target(target)
    cache: dict[str, Any] = {}
    config_path = specs[0].config
    graphs: dict[str, Graph] = {}
    if config_path is None:
        return _load_bare(specs[0], cache)
    root = config_path.parent
    os.chdir(root)
    config = read_config(config_path)
    warnings: list[str] = []
    env_keys = apply_env(config, root, warnings)
    warnings += apply_dependencies(config, root)
    for spec in specs:
        ref = spec.ref or ""
        path_part, _, variable = ref.rpartition(":")
        where = ref
        if "/" in path_part:
            module = _import_file(path_part, (root / path_part).resolve(), cache)
        else:
            module = _import_module(path_part, cache)
        if variable not in vars(module):
            likely = [k for k, v in vars(module).items() if _is_compiled(v) or _is_builder(v)]
            found = ", ".join(likely) or "none"
            raise LoadError(f"{where}: no variable {variable!r}; graphs found: {found}")
        graph = _graph_value(vars(module)[variable], where, refuse_own_persistence=True)
        graph.graph_id, graph.description = spec.name, spec.description
        graphs[spec.name] = graph
    checkpointer = config.get("checkpointer")
    return Project(
        root,
        config_path,
        graphs,
        config.get("store"),
        checkpointer if isinstance(checkpointer, dict) else None,
        warnings,
        env_keys,
    )


def _load_bare(spec: GraphSpec, cache: dict[str, Any]) -> Project:
    folder = str(spec.path.parent)
    if folder in sys.path:
        sys.path.remove(folder)
    sys.path.insert(0, folder)
    ref = f"./{spec.path.name}"
    module = _import_file(ref, spec.path, cache)
    graphs: dict[str, Graph] = {}
    if spec.attr is not None:
        if not hasattr(module, spec.attr):
            names = ", ".join(_exported(module)) or "none"
            raise LoadError(f"{spec.path}: no graph named {spec.attr!r}; graphs found: {names}")
        graph = _graph_value(
            getattr(module, spec.attr), f"{spec.path}:{spec.attr}", refuse_own_persistence=False
        )
        graph.graph_id = spec.name
        graphs[spec.name] = graph
    else:
        found = _exported(module)
        if not found:
            raise LoadError(
                f"{spec.path}: no graph found (looked for compiled graphs and StateGraph "
                "builders at module level; name one with FILE.py:variable)"
            )
        for name, value in found.items():
            graph = _graph_value(value, f"{spec.path}:{name}", refuse_own_persistence=False)
            graph.graph_id = name
            graphs[name] = graph
    return Project(spec.path.parent, None, graphs)
