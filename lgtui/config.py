"""User settings: `config.toml` in the user config folder. No Textual here.

    # ~/.config/lgtui/config.toml (Linux; `lgtui keys` prints where it is on this machine)
    theme = "nord"            # any Textual theme; picking one in the app writes it here

    [keys]                    # binding id = keys (comma-separated); `lgtui keys` lists ids
    "replay.play" = "p,space"
    "main.follow" = "F"

A file that cannot be read or parsed never stops the app: it starts with the defaults and
says what was wrong, one line per problem.  `LGTUI_CONFIG` names another file (tests use
it so that they never touch the user's own).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ENV = "LGTUI_CONFIG"
_KEY = re.compile(r"^[\w.+-]+(,[\w.+-]+)*$")


def config_path() -> Path:
    explicit = os.environ.get(ENV)
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_config_path

    return user_config_path("lgtui") / "config.toml"


@dataclass
class Config:
    path: Path
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line each, for the user


def load(path: Path | None = None) -> Config:
    """The settings in ``path`` (default: `config_path()`); defaults where it is wrong."""
    path = path or config_path()
    config = Config(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        config.problems.append(f"{path}: cannot read it ({reason}); using the defaults")
        return config
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{path}: not valid TOML ({exc}); using the defaults")
        return config
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme:
            config.theme = theme
        else:
            config.problems.append(f"{path}: theme must be a theme's name, not {theme!r}")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        config.problems.append(f"{path}: [keys] must be a table of binding id = keys")
        keys = {}
    for binding_id, value in keys.items():
        if isinstance(value, str) and _KEY.match(value.replace(" ", "")):
            config.keys[str(binding_id)] = value.replace(" ", "")
        else:
            config.problems.append(
                f'{path}: keys."{binding_id}" must be key names separated by commas, '
                f'like "ctrl+f,/", not {value!r}'
            )
    for name in sorted(set(data) - {"theme", "keys"}):
        config.problems.append(f"{path}: unknown setting {name!r} (ignored)")
    return config


_THEME_LINE = re.compile(r"^\s*theme\s*=.*$", re.MULTILINE)


def save_theme(theme: str, path: Path | None = None) -> str | None:
    """Remember ``theme`` in the config file, keeping everything else in it as written.

    Returns None, or why it could not be saved (the app says so and goes on)."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        return f"theme not saved: cannot read {path} ({exc})"
    line = f"theme = {json.dumps(theme)}"
    first_table = re.search(r"^\s*\[", text, re.MULTILINE)
    head_end = first_table.start() if first_table else len(text)
    head, rest = text[:head_end], text[head_end:]
    if _THEME_LINE.search(head):
        head = _THEME_LINE.sub(line, head, count=1)
    else:
        head = line + "\n" + head
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".config-", delete=False
        ) as tmp:
            tmp.write(head + rest)
        os.replace(tmp.name, path)
    except OSError as exc:
        return f"theme not saved: cannot write {path} ({exc.strerror or exc})"
    return None
