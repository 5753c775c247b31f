"""The dialog that makes or edits an assistant: its graph, name, description, and its
config, context and metadata as JSON objects (each checked as typed; nothing is sent
while one is wrong)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from lgtui.preview import safe_text
from lgtui.ui.guard import while_shown
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.screens.new_run import json_object
from lgtui.ui.text import Text

OBJECTS = ("config", "context", "metadata")


@dataclass
class AssistantFields:
    graph_id: str
    name: str | None = None
    description: str | None = None
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None

    def changes(self) -> dict[str, Any]:
        """What a create or an edit sends (the graph apart)."""
        return {
            "name": self.name,
            "description": self.description,
            "config": self.config,
            "context": self.context,
            "metadata": self.metadata,
        }


def _text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) if value else ""


@keymap("assistant dialog")
class AssistantForm(ModalScreen[AssistantFields | None]):
    BINDINGS = keyed(
        "assistant_form",
        [
            Binding("escape", "cancel", "Cancel", priority=True),
            Binding("ctrl+s", "submit", "Save", priority=True),
        ],
    )

    def __init__(
        self,
        title: str,
        *,
        graphs: list[str],
        graph: str | None = None,
        assistant: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.graphs = graphs
        self.graph = graph if graph in graphs else (graphs[0] if graphs else None)
        self.assistant = assistant or {}

    def compose(self) -> ComposeResult:
        a = self.assistant
        config = dict(a.get("config") or {})
        if config.get("configurable") == a.get("context"):  # (kept in step by the server)
            config.pop("configurable", None)
        options = [(Text(safe_text(g, 60)), g) for g in self.graphs]
        with Vertical(classes="dialog", id="assistant-form"):
            yield Label(Text(self.title_text, style="bold"))
            with VerticalScroll(id="assistant-form-body"):
                yield Label("Graph")
                yield Select(
                    options,
                    value=self.graph if self.graph is not None else Select.NULL,
                    allow_blank=self.graph is None,
                    disabled=bool(a),
                    id="assistant-graph",
                )
                yield Label("Name")
                yield Input(str(a.get("name") or ""), placeholder="Untitled", id="assistant-name")
                yield Label("Description")
                yield Input(str(a.get("description") or ""), id="assistant-description")
                yield Label("Context (JSON object): what runtime.context holds in its runs")
                yield TextArea(
                    _text(a.get("context")), id="assistant-context", tab_behavior="focus"
                )
                yield Label('Config (JSON object): {"recursion_limit": 50, "tags": [...]}')
                yield TextArea(_text(config), id="assistant-config", tab_behavior="focus")
                yield Label("Metadata (JSON object, merged over the assistant's on an edit)")
                yield TextArea(
                    _text(a.get("metadata")), id="assistant-metadata", tab_behavior="focus"
                )
            yield Static("", id="assistant-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#assistant-name", Input).focus()

    def _error(self, message: str, widget: Any = None) -> None:
        self.query_one("#assistant-error", Static).update(Text(message, style="bold red"))
        if widget is not None:
            widget.focus()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        graph = self.query_one("#assistant-graph", Select).value
        if graph is Select.NULL or not graph:
            self._error("choose a graph first")
            return
        objects: dict[str, dict[str, Any] | None] = {}
        for name in OBJECTS:
            area = self.query_one(f"#assistant-{name}", TextArea)
            value, problem, where = json_object(area.text)
            if problem is not None:
                if where is not None:
                    area.move_cursor(where)
                self._error(f"{name.capitalize()}: {problem} — nothing was sent", area)
                return
            objects[name] = value
        config, context = objects["config"], objects["context"]
        if config and config.get("configurable") and context:
            self._error(
                "Give the settings in Context alone: the server refuses config.configurable "
                "and context together",
                self.query_one("#assistant-config", TextArea),
            )
            return
        name = self.query_one("#assistant-name", Input).value.strip()
        description = self.query_one("#assistant-description", Input).value.strip()
        self.dismiss(
            AssistantFields(
                str(graph),
                name=name or None,
                description=description or None,
                config=config,
                context=context if context is not None else ({} if self.assistant else None),
                metadata=objects["metadata"],
            )
        )
