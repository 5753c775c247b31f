"""The Assistants screen (a), against a real `langgraph dev` and the embedded engine: an
assistant is made from a graph with its own context, edited into a new version, an
older version made live again (its config; the context stays, as the server keeps it,
and the screen says so), run with it and deleted;
bad JSON is refused with words and nothing is sent."""

from __future__ import annotations

import uuid

from helpers.ui import screen_text, wait_for, wait_for_text, wait_for_toast
from textual.widgets import Input, TextArea

from lgtui.sources.base import RunRequest
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.assistants import AssistantsScreen, AssistantTable, VersionTable
from lgtui.ui.screens.new_run import NewRunScreen

SIZE = (130, 40)


async def open_assistants(pilot, app) -> AssistantsScreen:
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, AssistantsScreen), what="assistants")
    screen = app.screen
    await wait_for(pilot, lambda: screen.assistants, what="assistants listed")
    return screen


def select_named(screen: AssistantsScreen, name: str) -> None:
    names = [a["name"] for a in screen.assistants]
    screen.query_one(AssistantTable).move_cursor(row=names.index(name))


async def fill(pilot, app, **fields: str) -> None:
    """Type into the assistant dialog's fields (name, context, ...) and save."""
    await wait_for(pilot, lambda: app.screen.query("#assistant-form"), what="the dialog")
    for name, text in fields.items():
        widget = app.screen.query_one(f"#assistant-{name}")
        if isinstance(widget, TextArea):
            widget.load_text(text)
        else:
            assert isinstance(widget, Input)
            widget.value = text
    await pilot.press("ctrl+s")


async def test_make_edit_pick_a_version_run_and_delete_an_assistant(source):
    name = f"bo-{uuid.uuid4().hex[:6]}"
    app = LgtuiApp(source, request=RunRequest("persona", {"question": "hi"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        screen = await open_assistants(pilot, app)
        await wait_for_text(pilot, "persona", "the graph's own")
        select_named(screen, "persona")
        # a new one, from the graph under the cursor
        await pilot.press("n")
        await fill(pilot, app, name=name, context='{"name": "Bo", "style": "long"}')
        await wait_for_toast(pilot, f"Made assistant {name} (persona)")
        await wait_for(pilot, lambda: screen.selected() and screen.selected()["name"] == name)
        await wait_for_text(pilot, name, 'name: "Bo"')
        # its graph's schemas
        await pilot.press("3")
        await wait_for_text(pilot, " input ", "question")
        await pilot.press("s", "s", "s", "s")  # input -> output -> state -> config -> context
        await wait_for_text(pilot, "context  ", 'title: "Persona"', "style")
        # an edit is a new version, made the live one
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query("#assistant-form"), what="the dialog")
        assert '"Bo"' in app.screen.query_one("#assistant-context", TextArea).text
        await fill(pilot, app, context='{"name": "Cy"}')
        await wait_for_toast(pilot, f"Saved {name}: version 2 is live")
        await pilot.press("2")
        versions = screen.query_one(VersionTable)
        await wait_for(pilot, lambda: len(screen.versions) == 2, what="two versions")
        await wait_for_text(pilot, "2  live")
        # version 1 live again (enter on a version: 2 put the focus on them)
        await wait_for(pilot, lambda: versions.has_focus, what="the versions focused")
        await pilot.press("down", "enter")
        await wait_for_toast(pilot, "Version 1 is live: runs use its config.")
        # (as the server does it: the context is not version 1's, and the screen says so)
        await wait_for_toast(pilot, 'The context stays {name: "Cy"}', "Edit the assistant")
        await wait_for(pilot, lambda: screen.selected() and screen.selected()["version"] == 1)
        # enter on the assistant: a New run with it; the run gets the assistant's context
        await pilot.press("shift+tab", "shift+tab")  # back to the list (past the tabs)
        await wait_for(pilot, lambda: screen.query_one(AssistantTable).has_focus)
        chosen = screen.selected()["assistant_id"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewRunScreen), what="new run")
        assert app.screen.query_one("#assistant").value == chosen
        await wait_for(pilot, lambda: app.screen.form_mode, what="the input form")
        app.screen.query_one("#field-0", Input).value = "why?"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main)
        await wait_for(pilot, lambda: app.session.status == "success", what="the run")
        answers = [e.data for e in app.session.events if e.mode == "values"]
        assert answers[-1]["answer"] == "Cy (short, calm) answers 'why?'"
        # delete it, after a yes
        screen = await open_assistants(pilot, app)
        select_named(screen, name)
        await pilot.press("delete")
        await wait_for_text(pilot, f"Delete the assistant {name} and every version of it?")
        await pilot.press("y")
        await wait_for_toast(pilot, f"Deleted the assistant {name}")
        await wait_for(pilot, lambda: name not in [a["name"] for a in screen.assistants])
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main)


async def test_bad_json_is_refused_and_nothing_is_made(source):
    app = LgtuiApp(source, request=RunRequest("persona", {"question": "hi"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        screen = await open_assistants(pilot, app)
        before = len(screen.assistants)
        await pilot.press("n")
        await fill(pilot, app, context='{"name": ')
        await wait_for_text(pilot, "Context: invalid JSON at line 1")
        await fill(pilot, app, context="[1]")
        await wait_for_text(pilot, "Context: must be a JSON object, not list")
        await fill(pilot, app, context='{"name": "x"}', config='{"configurable": {"a": 1}}')
        await wait_for_text(pilot, "Give the settings in Context alone")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("r")
        await wait_for_toast(pilot, "Reloading the assistants")
        await pilot.pause()
        assert len(await app.controller.list_assistants()) == before
        assert "Untitled" not in screen_text(app)
