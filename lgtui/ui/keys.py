"""One declaration per key: it binds, shows in the footer and the help, lists in the
command palette, and can be remapped in config.toml by its id.

Every binding of lgtui gets an id ``scope.name`` (``main.new_run``, ``replay.play``,
``list.first``), the name `lgtui keys` prints and `[keys]` in config.toml uses.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

_ARGS = re.compile(r"^(?P<name>[\w.]+)\((?P<args>.*)\)$")


def binding_id(scope: str, action: str) -> str:
    """``scope.action``, with an action's arguments as more dotted parts:
    ``detail('payload')`` -> ``detail.payload`` (bindings whose arguments are numbers are
    given readable ids where they are declared)."""
    action = action.removeprefix("app.").removeprefix("screen.")
    match = _ARGS.match(action)
    if match is None:
        return f"{scope}.{action}"
    parts = [match["name"]]
    for arg in filter(None, (a.strip().strip("'\"") for a in match["args"].split(","))):
        parts.append(arg)
    return f"{scope}." + ".".join(parts)


def keyed(scope: str, bindings: Iterable[Binding]) -> list[BindingType]:
    """``bindings`` with their ids set (an id given explicitly is kept)."""
    return [b if b.id else dataclasses.replace(b, id=binding_id(scope, b.action)) for b in bindings]


def vim_keys(
    scope: str, down: str = "cursor_down", up: str = "cursor_up", first: str = "", last: str = ""
) -> list[BindingType]:
    """j k g G for a list, tree or table, bound to the widget's own cursor actions."""
    return keyed(
        scope,
        [
            Binding("j", down, "Down", show=False),
            Binding("k", up, "Up", show=False),
            Binding("g", first or "scroll_home", "First", show=False),
            Binding("G", last or "scroll_end", "Last", show=False),
        ],
    )


_PLACES: dict[type, str] = {}
_T = TypeVar("_T", bound=type)


def keymap(where: str) -> Callable[[_T], _T]:
    """Class decorator of a screen or widget that declares keys: `lgtui keys` lists its
    bindings under ``where`` and config.toml may remap them.  (A test checks that every
    class of lgtui.ui declaring keyed bindings says where.)"""

    def register(cls: _T) -> _T:
        _PLACES[cls] = where
        return cls

    return register


def places() -> list[tuple[str, type]]:
    """(where, class) of every class registered so far, in the order they were defined."""
    return [(where, cls) for cls, where in _PLACES.items()]


def all_bindings() -> Iterator[tuple[str, Binding]]:
    """(where, binding) for every binding of the classes registered with `keymap`: those
    of every module imported (``lgtui.ui.catalog`` imports every one that has keys)."""
    seen: set[str] = set()
    for where, cls in places():
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id and binding.id not in seen:
                seen.add(binding.id)  # (the replay shares the main screen's keys)
                yield where, binding


def palette_commands(app: App[Any], screen: Screen[Any]) -> Iterator[tuple[str, str, Any]]:
    """(title, help, callback) for each action the screen offers now, its key in the help.

    What the screen offers depends on where the user is: replay keys in a replay,
    thread keys in the thread browser, the focused widget's own keys."""
    seen: set[tuple[int, str]] = set()
    by_action: dict[tuple[int, str], list[str]] = {}
    entries: list[tuple[Any, Binding]] = []
    for key, active in screen.active_bindings.items():
        node, binding, enabled = active.node, active.binding, active.enabled
        if not enabled or not binding.description or binding.system or not binding.id:
            continue  # (Textual's own scrolling and focus keys stay out of the palette)
        if binding.action in ("command_palette", "app.command_palette"):
            continue
        ident = (id(node), binding.action)
        by_action.setdefault(ident, []).append(app.get_key_display(binding) or key)
        if ident not in seen:
            seen.add(ident)
            entries.append((node, binding))
    for node, binding in entries:
        keys = ", ".join(dict.fromkeys(by_action[(id(node), binding.action)]))
        help_text = (binding.tooltip + "  " if binding.tooltip else "") + f"key: {keys}"

        def run(node: Any = node, action: str = binding.action) -> None:
            app.call_later(app.run_action, action, node)

        yield binding.description, help_text, run
