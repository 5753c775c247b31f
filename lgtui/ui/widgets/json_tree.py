"""A collapsible JSON tree that builds children only when a node is opened.

Every label is a `Text`, never markup.  Long strings are cut in their label (the full
value opens with enter); containers with thousands of children show them in pages.
"""

from __future__ import annotations

from typing import Any

import orjson
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from lgtui.preview import preview, safe_text
from lgtui.ui.keys import keymap, vim_keys
from lgtui.ui.text import Text

PAGE = 200  # children added per "more" node
LABEL_STRING = 120  # characters of a string shown in its label
AUTO_EXPAND_DEPTH = 3


class _More:
    """A placeholder node for the rest of a large container."""

    __slots__ = ("items", "start")

    def __init__(self, items: list[tuple[Any, Any]], start: int) -> None:
        self.items = items
        self.start = start


def _scalar(value: Any) -> Text:
    if isinstance(value, str):
        text = Text()
        if len(value) > LABEL_STRING:
            text.append(f"({len(value):,} chars, enter to view) ", style="dim italic")
        body = safe_text(value, LABEL_STRING)
        text.append('"' + body + ('"' if not body.endswith("…") else ""), style="green")
        return text
    if value is None:
        return Text("null", style="dim")
    if isinstance(value, bool):
        return Text("true" if value else "false", style="magenta")
    if isinstance(value, int | float):
        return Text(repr(value), style="cyan")
    return Text(safe_text(repr(value), LABEL_STRING))


def _items(value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    return list(enumerate(value))


@keymap("JSON trees")
class JsonTree(Tree[Any]):
    """Shows one JSON value; the root is labelled by the caller."""

    HELP = """\
## JSON tree

A value, folded: **enter** or **space** opens and closes a node (children are made when
it opens, 200 at a time for large containers), **enter** on a long string shows it whole.
**c** copies the node under the cursor as JSON, **ctrl+s** saves it to a file.
Everything is shown literally: markup and escape codes in values are text.
"""

    BINDINGS = vim_keys("tree")

    DEFAULT_CSS = """
    JsonTree { background: $surface; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("payload"), id=id)
        self.show_root = False
        self.guide_depth = 3

    def show(self, value: Any, label: str = "payload") -> None:
        """Replace the tree's content with ``value``."""
        self.clear()
        self.root.set_label(Text(safe_text(label, 200)))
        self.root.data = value
        if value is None and label == "":
            return
        if isinstance(value, dict | list) and value:
            self._fill(self.root, _items(value), 0, depth=0)
        else:
            self.root.add_leaf(_scalar(value), data=value)
        self.root.expand()

    def _label(self, key: Any, value: Any) -> Text:
        text = Text()
        if isinstance(key, int):
            text.append(f"[{key}]", style="dim")
        else:
            text.append(safe_text(str(key), 80), style="bold")
        text.append(": ")
        if isinstance(value, dict):
            text.append(f"{{{len(value)}}} ", style="dim")
            text.append(preview(value, 60), style="dim italic")
        elif isinstance(value, list):
            text.append(f"[{len(value)}] ", style="dim")
            text.append(preview(value, 60), style="dim italic")
        else:
            text.append_text(_scalar(value))
        return text

    def _fill(
        self, node: TreeNode[Any], items: list[tuple[Any, Any]], start: int, depth: int
    ) -> None:
        end = min(len(items), start + PAGE)
        for key, value in items[start:end]:
            if isinstance(value, dict | list) and value:
                child = node.add(self._label(key, value), data=value, expand=False)
                if depth + 1 < AUTO_EXPAND_DEPTH and len(value) <= 20:
                    self._fill(child, _items(value), 0, depth + 1)
                    child.expand()
            else:
                node.add_leaf(self._label(key, value), data=value)
        if end < len(items):
            more = node.add_leaf(
                Text(f"… {len(items) - end:,} more (enter to show)", style="dim italic"),
                data=_More(items, end),
            )
            more.allow_expand = False

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Any]) -> None:
        node = event.node
        if node.children or not isinstance(node.data, dict | list):
            return
        self._fill(node, _items(node.data), 0, depth=AUTO_EXPAND_DEPTH)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Any]) -> None:
        node = event.node
        data = node.data
        if isinstance(data, _More):
            parent = node.parent
            node.remove()
            if parent is not None:
                self._fill(parent, data.items, data.start, depth=AUTO_EXPAND_DEPTH)
            event.stop()
        elif isinstance(data, str) and len(data) > LABEL_STRING:
            from lgtui.ui.screens.value import ValueScreen

            self.app.push_screen(ValueScreen(data, title=str(node.label)[:60]))
            event.stop()

    def copy_target(self) -> tuple[str, str] | None:
        """(what, JSON) of the node under the cursor, for copy and save."""
        node = self.cursor_node
        if node is None:
            return None
        label = str(node.label).split(":", 1)[0][:40] or "value"
        return f"the JSON node {label!r}", self.selected_json()

    def selected_json(self) -> str:
        node = self.cursor_node
        data = node.data if node is not None else None
        if isinstance(data, _More):
            data = None
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
