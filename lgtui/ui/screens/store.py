"""The Store browser (Studio's memory view): the store's namespaces as a tree, the items
under the one selected (paged), an item's value as a JSON tree; a semantic search or a
filter where the store has them; put, edit and delete an item; what the last run wrote.

It talks to any source with the `StoreSource` capability -- a server's `/store/*`, or
the embedded graphs' own store (in memory, or the user's SQLite/PostgreSQL) -- through
the run controller, in workers: a slow store never holds a key.
"""

from __future__ import annotations

import json
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static, Tree

from lgtui.diff import json_diff
from lgtui.preview import preview, safe_text
from lgtui.sources.base import StoreSource
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.screens.dialogs import ConfirmScreen, EditJsonScreen
from lgtui.ui.text import Text
from lgtui.ui.widgets.diff_view import DiffView
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree

PAGE = 50  # items asked for at a time
NAMESPACES_SHOWN = 1000  # namespaces listed at most (the tree says when there are more)


def split_ttl(line: str) -> tuple[str, float | None]:
    """``"memories/u1/tea ttl=60"`` -> ``("memories/u1/tea", 60.0)``; no ttl: None; a
    ttl that is not a number of minutes above 0: -1."""
    path, _, rest = line.strip().partition(" ttl=")
    if not rest and not line.strip().startswith("ttl="):
        return path, None
    try:
        minutes = float(rest.strip())
    except ValueError:
        return path, -1
    return path, minutes if minutes > 0 else -1


def ns_text(namespace: list[str] | tuple[str, ...]) -> str:
    return "/".join(namespace) if namespace else "(every namespace)"


@keymap("store items")
class ItemTable(DataTable[Any]):
    BINDINGS = vim_keys("store items")


@keymap("store namespaces")
class NamespaceTree(Tree[Any]):
    BINDINGS = vim_keys("store namespaces")


