"""The inputs a user ran, per assistant, newest last: the New run dialog's history (like a
shell's: ctrl+up and ctrl+down go through it).  Kept beside config.toml in a private file
(inputs hold conversations: 0600), bounded; a damaged file is started afresh, never an
error."""

from __future__ import annotations

import json
from pathlib import Path

from lgtui.config import config_path

KEPT = 30  # inputs per assistant
MAX_INPUT = 64_000  # characters: a bigger input is not kept
MAX_ASSISTANTS = 200


def history_path() -> Path:
    return config_path().with_name("inputs.json")


def load(path: Path | None = None) -> dict[str, list[str]]:
    path = path or history_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): [str(t) for t in v if isinstance(t, str)][-KEPT:]
        for k, v in list(data.items())[-MAX_ASSISTANTS:]
        if isinstance(v, list)
    }


def remember(assistant: str, text: str, path: Path | None = None) -> None:
    """Add ``text`` as the newest input of ``assistant`` (once: a repeat moves to the end)."""
    text = text.strip()
    if not text or len(text) > MAX_INPUT:
        return
    path = path or history_path()
    inputs = load(path)
    kept = [t for t in inputs.pop(assistant, []) if t != text] + [text]
    inputs[assistant] = kept[-KEPT:]
    from lgtui.files import private_folder, write_private_text

    try:
        private_folder(path.parent)
        write_private_text(path, json.dumps(inputs, ensure_ascii=False), overwrite=True)
    except OSError:
        pass  # a history is a convenience: a read-only folder loses it, nothing else
