"""A New run that knows the graph: the input is a form of the graph's input schema
(required fields marked, defaults filled, choices as a select, the rest as JSON), a
raw-JSON toggle, a Metadata field; what a field cannot mean is said where it is, and
nothing is sent.  Against a real `langgraph dev` and the embedded engine alike."""

from __future__ import annotations

import json

from helpers.ui import screen_text, wait_for, wait_for_text
from textual.widgets import Checkbox, Input, Select, TextArea

from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.new_run import NewRunScreen

SIZE = (110, 45)


async def open_form(pilot, app, assistant: str) -> NewRunScreen:
    app.form.assistant = assistant
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: isinstance(app.screen, NewRunScreen), what="the dialog")
    dialog = app.screen
    await wait_for(pilot, lambda: dialog.form_mode, what="the input as a form")
    return dialog


def field(dialog, name: str):
    return dialog._form().widget_of(name)


async def test_a_form_of_the_input_schema_runs_the_graph(source):
    app = LgtuiApp(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, NewRunScreen), what="first dialog")
        await pilot.press("escape")
        dialog = await open_form(pilot, app, "persona")
        text = await wait_for_text(pilot, "question *", "a human message" if False else "mood")
        assert "times  integer" in text and "urgent" in text and "What to ask" in text
        # defaults filled; the required text focused and empty
        assert field(dialog, "question").has_focus and field(dialog, "question").value == ""
        assert field(dialog, "mood").value == "calm" and field(dialog, "times").value == "1"
        assert not field(dialog, "urgent").value
        # nothing is sent without the required field, and the dialog says which
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "question: is required — nothing was sent")
        assert isinstance(app.screen, NewRunScreen)
        await pilot.press(*"why?")
        field(dialog, "times").value = "two"
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "times: 'two' is not a whole number — nothing was sent")
        assert field(dialog, "times").has_focus
        field(dialog, "times").value = "2"
        field(dialog, "mood").value = "angry"
        field(dialog, "tags").load_text('["x"]')
        dialog.query_one("#metadata", Input).value = '{"ticket": "T-1"}'
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main, what="the run started")
        await wait_for(pilot, lambda: app.session.status == "success", what="the run")
        values = [e.data for e in app.session.events if e.mode == "values"]
        assert values[0] == {
            "question": "why?",
            "mood": "angry",
            "times": 2,
            "ratio": 0.5,
            "urgent": False,
            "tags": ["x"],
            "extra": {},
        }
        assert values[-1]["answer"] == " ".join(["Ada (short, angry) answers 'why?'"] * 2)
        assert app.controller.last_request.metadata == {"ticket": "T-1"}
        # the next dialog shows the same input in the form
        dialog = await open_form(pilot, app, "persona")
        assert field(dialog, "question").value == "why?" and field(dialog, "times").value == "2"


async def test_raw_json_and_back(source):
    app = LgtuiApp(source)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, NewRunScreen), what="first dialog")
        await pilot.press("escape")
        dialog = await open_form(pilot, app, "persona")
        await pilot.press(*"hi")
        await pilot.press("ctrl+t")  # the form's input as JSON
        area = dialog.query_one("#input", TextArea)
        await wait_for(pilot, lambda: area.display and not dialog.form_mode)
        assert json.loads(area.text)["question"] == "hi"
        assert dialog.query_one("#raw-json", Checkbox).value
        area.load_text('{"question": "hi", "nope": 1}')  # a key the form has no field for
        await pilot.press("ctrl+t")
        await wait_for_text(pilot, "this input does not fit the form")
        assert not dialog.form_mode
        area.load_text('{"question": "back", "urgent": true}')
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: dialog.form_mode)
        assert field(dialog, "question").value == "back" and field(dialog, "urgent").value
        # another graph: the input typed stays (as JSON: it does not fit that graph's form)
        dialog.query_one("#assistant", Select).value = "tools"
        await wait_for(pilot, lambda: field(dialog, "messages") is not None, what="tools' form")
        await wait_for_text(pilot, "this input does not fit the form: it stays JSON")
        assert json.loads(area.text) == {"question": "back", "urgent": True}
        # a graph of messages: one line for a human message
        area.load_text("{}")
        await pilot.press("ctrl+t")
        await wait_for_text(pilot, "messages", "a human message")
        field(dialog, "messages").value = "what time is it?"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main, what="the run started")
        assert app.controller.last_request.input == {
            "messages": [{"role": "human", "content": "what time is it?"}]
        }
        assert "nothing was sent" not in screen_text(app)
