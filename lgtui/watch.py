"""`lgtui open --watch`: the project's files, looked at for a change (modification time
and size), so the engine host can be started again on the new code.

Polling, with no dependency: a project of a few hundred files is read in a millisecond
or two, once a second.  What is looked at: Python files, langgraph.json and other
JSON/TOML/YAML files, and ``.env`` files, under the project's folder -- not in hidden
folders, virtual environments, caches or node_modules; at most `MAX_FILES`.
No Textual here.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from lgtui.sources.loader import parse_target

MAX_FILES = 5_000
SUFFIXES = {".py", ".json", ".toml", ".yaml", ".yml"}
SKIPPED = {"node_modules", "__pycache__", "venv", "env", "site-packages", "dist", "build"}


def project_root(target: str) -> Path:
    """The folder a target's project lives in (a graph file's, langgraph.json's, or the
    folder given); `LoadError` for a target that names nothing."""
    parse_target(target)  # (a wrong path: said as `lgtui open` says it)
    path_part = target
    if ":" in target and not Path(target).exists():
        path_part = target.rpartition(":")[0]
    path = Path(path_part).expanduser().resolve()
    return path if path.is_dir() else path.parent


def _watched(name: str) -> bool:
    return Path(name).suffix in SUFFIXES or name == ".env" or name.startswith(".env.")


class ProjectFiles:
    """A project's files as last seen; `changed` says which differ now."""

    def __init__(self, root: Path, limit: int = MAX_FILES) -> None:
        self.root = root
        self.limit = limit
        self.truncated = False  # more files than `limit`: the first ones are watched
        self.seen = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Relative path -> (modification time in ns, size)."""
        found: dict[str, tuple[int, int]] = {}
        self.truncated = False
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED)
            for name in sorted(files):
                if not _watched(name):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                found[os.path.relpath(path, self.root)] = (st.st_mtime_ns, st.st_size)
                if len(found) >= self.limit:
                    self.truncated = True
                    return found
        return found

    def changed(self) -> list[str]:
        """The files changed, added or removed since the last call (or since made)."""
        now = self.snapshot()
        before, self.seen = self.seen, now
        return sorted(p for p in before.keys() | now.keys() if before.get(p) != now.get(p))


def state_folder(root: Path) -> Path:
    """Where a watched project's threads and store live between reloads: one folder per
    project under lgtui's data folder, only the user's (0700)."""
    from platformdirs import user_data_path

    from lgtui.files import private_folder

    key = hashlib.sha256(str(root).encode()).hexdigest()[:16]
    return private_folder(user_data_path("lgtui") / "watch" / f"{root.name}-{key}")


def said(changed: list[str], limit: int = 3) -> str:
    """``graph.py``, ``graph.py, tools.py and 2 more``."""
    shown = ", ".join(changed[:limit])
    return shown + (f" and {len(changed) - limit} more" if len(changed) > limit else "")
