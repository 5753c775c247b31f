"""The host's checkpointer and store: in memory as under `langgraph dev`, or the user's own.

- ``--checkpointer sqlite:PATH`` / ``postgresql://…``: langgraph's AsyncSqliteSaver /
  AsyncPostgresSaver on the user's database (which must hold a checkpoints table, or be
  a new SQLite file).
- The store is an ``InMemoryStore`` by default, configured from langgraph.json's
  ``store``: ``index`` (``embed`` is ``"./file.py:function"`` or a LangChain
  ``"provider:model"``, with ``dims`` and ``fields``) as the server configures it; its
  ``ttl`` is ignored in memory, as `langgraph dev` ignores it.  ``store.path`` names a
  store of the user's (an instance, or a function or context manager making one).
  ``--store sqlite:PATH`` / ``postgresql://…`` opens langgraph's SqliteStore /
  PostgresStore there, with the same index and ttl.
"""

from __future__ import annotations

import importlib
import importlib.util
import sqlite3
import sys
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lgtui.sources.base import LoadError


def redact(url: str) -> str:
    """A database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _is_postgres(spec: str) -> bool:
    return spec.startswith(("postgres://", "postgresql://"))


def _sqlite_path(spec: str, flag: str) -> Path:
    if not spec.startswith("sqlite:"):
        raise LoadError(f"{flag} {spec!r}: expected sqlite:PATH or postgresql://…")
    path = Path(spec.removeprefix("sqlite:").removeprefix("//")).expanduser()
    if path.is_dir():
        raise LoadError(f"{path}: is a folder, not a SQLite database")
    if not path.exists() and not path.parent.is_dir():
        raise LoadError(f"{path}: folder {path.parent} does not exist")
    return path


def _sqlite_tables(path: Path) -> set[str]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise LoadError(f"{path}: not a SQLite database ({exc})") from None


def _need(module: str, extra: str, what: str) -> None:
    if importlib.util.find_spec(module.split(".")[0]) is None:
        raise LoadError(f"{what} need {module.split('.')[0]}: pip install 'lgtui[{extra}]'")
    try:
        importlib.import_module(module)
    except ImportError:
        raise LoadError(f"{what} need {module}: pip install 'lgtui[{extra}]'") from None


_NOT_IN_METADATA = {"checkpoint_ns", "checkpoint_id", "run_id", "thread_id"}
_TRANSIENT = {
    "langgraph_request_id",
    "langgraph_auth_user",
    "langgraph_auth_user_id",
    "langgraph_auth_permissions",
}


def memory_saver(serde_config: dict[str, Any] | None = None) -> Any:
    """An in-memory checkpointer that keeps what `langgraph dev`'s keeps.

    Its serializer falls back to pickle for objects msgpack cannot hold (langgraph.json's
    ``checkpointer.serde.pickle_fallback``, default on, as the server), and a checkpoint's
    metadata gathers the run's plain ``configurable`` values and its config ``metadata``
    (``thread_id`` included), as the server's saver writes it.
    """
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde_config = serde_config or {}
    allowed = serde_config.get("allowed_json_modules")
    serde = JsonPlusSerializer(
        pickle_fallback=bool(serde_config.get("pickle_fallback", True)),
        allowed_json_modules=allowed
        if allowed is True or allowed is None
        else [tuple(x) for x in allowed],
    )

    class ServerMemorySaver(InMemorySaver):
        def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            conf = config.get("configurable") or {}
            metadata = {
                **{
                    k: v
                    for k, v in conf.items()
                    if not k.startswith("__") and k not in _NOT_IN_METADATA and k not in _TRANSIENT
                },
                **{k: v for k, v in (config.get("metadata") or {}).items() if k not in _TRANSIENT},
                **{k: v for k, v in metadata.items() if k not in _TRANSIENT},
            }
            if not isinstance(checkpoint["id"], str):
                checkpoint = {**checkpoint, "id": str(checkpoint["id"])}
            return super().put(config, checkpoint, metadata, new_versions)

    return ServerMemorySaver(serde=serde)


async def open_checkpointer(
    spec: str | None, stack: AsyncExitStack, serde_config: dict[str, Any] | None = None
) -> Any:
    """The checkpointer runs use; its connection closes with ``stack``."""
    if not spec:
        return memory_saver(serde_config)
    if _is_postgres(spec):
        _need(
            "langgraph.checkpoint.postgres.aio",
            "postgres",
            "PostgreSQL checkpointers",
        )
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        conn = await _pg_connect(spec, stack)
        async with conn.cursor() as cursor:
            await cursor.execute("SELECT to_regclass('checkpoints') IS NOT NULL AS found")
            row = await cursor.fetchone()
        if not row or not row["found"]:
            raise LoadError(
                f"{redact(spec)}: not a LangGraph checkpoint database (no checkpoints table; "
                "run your application's checkpointer.setup() first)"
            )
        saver = AsyncPostgresSaver(conn)
        await saver.setup()
        return saver
    path = _sqlite_path(spec, "--checkpointer")
    _need("langgraph.checkpoint.sqlite.aio", "sqlite", "SQLite checkpointers")
    if path.exists():
        tables = _sqlite_tables(path)
        if "checkpoints" not in tables:
            found = ", ".join(sorted(tables)) or "none"
            raise LoadError(
                f"{path}: not a LangGraph checkpoint database (no checkpoints table; tables: {found})"
            )
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    conn = await aiosqlite.connect(str(path))
    stack.push_async_callback(conn.close)
    sqlite_saver = AsyncSqliteSaver(conn)
    await sqlite_saver.setup()
    return sqlite_saver


async def _pg_connect(url: str, stack: AsyncExitStack) -> Any:
    import psycopg
    from psycopg import AsyncConnection
    from psycopg.rows import dict_row

    try:
        conn = await AsyncConnection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row, connect_timeout=5
        )
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise LoadError(f"cannot connect to {redact(url)}: {reason}") from None
    stack.push_async_callback(conn.close)
    return conn


# -- the store --------------------------------------------------------------------------------


def _load_from_file(ref: str, what: str, *, strip_dots: bool) -> Any:
    """``"./file.py:name"`` (a file, relative to the project) or ``"pkg.mod:name"``."""
    module_part, _, name = ref.rpartition(":")
    module_part = module_part.rstrip(":")
    if not name:
        raise LoadError(f"{what} {ref!r}: expected ./file.py:name")
    try:
        if "/" in module_part or module_part.endswith(".py"):
            modname = module_part.replace("/", "__").replace(".py", "").replace(" ", "_")
            if strip_dots:
                modname = modname.lstrip(".")
            spec = importlib.util.spec_from_file_location(modname, module_part)
            if spec is None or spec.loader is None:
                raise LoadError(f"{what}: cannot find {module_part}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[modname] = module
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_part)
    except LoadError:
        raise
    except FileNotFoundError:
        raise LoadError(f"{what}: cannot find {module_part}") from None
    except Exception as exc:
        raise LoadError(f"{what} {ref}: {type(exc).__name__}: {exc}") from None
    if not hasattr(module, name):
        raise LoadError(f"{what}: {module_part} has no {name!r}")
    return getattr(module, name)


def embeddings(index: dict[str, Any]) -> Any:
    """``index.embed`` resolved as the server resolves it."""
    from langchain_core.embeddings import Embeddings
    from langgraph.store.base import ensure_embeddings

    embed = index.get("embed")
    if isinstance(embed, Embeddings):
        return embed
    if not isinstance(embed, str):
        raise LoadError(f"langgraph.json: store.index.embed must be a string, got {embed!r}")
    if ".py:" in embed:
        fn = _load_from_file(embed, "store.index.embed", strip_dots=False)
        if isinstance(fn, Embeddings):
            return fn
        if not callable(fn):
            raise LoadError(f"store.index.embed {embed}: not callable")
        return ensure_embeddings(fn)
    try:
        from langchain.embeddings import init_embeddings
    except ImportError:
        raise LoadError(
            f"store.index.embed {embed!r}: provider:model embeddings need the langchain "
            "package (pip install langchain), or name a function: ./embeddings.py:embed"
        ) from None
    try:
        return init_embeddings(embed)
    except Exception as exc:
        raise LoadError(f"store.index.embed {embed!r}: {type(exc).__name__}: {exc}") from None


def _index(config: dict[str, Any] | None) -> dict[str, Any] | None:
    index = (config or {}).get("index")
    if not index:
        return None
    if not isinstance(index, dict):
        raise LoadError("langgraph.json: store.index must be an object")
    return {**index, "embed": embeddings(index)}


async def open_store(spec: str | None, config: dict[str, Any] | None, stack: AsyncExitStack) -> Any:
    """The store every run gets (``runtime.store``, an injected ``store``)."""
    index = _index(config)
    ttl = (config or {}).get("ttl") or None
    if spec:
        return await _user_store(spec, index, ttl, stack)
    if config and config.get("path"):
        value = _load_from_file(str(config["path"]), "store.path", strip_dots=True)
        return await _enter(value, stack)
    from langgraph.store.memory import InMemoryStore

    return InMemoryStore(index=index) if index else InMemoryStore()  # type: ignore[arg-type]


async def _enter(value: Any, stack: AsyncExitStack) -> Any:
    import asyncio

    from langgraph.store.base import BaseStore

    if isinstance(value, BaseStore):
        return value
    if hasattr(value, "__aenter__"):
        return await stack.enter_async_context(value)
    if hasattr(value, "__enter__"):
        return stack.enter_context(value)
    if asyncio.iscoroutine(value):
        return await _enter(await value, stack)
    if callable(value):
        return await _enter(value(), stack)
    raise LoadError(f"store.path: {type(value).__name__} is not a store")


async def _user_store(
    spec: str, index: dict[str, Any] | None, ttl: Any, stack: AsyncExitStack
) -> Any:
    kwargs: dict[str, Any] = {}
    if index:
        kwargs["index"] = index
    if ttl:
        kwargs["ttl"] = ttl
    if _is_postgres(spec):
        _need("langgraph.store.postgres.aio", "postgres", "PostgreSQL stores")
        from langgraph.store.postgres.aio import AsyncPostgresStore

        conn = await _pg_connect(spec, stack)
        store: Any = AsyncPostgresStore(conn, **kwargs)
    else:
        path = _sqlite_path(spec, "--store")
        _need("langgraph.store.sqlite.aio", "sqlite", "SQLite stores")
        if path.exists() and not {"store"} <= _sqlite_tables(path):
            tables = _sqlite_tables(path)
            if tables and "store" not in tables:
                found = ", ".join(sorted(tables))
                raise LoadError(f"{path}: not a LangGraph store database (tables: {found})")
        import aiosqlite
        from langgraph.store.sqlite.aio import AsyncSqliteStore

        conn = await aiosqlite.connect(str(path), isolation_level=None)
        stack.push_async_callback(conn.close)
        store = AsyncSqliteStore(conn, **kwargs)
    try:
        await store.setup()
    except Exception as exc:
        raise _store_error(spec, exc, bool(index)) from None
    if ttl and hasattr(store, "start_ttl_sweeper"):
        try:
            await store.start_ttl_sweeper()
            stack.push_async_callback(store.stop_ttl_sweeper)
        except Exception:
            pass
    return store


def _store_error(spec: str, exc: Exception, indexed: bool) -> LoadError:
    where = redact(spec)
    text = " ".join(str(exc).split())
    if indexed and "enable_load_extension" in text:
        return LoadError(
            f"--store {where}: the store's vector index (langgraph.json store.index) needs "
            "SQLite extensions (sqlite-vec), and this Python's sqlite3 cannot load any; "
            "use the in-memory store or --store postgresql://… with pgvector"
        )
    if indexed and "vector" in text and "extension" in text:
        return LoadError(
            f"--store {where}: the store's vector index (langgraph.json store.index) needs "
            f"the pgvector extension on that server: {text[:300]}"
        )
    return LoadError(f"--store {where}: {type(exc).__name__}: {text[:300]}")
