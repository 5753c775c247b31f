"""Assistants: every assistant of the source with its graph, version and configuration;
make one from a graph, edit one (a new version), pick the live version, delete one, see
the graph's schemas, and start a run with the one under the cursor.  Only a source with
the `AssistantSource` capability offers it (a server and the embedded engine both do)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from lgtui.preview import preview, safe_text
from lgtui.sources.base import AssistantSource
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.screens.assistant_form import AssistantFields, AssistantForm
from lgtui.ui.screens.dialogs import ConfirmScreen
from lgtui.ui.screens.new_run import assistant_order, is_system, run_value
from lgtui.ui.text import Text
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree

VERSIONS = 100  # versions listed at most
SCHEMAS = ("input_schema", "output_schema", "state_schema", "config_schema", "context_schema")


@keymap("assistant list")
class AssistantTable(DataTable[Any]):
    BINDINGS = vim_keys("assistant list")


@keymap("version list")
class VersionTable(DataTable[Any]):
    BINDINGS = vim_keys("version list")


@keymap("assistants")
class AssistantsScreen(LiveScreen[str | None]):
    """Dismissed with the assistant to start a run with (its `run_value`), or None."""

    HELP = """\
## Assistants

Every assistant of the source: a graph with its own config, context and metadata (the
server makes one per graph; **n** makes another). The selected one's **Config** (1),
**Versions** (2) and its graph's **Schemas** (3: input, output, state, config, context;
**s** shows the next). **e** edits it (a new version, made the live one), **L** makes
the version under the cursor the live one, **delete** deletes it (after a yes). **enter**
opens a New run with it: runs get its config and context. **r** reloads, **escape**
goes back.
"""

    BINDINGS = keyed(
        "assistants",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("enter", "use", "Run with it", priority=False),
            Binding("n", "new", "New assistant"),
            Binding("e", "edit", "Edit"),
            Binding("L", "make_live", "Make live", tooltip="The version under the cursor"),
            Binding("delete", "delete", "Delete"),
            Binding("1", "pane('config')", "Config", show=False),
            Binding("2", "pane('versions')", "Versions", show=False),
            Binding("3", "pane('schemas')", "Schemas", show=False),
            Binding("s", "next_schema", "Next schema", show=False),
            Binding("r", "reload", "Reload", show=False),
        ],
    )

    def __init__(self) -> None:
        super().__init__()
        self.assistants: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []
        self.schemas: dict[str, Any] | None = None
        self.schema_at = 0
        self._shown_id: str | None = None

    @property
    def source(self) -> AssistantSource:
        source = self.controller.source
        assert isinstance(source, AssistantSource), "opened for a source without assistants"
        return source

    def compose(self) -> ComposeResult:
        yield Static("Assistants", id="assistants-title")
        with Horizontal(id="assistants-body"):
            yield AssistantTable(id="assistants", cursor_type="row", zebra_stripes=True)
            with Vertical(id="assistant-right"):
                yield Static("", id="assistant-title")
                with TabbedContent(id="assistant-tabs"):
                    with TabPane("Config", id="config"):
                        yield JsonTree(id="assistant-config")
                    with TabPane("Versions", id="versions"):
                        yield VersionTable(id="assistant-versions", cursor_type="row")
                    with TabPane("Schemas", id="schemas"):
                        yield Static("", id="schema-title")
                        yield JsonTree(id="assistant-schema")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.query_one(AssistantTable).add_columns("name", "graph", "version", "updated", "id")
        self.query_one(VersionTable).add_columns("version", "created", "name", "config, context")
        self.query_one(AssistantTable).focus()
        self.load()

    # -- loading ---------------------------------------------------------------------------

    @screen_work(exclusive=True, group="assistants")
    async def load(self, select: str | None = None) -> None:
        found = await self.ask(self.controller.list_assistants(), title="Cannot list assistants")
        if found is not FAILED:
            self._show(found, select)

    @while_shown
    def _show(self, assistants: list[dict[str, Any]], select: str | None) -> None:
        self.assistants = sorted(assistants, key=assistant_order)
        table = self.query_one(AssistantTable)
        table.clear()
        for a in self.assistants:
            table.add_row(
                Text(safe_text(str(a.get("name") or ""), 30), style="bold"),
                Text(safe_text(str(a.get("graph_id") or ""), 24), style="cyan"),
                Text(str(a.get("version") or "")),
                Text(safe_text(str(a.get("updated_at") or "")[:19], 19), style="dim"),
                Text(safe_text(str(a.get("assistant_id") or ""), 36), style="dim"),
            )
        n = len(self.assistants)
        title = Text("Assistants ", style="bold")
        title.append(f"{n} assistant{'s' if n != 1 else ''}", style="dim")
        self.query_one("#assistants-title", Static).update(title)
        ids = [a.get("assistant_id") for a in self.assistants]
        row = ids.index(select) if select in ids else min(table.cursor_row, max(n - 1, 0))
        if n:
            table.move_cursor(row=row)
        self._shown_id = None
        self._select()

    def selected(self) -> dict[str, Any] | None:
        row = self.query_one(AssistantTable).cursor_row
        return self.assistants[row] if 0 <= row < len(self.assistants) else None

    @on(DataTable.RowHighlighted, "#assistants")
    def _row(self) -> None:
        self._select()

    @on(DataTable.RowSelected, "#assistants")
    def _chosen(self) -> None:
        self.action_use()

    @on(DataTable.RowSelected, "#assistant-versions")
    def _version_chosen(self) -> None:
        self.action_make_live()

    def _select(self) -> None:
        assistant = self.selected()
        aid = None if assistant is None else str(assistant.get("assistant_id"))
        if aid == self._shown_id:
            return
        self._shown_id = aid
        title = self.query_one("#assistant-title", Static)
        config = self.query_one("#assistant-config", JsonTree)
        if assistant is None:
            title.update(Text("No assistant here: n makes one.", style="dim italic"))
            config.show(None, "")
            return
        text = Text(safe_text(str(assistant.get("name") or ""), 60), style="bold")
        text.append(f"  {safe_text(str(assistant.get('graph_id')), 40)}", style="cyan")
        text.append(f"  version {assistant.get('version')}", style="dim")
        if is_system(assistant):
            text.append("  the graph's own", style="dim")
        title.update(text)
        shown = {k: assistant.get(k) for k in ("config", "context", "metadata", "description") if k}
        config.show(shown, "assistant")
        self.load_details(assistant)

    @screen_work(exclusive=True, group="assistant-details")
    async def load_details(self, assistant: dict[str, Any]) -> None:
        aid = str(assistant["assistant_id"])
        versions = await self.ask(
            self.source.assistant_versions(aid, limit=VERSIONS), title="Cannot list versions"
        )
        if versions is not FAILED:
            self._show_versions(assistant, versions)
        schemas = await self.ask(self.source.get_schemas(aid), title="Cannot read the schemas")
        self.schemas = None if schemas is FAILED else schemas
        self._show_schema()

    @while_shown
    def _show_versions(self, assistant: dict[str, Any], versions: list[dict[str, Any]]) -> None:
        self.versions = versions
        table = self.query_one(VersionTable)
        table.clear()
        live = assistant.get("version")
        for v in versions:
            mark = Text(f"{v.get('version')}", style="bold")
            if v.get("version") == live:
                mark.append("  live", style="green")
            config = {k: c for k, c in (v.get("config") or {}).items() if k != "configurable"}
            settings = {**config, **({"context": v["context"]} if v.get("context") else {})}
            table.add_row(
                mark,
                Text(safe_text(str(v.get("created_at") or "")[:19], 19), style="dim"),
                Text(safe_text(str(v.get("name") or ""), 24)),
                Text(preview(settings, 50)),
            )

    @while_shown
    def _show_schema(self) -> None:
        tree = self.query_one("#assistant-schema", JsonTree)
        title = self.query_one("#schema-title", Static)
        if self.schemas is None:
            title.update(Text("No schemas (the graph could not say them).", style="dim italic"))
            tree.show(None, "")
            return
        key = SCHEMAS[self.schema_at]
        text = Text()
        for i, name in enumerate(SCHEMAS):
            label = name.removesuffix("_schema")
            text.append(f" {label} ", style="reverse bold" if i == self.schema_at else "dim")
        schema = self.schemas.get(key)
        if not schema:
            text.append("  none (the graph cannot say)", style="italic")
        text.append("   s: the next", style="dim")
        title.update(text)
        tree.show(schema if schema else None, key if schema else "")

    # -- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.notify("Reloading the assistants…", markup=False, timeout=2)
        selected = self.selected()
        self.load(None if selected is None else str(selected.get("assistant_id")))

    def action_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        if pane == "versions":
            self.query_one(VersionTable).focus()

    def action_next_schema(self) -> None:
        self.schema_at = (self.schema_at + 1) % len(SCHEMAS)
        self.query_one(TabbedContent).active = "schemas"
        self._show_schema()

    def action_use(self) -> None:
        if isinstance(self.focused, VersionTable):
            self.action_make_live()
            return
        assistant = self.selected()
        if assistant is not None:
            self.dismiss(run_value(assistant))

    @screen_work(exclusive=True, group="assistant-form")
    async def action_new(self) -> None:
        graphs = sorted({str(a.get("graph_id")) for a in self.assistants if a.get("graph_id")})
        selected = self.selected()
        fields = await self.app.push_screen_wait(
            AssistantForm(
                "New assistant",
                graphs=graphs,
                graph=str(selected.get("graph_id")) if selected else None,
            )
        )
        if fields is not None:
            self._create(fields)

    @screen_work(group="assistant-change")
    async def _create(self, fields: AssistantFields) -> None:
        made = await self.ask(
            self.source.create_assistant(fields.graph_id, **fields.changes()),
            title="Not made",
        )
        if made is FAILED:
            return
        self.notify(f"Made assistant {made.get('name')} ({made.get('graph_id')})", markup=False)
        self.load(str(made.get("assistant_id")))

    @screen_work(exclusive=True, group="assistant-form")
    async def action_edit(self) -> None:
        assistant = self.selected()
        if assistant is None:
            self.notify("No assistant to edit.", markup=False)
            return
        fields = await self.app.push_screen_wait(
            AssistantForm(
                f"Edit {assistant.get('name')} (a new version)",
                graphs=[str(assistant.get("graph_id"))],
                graph=str(assistant.get("graph_id")),
                assistant=assistant,
            )
        )
        if fields is not None:
            self._update(str(assistant["assistant_id"]), fields)

    @screen_work(group="assistant-change")
    async def _update(self, assistant_id: str, fields: AssistantFields) -> None:
        edited = await self.ask(
            self.source.update_assistant(assistant_id, **fields.changes()), title="Not saved"
        )
        if edited is FAILED:
            return
        self.notify(
            f"Saved {edited.get('name')}: version {edited.get('version')} is live", markup=False
        )
        self.load(assistant_id)

    def action_make_live(self) -> None:
        assistant = self.selected()
        table = self.query_one(VersionTable)
        if assistant is None or not 0 <= table.cursor_row < len(self.versions):
            self.notify("Pick a version first (2 shows them).", markup=False)
            self.action_pane("versions")
            return
        chosen = self.versions[table.cursor_row]
        version = int(chosen["version"])
        if version == assistant.get("version"):
            self.notify(f"Version {version} is already the live one.", markup=False)
            return
        self._make_live(str(assistant["assistant_id"]), chosen)

    @screen_work(group="assistant-change")
    async def _make_live(self, assistant_id: str, chosen: dict[str, Any]) -> None:
        version = int(chosen["version"])
        done = await self.ask(
            self.source.set_latest_version(assistant_id, version), title="Not changed"
        )
        if done is FAILED:
            return
        self.notify(f"Version {version} is live: runs use its config.", markup=False)
        if (done.get("context") or {}) != (chosen.get("context") or {}):
            # (the server's rule: a version made live brings its config, not its context)
            self.notify(
                f"The context stays {preview(done.get('context'), 60)}: the server keeps an "
                f"assistant's context when a version is made live (version {version} had "
                f"{preview(chosen.get('context'), 60)}). Edit the assistant (e) to change it.",
                severity="warning",
                markup=False,
                timeout=12,
            )
        self.load(assistant_id)

    def action_delete(self) -> None:
        assistant = self.selected()
        if assistant is None:
            self.notify("No assistant to delete.", markup=False)
            return
        name = safe_text(str(assistant.get("name")), 60)
        question = f"Delete the assistant {name} and every version of it?"
        if is_system(assistant):
            question += " It is the graph's own: the server makes it again when it restarts."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(str(assistant["assistant_id"]), name)

        self.app.push_screen(ConfirmScreen(question), confirmed)

    @screen_work(group="assistant-change")
    async def _delete(self, assistant_id: str, name: str) -> None:
        done = await self.ask(self.source.delete_assistant(assistant_id), title="Not deleted")
        if done is not FAILED:
            self.notify(f"Deleted the assistant {name}", markup=False)
            self.load()
