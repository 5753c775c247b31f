"""Where events come from: a server (`remote`), this process (`embedded`), or a capture."""

from lgtui.sources.base import (
    NEW_THREAD,
    ConnectError,
    HTTPStatusError,
    LoadError,
    RunHandle,
    RunRequest,
    Source,
    SourceError,
    UsageError,
)

__all__ = [
    "NEW_THREAD",
    "ConnectError",
    "HTTPStatusError",
    "LoadError",
    "RunHandle",
    "RunRequest",
    "Source",
    "SourceError",
    "UsageError",
]
