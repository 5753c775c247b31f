"""Small dialogs the screens share: a yes/no question, a JSON value to edit (checked as it is
typed)."""

from __future__ import annotations

import json
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    Static,
    TextArea,
)

from lgtui.ui.guard import while_shown
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.screens.new_run import json_error
from lgtui.ui.text import Text


@keymap("confirm dialog")
class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = keyed(
        "confirm",
        [Binding("escape,n", "dismiss(False)", "No"), Binding("y", "dismiss(True)", "Yes")],
    )

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    @on(Button.Pressed)
    def _pressed(self, message: Button.Pressed) -> None:
        self.dismiss(message.button.id == "yes")


@keymap("prompt dialog")
class PromptScreen(ModalScreen[str | None]):
    """One line typed (enter), or None (escape)."""

    BINDINGS = keyed("prompt", [Binding("escape", "dismiss(None)", "Cancel")])

    def __init__(self, question: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question))
            yield Input(self.value, placeholder=self.placeholder, id="prompt")

    def on_mount(self) -> None:
        self.query_one("#prompt", Input).focus()

    @on(Input.Submitted, "#prompt")
    def _typed(self, message: Input.Submitted) -> None:
        self.dismiss(message.value)


@keymap("pick dialog")
class PickScreen(ModalScreen[str | None]):
    """One of a few choices (enter), or None (escape)."""

    BINDINGS = keyed("pick", [Binding("escape", "dismiss(None)", "Cancel")])

    def __init__(self, question: str, choices: list[str], marked: set[str] | None = None) -> None:
        super().__init__()
        self.question = question
        self.choices = choices
        self.marked = marked or set()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question))
            yield OptionList(
                *[
                    Text(
                        ("● " if c in self.marked else "  ") + c,
                        style="bold" if c in self.marked else "",
                    )
                    for c in self.choices
                ],
                id="pick",
            )

    def on_mount(self) -> None:
        self.query_one("#pick", OptionList).focus()

    @on(OptionList.OptionSelected, "#pick")
    def _picked(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[message.option_index])


@keymap("edit dialog")
class EditJsonScreen(ModalScreen[tuple[Any, str] | None]):
    """Edit a JSON value (and optionally a node name); dismisses with (value, node) or None."""

    BINDINGS = keyed(
        "edit",
        [
            Binding("escape", "dismiss(None)", "Cancel"),
            Binding("ctrl+s", "submit", "Send", priority=True),
        ],
    )

    def __init__(
        self,
        title: str,
        value: Any,
        *,
        context: str = "",
        ask_node: bool = False,
        allowed_keys: list[str] | None = None,
        field: str = "",
        field_value: str = "",
        object_only: bool = False,
    ) -> None:
        """``field``: the placeholder of a line asked beside the value (its text comes
        back as the second of the pair); ``ask_node`` asks for an ``as_node`` that way."""
        super().__init__()
        self.title_text = title
        self.value = value
        self.context = context
        self.field = field or (
            "as_node (optional): the node this update acts as" if ask_node else ""
        )
        self.field_value = field_value
        self.allowed_keys = allowed_keys
        self.object_only = object_only

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog edit-json"):
            yield Static(Text(self.title_text, style="bold"))
            if self.context:
                yield Static(Text(self.context, style="dim"), classes="edit-context")
            yield TextArea(
                json.dumps(self.value, indent=2, ensure_ascii=False),
                id="edit-value",
                show_line_numbers=True,
            )
            if self.field:
                yield Input(self.field_value, placeholder=self.field, id="edit-node")
            yield Static("", id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send (ctrl+s)", variant="primary", id="send")
                yield Button("Cancel (esc)", id="cancel")

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#edit-value", TextArea).focus()

    @on(Button.Pressed, "#send")
    def action_submit(self) -> None:
        area = self.query_one("#edit-value", TextArea)
        value, message, where = json_error(area.text)
        error = self.query_one("#edit-error", Static)
        if message is not None:
            error.update(Text(message + " — nothing was sent", style="bold red"))
            if where is not None:
                area.move_cursor(where)
            return
        if self.object_only and not isinstance(value, dict):
            error.update(
                Text("the value must be a JSON object {…} — nothing was sent", style="bold red")
            )
            return
        if self.allowed_keys is not None and isinstance(value, dict):
            unknown = sorted(set(value) - set(self.allowed_keys))
            if unknown:
                error.update(
                    Text(
                        f"the graph's state has no key {', '.join(map(repr, unknown))}; its keys are "
                        f"{', '.join(self.allowed_keys)} — nothing was sent",
                        style="bold red",
                    )
                )
                return
        node = self.query_one("#edit-node", Input).value.strip() if self.field else ""
        self.dismiss((value, node))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
