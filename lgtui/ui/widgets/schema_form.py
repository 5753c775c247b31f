"""A graph's input as a form (`lgtui.forms`): a field per property of the input
schema -- a line for text and numbers, a checkbox, a select for choices, a small JSON
box for the rest -- required ones marked, defaults filled."""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from lgtui.forms import Field
from lgtui.preview import safe_text
from lgtui.ui.text import Text


class SafeSelect(Select[str]):
    """Textual's Select, for a dialog that may be closed as fast as it opened: its value
    watcher then finds no overlay to update, and there is nothing to update."""

    def _watch_value(self, value: Any) -> None:
        try:
            super()._watch_value(value)
        except NoMatches:
            if self.is_attached and self.is_mounted:
                raise

    def _setup_options_renderables(self) -> None:
        try:
            super()._setup_options_renderables()
        except NoMatches:
            if self.is_attached and self.is_mounted:
                raise


def _choice_text(choice: Any) -> str:
    return choice if isinstance(choice, str) else json.dumps(choice)


class SchemaForm(Vertical):
    """The fields of one input schema; `texts` reads them, `fill` writes them."""

    def __init__(self, fields: list[Field], texts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = fields
        self.initial = texts

    def compose(self) -> ComposeResult:
        for i, f in enumerate(self.fields):
            label = Text(safe_text(f.name, 60), style="bold")
            if f.required:
                label.append(" *", style="bold red")
            kind = {"messages": "a human message", "json": "JSON"}.get(f.kind, f.kind)
            label.append(f"  {kind}", style="dim")
            if f.description and f.description != f.name:
                label.append(f"  {safe_text(f.description, 80)}", style="dim italic")
            text = self.initial.get(f.name, "")
            wid = f"field-{i}"
            if f.kind == "boolean":
                yield Checkbox(label, text == "true", id=wid, classes="form-field")
                continue
            yield Label(label, classes="form-label")
            if f.kind == "choice":
                options = [
                    (Text(safe_text(_choice_text(c), 60)), _choice_text(c)) for c in f.choices
                ]
                values = [v for _, v in options]
                blank: Any = Select.NULL
                yield SafeSelect(
                    options,
                    value=text if text in values else blank,
                    allow_blank=not f.required or text not in values,
                    id=wid,
                    classes="form-field",
                )
            elif f.kind == "json":
                yield TextArea(text, id=wid, classes="form-field form-json", tab_behavior="focus")
            else:
                kinds = {"integer": "integer", "number": "number"}
                yield Input(
                    text,
                    placeholder="(empty: the graph's default)" if not f.required else "",
                    type=kinds.get(f.kind, "text"),  # type: ignore[arg-type]
                    id=wid,
                    classes="form-field",
                )

    def widget_of(self, name: str) -> Widget | None:
        for i, f in enumerate(self.fields):
            if f.name == name:
                return self.query_one(f"#field-{i}")
        return None

    def texts(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, f in enumerate(self.fields):
            widget = self.query_one(f"#field-{i}")
            if isinstance(widget, Checkbox):
                out[f.name] = "true" if widget.value else "false"
            elif isinstance(widget, Select):
                out[f.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, TextArea):
                out[f.name] = widget.text
            elif isinstance(widget, Input):
                out[f.name] = widget.value
        return out

    def fill(self, texts: dict[str, str]) -> None:
        for i, f in enumerate(self.fields):
            widget = self.query_one(f"#field-{i}")
            text = texts.get(f.name, "")
            if isinstance(widget, Checkbox):
                widget.value = text == "true"
            elif isinstance(widget, Select):
                widget.value = text if text in [_choice_text(c) for c in f.choices] else Select.NULL
            elif isinstance(widget, TextArea):
                widget.load_text(text)
            elif isinstance(widget, Input):
                widget.value = text
