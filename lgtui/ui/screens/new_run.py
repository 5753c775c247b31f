"""Set up a run: assistant, thread, input JSON, stream modes, subgraphs."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from lgtui import forms, inputs
from lgtui.breakpoints import QueryError, parse_all, split_line
from lgtui.events import DEFAULT_STREAM_MODES, STREAM_MODES
from lgtui.preview import safe_text
from lgtui.sources.base import NEW_THREAD, RunRequest
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap
from lgtui.ui.text import Text
from lgtui.ui.widgets.schema_form import SafeSelect, SchemaForm
from lgtui.v2 import CHANNELS

Schemas = Callable[[str], Awaitable["dict[str, Any] | None"]]  # an assistant's schemas


@dataclass
class RunForm:
    """What the form starts with (the previous run's choices)."""

    assistant: str = ""
    thread: str = NEW_THREAD
    input_text: str = "{}"
    modes: tuple[str, ...] = DEFAULT_STREAM_MODES
    subgraphs: bool = False
    interrupt_before: str = ""
    interrupt_after: str = ""
    breakpoints_text: str = ""  # agent breakpoints, ";" between (lgtui/breakpoints.py)
    config_text: str = ""
    context_text: str = ""
    metadata_text: str = ""
    raw_json: bool = False  # the input typed as JSON even where a form could be drawn
    protocol: str = "auto"  # the stream: auto, v1 (stream modes), v2 (channels)
    channels: tuple[str, ...] = CHANNELS
    namespaces_text: str = ""  # v2: "research, agent/tools"
    depth_text: str = ""


PROTOCOL_CHOICES = (
    ("auto", "auto: v2 where the server has it"),
    ("v1", "v1: the run stream (stream modes)"),
    ("v2", "v2: the thread-centric stream (channels)"),
)


def json_object(text: str) -> tuple[dict[str, Any] | None, str | None, tuple[int, int] | None]:
    """(the object, None, None) for a JSON object, (None, None, None) for nothing typed,
    else (None, what is wrong, where) -- a config, a context, a metadata field."""
    raw = text.strip()
    if not raw:
        return None, None, None
    value, problem, where = json_error(raw)
    if problem is None and not isinstance(value, dict):
        problem = f"must be a JSON object, not {type(value).__name__}"
    return (value, None, None) if problem is None else (None, problem, where)


def is_system(assistant: dict[str, Any]) -> bool:
    """The assistant a server makes for each graph (``created_by: system``)."""
    return (assistant.get("metadata") or {}).get("created_by") == "system"


def run_value(assistant: dict[str, Any]) -> str:
    """What a run names the assistant by: a graph's own by its graph id (what the user
    typed on the command line), any other by its id (two may share a graph)."""
    if is_system(assistant):
        return str(assistant.get("graph_id") or assistant.get("assistant_id"))
    return str(assistant.get("assistant_id"))


def assistant_order(assistant: dict[str, Any]) -> tuple[str, bool, str]:
    """By graph, the graph's own first, then by name."""
    return (
        str(assistant.get("graph_id") or ""),
        not is_system(assistant),
        str(assistant.get("name")),
    )


def node_list(text: str) -> list[str] | None:
    """``"a, b"`` -> ``["a", "b"]``; ``"*"`` stays ``["*"]`` (every node); empty -> None."""
    nodes = [n.strip() for n in text.split(",") if n.strip()]
    return nodes or None


def json_error(text: str) -> tuple[Any, str | None, tuple[int, int] | None]:
    """(value, message, (row, column)) -- message None when ``text`` is valid JSON."""
    try:
        return json.loads(text), None, None
    except json.JSONDecodeError as exc:
        return (
            None,
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            (exc.lineno - 1, exc.colno - 1),
        )


@keymap("new run dialog")
class NewRunScreen(ModalScreen[RunRequest | None]):
    """Dismisses with a RunRequest, or None when cancelled."""

    HELP = """\
## New run

The assistant (graph) to run; the thread (`new`, an existing thread's id, or `none` for
a stateless run); the input as JSON (an invalid one is pointed out where it breaks and
nothing is sent); the run's **config** (`{"configurable": {...}, "recursion_limit": 50,
"tags": [...]}`) and **context** (the graph's `context_schema`: what `runtime.context`
holds), each a JSON object or empty; the stream modes; subgraphs; breakpoints
(`interrupt_before` / `interrupt_after`, comma-separated node names, `*` for all).
**Pause at** takes agent breakpoints, `;` between: `before:NODE`, `after:NODE`,
`tool:NAME` (with search terms on its arguments: `tool:search query~refund`),
`change:KEY` (a node wrote a state key), or any search (`values.messages[-1].content~refund`,
`node:tools`). An in-process run pauses there, with **continue**, **step** and **abort**;
a server stops at before/after, and the view at the rest.
**ctrl+up** / **ctrl+down** go through the inputs this assistant ran before (kept beside
config.toml, private). Another assistant starts on a new thread unless you type a thread
id. **ctrl+s** starts the run, **escape** cancels.
"""

    BINDINGS = keyed(
        "new_run",
        [
            # (priority: in the input area escape would only move the focus)
            Binding("escape", "cancel", "Cancel", priority=True),
            Binding("ctrl+s,ctrl+r", "start", "Start run", priority=True),
            Binding("ctrl+up", "history(-1)", "Previous input", priority=True),
            Binding("ctrl+down", "history(1)", "Next input", priority=True),
            Binding("ctrl+t", "toggle_raw", "Form / JSON", priority=True),
        ],
    )

    def __init__(
        self, assistants: list[dict[str, Any]], form: RunForm, schemas: Schemas | None = None
    ) -> None:
        """``schemas``: an assistant's schemas (None when the source cannot say): the
        input is then a form of the input schema's fields, else JSON."""
        super().__init__()
        self.assistants = assistants
        self.form = form
        self.schemas = schemas
        self.fields: list[forms.Field] | None = None  # the form's, when one is drawn
        self.form_mode = False
        self._input_invalid = False
        self.history: dict[str, list[str]] = {}  # assistant -> its inputs, newest last
        self._at: int | None = None  # where in the history the input is (None: typed)
        self._typed = ""  # what was typed before going back in the history
        self._thread_note = ""  # said under the input while it holds

    def compose(self) -> ComposeResult:
        options = []
        for a in sorted(self.assistants, key=assistant_order):
            graph_id = str(a.get("graph_id") or "")
            name = str(a.get("name") or graph_id)
            label = Text(safe_text(graph_id, 50))
            if name and name != graph_id:
                label.append(f"  {safe_text(name, 40)}", style="dim")
            if not is_system(a):
                label.append(f"  v{a.get('version')}", style="dim")
            options.append((label, run_value(a)))
        values = [v for _, v in options]
        initial: Any = (
            self.form.assistant
            if self.form.assistant in values
            else (values[0] if values else Select.NULL)
        )
        with Vertical(id="new-run"):
            yield Static(Text("New run", style="bold"), id="new-run-title")
            with VerticalScroll(id="new-run-body"):
                yield Label("Assistant")
                yield SafeSelect(options, value=initial, allow_blank=not values, id="assistant")
                yield Label("Thread: 'new', an existing thread id, or 'none' for a stateless run")
                yield Input(self.form.thread, id="thread")
                with Horizontal(id="input-row"):
                    yield Label("Input (JSON)", id="input-label")
                    yield Checkbox("Raw JSON  (ctrl+t)", True, id="raw-json", disabled=True)
                yield Vertical(id="input-form")
                yield TextArea(
                    self.form.input_text, id="input", show_line_numbers=True, tab_behavior="focus"
                )
                yield Label('Config (JSON object): {"configurable": {...}, "recursion_limit": 50}')
                yield Input(self.form.config_text, placeholder="{}", id="config")
                yield Label("Context (JSON object): the graph's runtime context")
                yield Input(self.form.context_text, placeholder="{}", id="context")
                yield Label("Metadata (JSON object): kept on the run (and a new thread)")
                yield Input(self.form.metadata_text, placeholder="{}", id="metadata")
                with Horizontal(id="modes-row"):
                    with Vertical():
                        yield Label("Stream modes")
                        yield SelectionList[str](
                            *[(m, m, m in self.form.modes) for m in STREAM_MODES], id="modes"
                        )
                    with Vertical(id="options"):
                        yield Checkbox("Stream subgraphs", self.form.subgraphs, id="subgraphs")
                        yield Label(
                            "Breakpoints: interrupt before nodes (comma-separated, * = all)"
                        )
                        yield Input(
                            self.form.interrupt_before,
                            placeholder="e.g. tools, model",
                            id="interrupt-before",
                        )
                        yield Label("Interrupt after nodes")
                        yield Input(
                            self.form.interrupt_after,
                            placeholder="e.g. model",
                            id="interrupt-after",
                        )
                        yield Label("Pause at (; between)")
                        yield Input(
                            self.form.breakpoints_text,
                            placeholder="tool:search; change:plan; node:tools",
                            id="breakpoints",
                        )
                with Horizontal(id="v2-row"):
                    with Vertical(id="v2-stream"):
                        yield Label("Stream")
                        yield SafeSelect(
                            [(Text(label), value) for value, label in PROTOCOL_CHOICES],
                            value=self.form.protocol,
                            allow_blank=False,
                            id="protocol",
                        )
                        yield Label("Namespaces (v2): e.g. research, agent/tools")
                        yield Input(
                            self.form.namespaces_text, placeholder="every one", id="v2-namespaces"
                        )
                        yield Label("Depth below them (v2)")
                        yield Input(self.form.depth_text, placeholder="any", id="v2-depth")
                    with Vertical(id="v2-channels"):
                        yield Label("Channels (v2)")
                        yield SelectionList[str](
                            *[(c, c, c in self.form.channels) for c in CHANNELS], id="channels"
                        )
            yield Static("", id="input-error")  # (outside the scroll: always in sight)
            with Horizontal(id="new-run-buttons"):
                yield Button("Start  (ctrl+s)", variant="primary", id="start")
                yield Button("Cancel  (esc)", id="cancel")

    @while_shown
    def on_mount(self) -> None:
        area = self.query_one("#input", TextArea)
        area.move_cursor(area.document.end)
        area.focus()
        self.history = inputs.load()  # (a few kB, bounded)
        self.load_form()

    # -- the input as a form ---------------------------------------------------------------

    @screen_work(exclusive=True, group="input-form")
    async def load_form(self) -> None:
        assistant = self._assistant()
        if self.schemas is None or not assistant:
            return
        schemas = await self.schemas(assistant)
        if assistant == self._assistant():  # (not another one chosen meanwhile)
            await self._show_form((schemas or {}).get("input_schema"))

    @while_shown
    async def _show_form(self, schema: Any) -> None:
        holder = self.query_one("#input-form", Vertical)
        area = self.query_one("#input", TextArea)
        if self.form_mode:  # (another assistant's form: what it holds is the input now)
            area.load_text(json.dumps(self._lenient_value(), indent=2, ensure_ascii=False))
        await holder.remove_children()
        raw = self.query_one("#raw-json", Checkbox)
        self.fields = forms.fields_of(schema)
        if not self.fields:
            raw.disabled = True
            self._set_mode(False)
            return
        raw.disabled = False
        typed, problem, _ = json_error(area.text) if area.text.strip() else ({}, None, None)
        texts = None if problem else forms.texts_of(self.fields, typed or {})
        if texts is not None and not typed:  # nothing typed yet: the defaults
            texts = {f.name: f.initial_text() for f in self.fields}
        await holder.mount(SchemaForm(self.fields, texts or {}, id="schema-form"))
        if texts is None:
            self._set_mode(False)
            self._say("this input does not fit the form: it stays JSON (ctrl+t to try)")
        else:
            self._set_mode(not self.form.raw_json)
            if self.form_mode and (self.focused is None or self.focused is area):
                self.query_one("#field-0").focus()

    def _lenient_value(self) -> dict[str, Any]:
        """What the form holds so far (a field that means nothing yet is left out)."""
        schema_form = self._form()
        if schema_form is None or not self.fields:
            return {}
        texts = schema_form.texts()
        value: dict[str, Any] = {}
        for f in self.fields:
            try:
                value.update(forms.build([f], texts))
            except forms.FieldError:
                continue
        return value

    def _set_mode(self, form: bool) -> None:
        self.form_mode = form and bool(self.fields)
        self.query_one("#input-form").display = self.form_mode
        self.query_one("#input", TextArea).display = not self.form_mode
        raw = self.query_one("#raw-json", Checkbox)
        with raw.prevent(Checkbox.Changed):
            raw.value = not self.form_mode
        label = "Input  (* required)" if self.form_mode else "Input (JSON)"
        self.query_one("#input-label", Label).update(label)

    def _say(self, words: str, style: str = "dim") -> None:
        """The line under the input; the thread's note (another assistant, a new thread)
        stays on it until the assistant changes again."""
        text = Text(words, style=style)
        if self._thread_note:
            text.append(("\n" if words else "") + self._thread_note, style="dim")
        self.query_one("#input-error", Static).update(text)

    def _form(self) -> SchemaForm | None:
        found = self.query("#schema-form")
        return found.first(SchemaForm) if found else None

    @on(Checkbox.Changed, "#raw-json")
    def _raw_toggled(self) -> None:
        self.action_toggle_raw()

    def action_toggle_raw(self) -> None:
        """The form to JSON (what it holds so far), or JSON back to the form (when the
        JSON fits its fields)."""
        schema_form = self._form()
        if schema_form is None or not self.fields:
            self._say("this graph's input schema has no fields to draw: the input is JSON")
            return
        area = self.query_one("#input", TextArea)
        if self.form_mode:
            area.load_text(json.dumps(self._lenient_value(), indent=2, ensure_ascii=False))
            self._set_mode(False)
            area.focus()
            return
        typed, problem, _ = json_error(area.text) if area.text.strip() else ({}, None, None)
        fit = None if problem else forms.texts_of(self.fields, typed)
        if fit is None:
            self._set_mode(False)
            self._say(
                "this input does not fit the form (not an object, or keys it has no field for)",
                "bold red",
            )
            return
        schema_form.fill(fit)
        self._set_mode(True)
        self._say("")

    def _assistant(self) -> str:
        value = self.query_one("#assistant", Select).value
        return "" if value is Select.NULL else str(value)

    def action_history(self, step: int) -> None:
        """The assistant's previous (-1) or next (1) input, as a shell's history goes."""
        past = self.history.get(self._assistant(), [])
        area = self.query_one("#input", TextArea)
        if not past:
            self.notify("No earlier input of this assistant yet.", markup=False, timeout=3)
            return
        at = len(past) if self._at is None else self._at
        if self._at is None:
            self._typed = area.text
        at = max(0, min(len(past), at + step))
        self._at = None if at == len(past) else at
        area.load_text(self._typed if self._at is None else past[at])
        area.move_cursor(area.document.end)
        if self.form_mode and self.fields:  # the form shows it, when it fits
            shown, problem, _ = json_error(area.text)
            texts = None if problem else forms.texts_of(self.fields, shown)
            schema_form = self._form()
            if texts is None or schema_form is None:
                self._set_mode(False)
            else:
                schema_form.fill(texts)
        where = "what you typed" if self._at is None else f"input {at + 1} of {len(past)}"
        self.query_one("#input-error", Static).update(Text(where, style="dim"))

    @on(Select.Changed, "#assistant")
    def _assistant_changed(self, message: Select.Changed) -> None:
        """Another assistant: a new thread, unless the user types a thread id on purpose
        (a thread holds one graph's state)."""
        self._at = None
        self._thread_note = ""
        self.load_form()
        thread = self.query_one("#thread", Input)
        if (
            self.form.assistant
            and message.value != self.form.assistant
            and thread.value.strip().lower() not in (NEW_THREAD, "none", "stateless", "")
        ):
            thread.value = NEW_THREAD
            self._thread_note = "a new thread for another assistant (type a thread id to keep one)"
            self._say("")

    @on(TextArea.Changed, "#input")
    def _validate(self) -> None:
        text = self.query_one("#input", TextArea).text
        _, message, _ = json_error(text) if text.strip() else (None, None, None)
        # only the input's own message: a word about another field stays until it is fixed
        if message or self._input_invalid:
            self._say(message or "", style="bold red")
        self._input_invalid = bool(message)

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_start(self) -> None:
        area = self.query_one("#input", TextArea)
        text = area.text.strip() or "null"
        value, message, where = json_error(text)
        error = self.query_one("#input-error", Static)
        schema_form = self._form()
        if self.form_mode and self.fields and schema_form is not None:
            try:
                value, message = forms.build(self.fields, schema_form.texts()), None
            except forms.FieldError as exc:
                error.update(Text(f"{exc} — nothing was sent", style="bold red"))
                widget = schema_form.widget_of(exc.name)
                if widget is not None:
                    widget.focus()
                return
        if message is not None:
            error.update(Text(message + " — nothing was sent", style="bold red"))
            if where is not None:
                area.move_cursor(where)
            area.focus()
            return
        assistant = self.query_one("#assistant", Select).value
        if assistant is Select.NULL or not assistant:
            error.update(Text("choose an assistant first", style="bold red"))
            return
        modes = list(self.query_one("#modes", SelectionList).selected)
        protocol = str(self.query_one("#protocol", Select).value)
        channels = list(self.query_one("#channels", SelectionList).selected)
        if not modes and protocol != "v2":
            error.update(Text("choose at least one stream mode", style="bold red"))
            return
        if not channels and protocol == "v2":
            error.update(Text("choose at least one channel", style="bold red"))
            return
        depth_text = self.query_one("#v2-depth", Input).value.strip()
        if depth_text and not (depth_text.isdigit()):
            error.update(Text("Depth: a number of levels, 0 or more", style="bold red"))
            self.query_one("#v2-depth", Input).focus()
            return
        namespaces = [
            [part for part in item.strip().strip("/").split("/") if part]
            for item in self.query_one("#v2-namespaces", Input).value.split(",")
            if item.strip().strip("/")
        ]
        objects: dict[str, Any] = {}
        for name in ("config", "context", "metadata"):
            field = self.query_one(f"#{name}", Input)
            parsed, problem, _ = json_object(field.value)
            if problem is not None:
                error.update(
                    Text(f"{name.capitalize()}: {problem} — nothing was sent", style="bold red")
                )
                field.focus()
                return
            objects[name] = parsed or None
        points_field = self.query_one("#breakpoints", Input)
        points = split_line(points_field.value)
        try:
            parse_all(points)
        except QueryError as exc:
            error.update(
                Text(f"Pause at: {safe_text(str(exc), 300)} — nothing was sent", style="bold red")
            )
            points_field.focus()
            return
        thread = self.query_one("#thread", Input).value.strip() or NEW_THREAD
        request = RunRequest(
            assistant=str(assistant),
            input=value,
            stream_mode=[m for m in STREAM_MODES if m in modes],
            subgraphs=self.query_one("#subgraphs", Checkbox).value,
            thread_id=None if thread.lower() in ("none", "stateless") else thread,
            interrupt_before=node_list(self.query_one("#interrupt-before", Input).value),
            interrupt_after=node_list(self.query_one("#interrupt-after", Input).value),
            breakpoints=points or None,
            config=objects["config"],
            context=objects["context"],
            metadata=objects["metadata"],
            protocol=protocol,
            channels=[c for c in CHANNELS if c in channels] if channels != list(CHANNELS) else None,
            namespaces=namespaces or None,
            depth=int(depth_text) if depth_text else None,
        )
        typed = json.dumps(value, ensure_ascii=False) if self.form_mode else area.text
        self.form.raw_json = bool(self.fields) and not self.form_mode
        self.app.run_worker(  # (a file write: off the loop)
            lambda: inputs.remember(str(assistant), typed), thread=True, group="inputs"
        )
        self.dismiss(request)