@keymap("store browser")
class StoreScreen(LiveScreen[None]):
    HELP = """\
## The store

Long-term memory across threads: what graphs put with `store.put(namespace, key, value)`.
Looking never refreshes an item's TTL: the store is read, not used.
On the left the namespaces (enter shows the items under one; the top shows every item),
on the right its items, newest first, and the value of the one selected.

**/** searches the items of the namespace: words are a semantic query (where the store
has an index: langgraph.json `store.index`), a JSON object `{"field": value}` is a
filter. **n** puts a new item, **e** edits the selected one (its value, a JSON object),
**delete** deletes it (after a yes). **D** shows what the last run wrote to the store.
**c** copies the value, **r** reloads, **escape** goes back.
"""

    BINDINGS = keyed(
        "store",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("slash", "search", "Search", key_display="/"),
            Binding("n", "new_item", "New item"),
            Binding("e", "edit_item", "Edit"),
            Binding("delete", "delete_item", "Delete"),
            Binding("D", "run_diff", "What the run wrote"),
            Binding("c", "copy", "Copy", show=False),
            Binding("r", "reload", "Reload", show=False),
        ],
    )

    def __init__(self) -> None:
        super().__init__()
        self.namespace: list[str] = []  # the prefix whose items are listed
        self.items: list[dict[str, Any]] = []
        self.exhausted = False
        self.query_text = ""  # a semantic query, or
        self.filter: dict[str, Any] | None = None  # a filter on the values
        self.namespaces: list[list[str]] = []
        self._loading = False

    @property
    def store(self) -> StoreSource:
        source = self.controller.source
        assert isinstance(source, StoreSource), "opened for a source without a store"
        return source

    def compose(self) -> ComposeResult:
        yield Static("", id="store-title")
        with Horizontal(id="store-body"):
            yield NamespaceTree("store", id="store-namespaces")
            with Vertical(id="store-right"):
                yield ItemTable(id="store-items", cursor_type="row", zebra_stripes=True)
                yield Static("", id="store-value-title")
                yield JsonTree(id="store-value")
                yield DiffView(id="store-diff")
        yield Input(
            placeholder='search: words (semantic, with an index) or a JSON filter {"k": v}',
            id="store-search",
        )
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        table = self.query_one(ItemTable)
        table.add_columns("namespace", "key", "value", "updated", "score")
        self.query_one("#store-search", Input).display = False
        self.query_one(DiffView).display = False
        self.query_one(NamespaceTree).root.expand()
        self._title()
        self.load_namespaces()
        self.reload_items()
        table.focus()

    # -- loading -------------------------------------------------------------------------

    @screen_work(exclusive=True, group="store-namespaces")
    async def load_namespaces(self) -> None:
        found = await self.ask(
            self.store.list_namespaces(limit=NAMESPACES_SHOWN), title="Cannot list namespaces"
        )
        if found is FAILED:
            return
        self.namespaces = sorted(found)
        self._show_namespaces()

    @while_shown
    def _show_namespaces(self) -> None:
        tree = self.query_one(NamespaceTree)
        tree.clear()
        tree.root.set_label(Text(f"every namespace ({len(self.namespaces):,})", style="bold"))
        tree.root.data = []
        nodes: dict[tuple[str, ...], Any] = {(): tree.root}
        for ns in self.namespaces:
            for depth in range(1, len(ns) + 1):
                path = tuple(ns[:depth])
                if path in nodes:
                    continue
                parent = nodes[path[:-1]]
                nodes[path] = parent.add(Text(safe_text(path[-1], 40)), data=list(path))
        if len(self.namespaces) >= NAMESPACES_SHOWN:
            tree.root.add_leaf(Text(f"… the first {NAMESPACES_SHOWN:,} shown", style="dim"))
        tree.root.expand_all()

    def reload_items(self) -> None:
        self.items, self.exhausted = [], False
        self.query_one(ItemTable).clear()
        self.load_items()

    @screen_work(exclusive=True, group="store-items")
    async def load_items(self) -> None:
        if self.exhausted or self._loading:
            return
        self._loading = True
        try:
            page = await self.ask(
                self.store.search_items(
                    self.namespace,
                    query=self.query_text or None,
                    filter=self.filter,
                    limit=PAGE,
                    offset=len(self.items),
                ),
                title="Cannot list the store's items",
            )
        finally:
            self._loading = False
        if page is not FAILED:
            self._show_page(page)

    @while_shown
    def _show_page(self, page: list[dict[str, Any]]) -> None:
        self.exhausted = len(page) < PAGE
        table = self.query_one(ItemTable)
        for item in page:
            score = item.get("score")
            table.add_row(
                Text(safe_text(ns_text(item.get("namespace") or []), 30), style="cyan"),
                Text(safe_text(str(item.get("key", "")), 30), style="bold"),
                Text(preview(item.get("value"), 60)),
                Text(safe_text(str(item.get("updated_at") or "")[:19], 19), style="dim"),
                Text(f"{score:.3f}" if isinstance(score, int | float) else ""),
            )
        self.items.extend(page)
        self._title()
        if len(self.items) == len(page):  # the first page: show the first item
            self._show_item()

    def _title(self) -> None:
        text = Text("Store ", style="bold")
        text.append(safe_text(ns_text(self.namespace), 80), style="cyan")
        n = len(self.items)
        more = "" if self.exhausted else "+"
        text.append(f"  {n:,}{more} item{'' if n == 1 and not more else 's'}", style="dim")
        if self.query_text:
            text.append(f"  query {safe_text(self.query_text, 40)!r}", style="yellow")
            if self.items and all(item.get("score") is None for item in self.items):
                # (a store without an index answers a query with every item, unscored)
                text.append("  no index: words do not search this store", style="bold red")
        if self.filter:
            text.append(f"  filter {preview(self.filter, 40)}", style="yellow")
        self.query_one("#store-title", Static).update(text)

    # -- selection -----------------------------------------------------------------------

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one(ItemTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    @on(DataTable.RowHighlighted, "#store-items")
    def _row(self, message: DataTable.RowHighlighted) -> None:
        if message.cursor_row >= len(self.items) - 5:
            self.load_items()  # the next page before the end is reached
        self._show_item()

    def _show_item(self) -> None:
        item = self.selected()
        self.query_one(DiffView).display = False
        tree = self.query_one("#store-value", JsonTree)
        tree.display = True
        title = self.query_one("#store-value-title", Static)
        if item is None:
            title.update(Text("No item here: n puts one.", style="dim italic"))
            tree.show(None, "")
            return
        where = f"{ns_text(item.get('namespace') or [])} / {item.get('key', '')}"
        text = Text(safe_text(where, 100), style="bold")
        text.append(
            f"  created {str(item.get('created_at') or '')[:19]}"
            f"  updated {str(item.get('updated_at') or '')[:19]}",
            style="dim",
        )
        title.update(text)
        tree.show(item.get("value"), "value")

    @on(Tree.NodeSelected, "#store-namespaces")
    def _namespace(self, message: Tree.NodeSelected[Any]) -> None:
        if not isinstance(message.node.data, list):
            return
        self.namespace = message.node.data
        self.reload_items()
        self._title()

    # -- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        search = self.query_one("#store-search", Input)
        if search.display:
            search.display = False
            self.query_one(ItemTable).focus()
            return
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.notify("Reloading the store…", markup=False, timeout=2)
        self.load_namespaces()
        self.reload_items()

    def action_search(self) -> None:
        field = self.query_one("#store-search", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#store-search")
    def _search(self, message: Input.Submitted) -> None:
        text = message.value.strip()
        self.query_text, self.filter = "", None
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                self.notify(f"Not a JSON filter: {exc.msg} at {exc.pos}", severity="error")
                return
            if not isinstance(value, dict):
                self.notify('A filter is a JSON object, {"field": value}.', severity="error")
                return
            self.filter = value
        else:
            self.query_text = text
        message.input.display = False
        self.query_one(ItemTable).focus()
        self.reload_items()
        self._title()

    def action_copy(self) -> None:
        from lgtui.ui.clipboard import copy_and_say

        item = self.selected()
        if item is None:
            self.notify("No item selected.", markup=False)
            return
        text = json.dumps(item.get("value"), indent=2, ensure_ascii=False)
        copy_and_say(self, text, "the item's value", "store-item")

    @screen_work(group="store-edit")
    async def action_new_item(self) -> None:
        where = "/".join([*self.namespace, ""])
        answer = await self.app.push_screen_wait(
            EditJsonScreen(
                "Put a new item",
                {},
                context=(
                    "namespace/…/key below (labels without dots), then optionally "
                    "ttl=MINUTES; the value a JSON object."
                ),
                field="namespace/key [ttl=MINUTES] (e.g. memories/user-1/favourite ttl=60)",
                field_value=where,
                object_only=True,
            )
        )
        if answer is None:
            return
        value, line = answer
        path, ttl = split_ttl(line)
        if ttl == -1:
            self.notify("ttl=MINUTES takes a number of minutes above 0.", severity="error")
            return
        parts = [p for p in path.strip().strip("/").split("/") if p]
        if len(parts) < 2:
            self.notify("Give a namespace and a key: namespace/key.", severity="error")
            return
        await self._put(parts[:-1], parts[-1], value, ttl)

    @screen_work(group="store-edit")
    async def action_edit_item(self) -> None:
        item = self.selected()
        if item is None:
            self.notify("No item selected: n puts a new one.", markup=False)
            return
        namespace, key = list(item.get("namespace") or []), str(item.get("key", ""))
        answer = await self.app.push_screen_wait(
            EditJsonScreen(
                f"Edit {ns_text(namespace)} / {key}",
                item.get("value") or {},
                context="The value replaces the item's (PUT /store/items); a JSON object.",
                object_only=True,
            )
        )
        if answer is not None:
            await self._put(namespace, key, answer[0])

    async def _put(
        self, namespace: list[str], key: str, value: dict[str, Any], ttl: float | None = None
    ) -> None:
        if any(not label or "." in label for label in namespace):
            # (what every store refuses; said the same whichever the source)
            self.notify(
                "Not saved: a namespace label cannot be empty or hold a dot.", severity="error"
            )
            return
        done = await self.ask(self.store.put_item(namespace, key, value, ttl), title="Not saved")
        if done is FAILED:
            return
        expires = f" (expires in {ttl:g} min)" if ttl is not None else ""
        self.notify(f"Saved {ns_text(namespace)} / {key}{expires}", markup=False)
        self.load_namespaces()
        self.reload_items()

    def action_delete_item(self) -> None:
        item = self.selected()
        if item is None:
            self.notify("No item selected.", markup=False)
            return
        namespace, key = list(item.get("namespace") or []), str(item.get("key", ""))

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(namespace, key)

        self.app.push_screen(
            ConfirmScreen(f"Delete {ns_text(namespace)} / {key} from the store?"), confirmed
        )

    @screen_work(group="store-edit")
    async def _delete(self, namespace: list[str], key: str) -> None:
        done = await self.ask(self.store.delete_item(namespace, key), title="Not deleted")
        if done is FAILED:
            return
        self.notify(f"Deleted {ns_text(namespace)} / {key}", markup=False)
        self.load_namespaces()
        self.reload_items()

    def action_run_diff(self) -> None:
        """What the last run changed in the store (taken before and after it)."""
        change = self.controller.store_change
        if change is None:
            self.notify(
                "Nothing to compare yet: D shows what a run wrote once one has ended "
                "(a run that failed is not compared).",
                markup=False,
            )
            return
        before, after = change
        view = self.query_one(DiffView)
        self.query_one("#store-value", JsonTree).display = False
        view.display = True
        title = self.query_one("#store-value-title", Static)
        title.update(Text("What the last run wrote to the store", style="bold"))
        if before == after:
            view.show_text("The last run did not change the store.")
            return
        view.show_changes(
            f"{len(before)} items before, {len(after)} after", json_diff(before, after)
        )
