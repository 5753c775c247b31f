"""The Store browser (m), against a real `langgraph dev` and the embedded engine alike:
what a graph remembered is listed by namespace, shown, searched, put, edited and deleted
from the screen, and what the last run wrote is one key away; bad input is refused with
words and changes nothing."""

from __future__ import annotations

import uuid

import pytest
from helpers.ui import screen_text, wait_for, wait_for_text, wait_for_toast
from textual.widgets import Input, TextArea

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.sources.remote import RemoteSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.store import NamespaceTree, StoreScreen

SIZE = (130, 40)


async def open_store(pilot, app) -> StoreScreen:
    await pilot.press("m")
    await wait_for(pilot, lambda: isinstance(app.screen, StoreScreen), what="the store")
    screen = app.screen
    await wait_for(pilot, lambda: screen.items and screen.namespaces, what="items listed")
    return screen


async def open_namespace(pilot, screen: StoreScreen, namespace: list[str]) -> None:
    """Pick a namespace in the tree with keys (the server keeps other tests' items, so the
    first page of every namespace need not hold this test's)."""
    tree = screen.query_one(NamespaceTree)
    await wait_for(pilot, lambda: find_node(tree, namespace) is not None, what=f"{namespace}")
    tree.focus()
    tree.move_cursor(find_node(tree, namespace))
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            screen.items
            and all(i["namespace"][: len(namespace)] == namespace for i in screen.items)
        ),
        what=f"the items of {namespace}",
    )


def find_node(tree: NamespaceTree, namespace: list[str]):
    nodes = [tree.root]
    while nodes:
        node = nodes.pop()
        if node.data == namespace:
            return node
        nodes.extend(node.children)
    return None


async def fill_dialog(pilot, app, value: str, field: str | None = None) -> None:
    await wait_for(pilot, lambda: app.screen.query("#edit-value"), what="the dialog")
    app.screen.query_one("#edit-value", TextArea).text = value
    if field is not None:
        app.screen.query_one("#edit-node", Input).value = field
    await pilot.press("ctrl+s")


async def test_browse_search_put_edit_and_delete_what_a_graph_remembered(source):
    user = f"u{uuid.uuid4().hex[:8]}"  # (the session's server keeps other tests' items)
    app = LgtuiApp(source, request=RunRequest("memory", {"user": user, "remember": "Coffee black"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        screen = await open_store(pilot, app)
        await open_namespace(pilot, screen, ["memories", user])
        await wait_for_text(pilot, "memories", user, "coffee", 'text: "Coffee black"')
        # what the run wrote (the store is read again behind the run's end)
        await wait_for(pilot, lambda: app.controller.store_change is not None)
        await pilot.press("D")
        await wait_for_text(
            pilot, "What the last run wrote to the store", f"memories/{user}/coffee"
        )
        # a new item, where the dialog suggests (under the namespace shown)
        await pilot.press("n")
        await fill_dialog(pilot, app, '{"text": "green tea"}', f"memories/{user}/tea")
        await wait_for_toast(pilot, f"Saved memories/{user} / tea")
        await wait_for(pilot, lambda: any(i["key"] == "tea" for i in screen.items))
        # an item that expires (where the store keeps TTLs; one that does not keeps it)
        await pilot.press("n")
        await fill_dialog(pilot, app, '{"text": "soon gone"}', f"memories/{user}/soon ttl=30")
        await wait_for_toast(pilot, f"Saved memories/{user} / soon (expires in 30 min)")
        await wait_for(pilot, lambda: any(i["key"] == "soon" for i in screen.items))
        await pilot.press("n")
        await fill_dialog(pilot, app, '{"text": "x"}', f"memories/{user}/never ttl=soon")
        await wait_for_toast(pilot, "ttl=MINUTES takes a number of minutes above 0.")
        assert await app.controller.call(source.get_item(["memories", user], "never")) is None
        # words on a store without an index search nothing: said
        await pilot.press("slash")
        search = screen.query_one("#store-search", Input)
        await wait_for(pilot, lambda: search.has_focus)
        search.value = "coffee"
        await pilot.press("enter")
        await wait_for_text(pilot, "query 'coffee'", "no index: words do not search this store")
        # a filter on the values shows only what matches
        await pilot.press("slash")
        search = screen.query_one("#store-search", Input)
        await wait_for(pilot, lambda: search.has_focus)
        search.value = '{"text": "green tea"}'
        await pilot.press("enter")
        await wait_for(pilot, lambda: [i["key"] for i in screen.items] == ["tea"], what="filtered")
        assert 'filter {text: "green tea"}' in screen_text(app)
        # edit the selected item's value
        await pilot.press("e")
        await fill_dialog(pilot, app, '{"text": "oolong"}')
        await wait_for_toast(pilot, f"Saved memories/{user} / tea")
        item = await app.controller.call(source.get_item(["memories", user], "tea"))
        assert item["value"] == {"text": "oolong"}
        # delete it, after a yes
        # (the filter now matches nothing: the value changed) -- an empty search clears it
        await wait_for(pilot, lambda: app.screen is screen and not screen.items)
        await pilot.press("slash")
        await wait_for(pilot, lambda: search.has_focus)
        search.value = ""
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(i["key"] == "tea" for i in screen.items))
        table = screen.query_one("#store-items")
        table.move_cursor(row=[i["key"] for i in screen.items].index("tea"))
        await pilot.press("delete")
        await wait_for_text(pilot, f"Delete memories/{user} / tea from the store?")
        await pilot.press("y")
        await wait_for_toast(pilot, f"Deleted memories/{user} / tea")
        assert await app.controller.call(source.get_item(["memories", user], "tea")) is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main, what="back on the main screen")


async def test_bad_items_are_refused_with_words_and_nothing_changes(source):
    user = f"u{uuid.uuid4().hex[:8]}"
    app = LgtuiApp(source, request=RunRequest("memory", {"user": user, "remember": "Tabs win"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        screen = await open_store(pilot, app)
        before = len(screen.items)
        await pilot.press("n")  # a value that is not an object: the dialog says so, stays
        await fill_dialog(pilot, app, "[1, 2]", f"memories/{user}/list")
        await wait_for_text(pilot, "the value must be a JSON object")
        await fill_dialog(pilot, app, '{"a": 1}', "nokey")  # no namespace
        await wait_for_toast(pilot, "Give a namespace and a key")
        await pilot.press("n")
        await fill_dialog(pilot, app, '{"a": 1}', "bad.label/key")  # every store refuses it
        await wait_for_toast(pilot, "Not saved: a namespace label cannot be empty or hold a dot")
        await pilot.press("slash")
        screen.query_one("#store-search", Input).value = '{"unclosed": '
        await pilot.press("enter")
        await wait_for_toast(pilot, "Not a JSON filter")
        assert app.is_running and len(screen.items) == before


async def test_a_source_without_a_store_says_so():
    from helpers.ui import wait_for_toast as toast

    class NoStore:
        kind, target, warnings = "remote", "toy://", ()

        async def list_assistants(self):
            return [{"assistant_id": "a", "graph_id": "toy", "name": "toy"}]

        async def get_graph(self, assistant, *, xray=True):
            return {}

        async def stream_run(self, request, handle):
            return
            yield

        async def cancel_run(self, thread_id, run_id): ...

        async def aclose(self): ...

    app = LgtuiApp(NoStore(), request=RunRequest("toy", {}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.press("m")
        await toast(pilot, "This source has no store.")
        assert app.screen is app.main


@pytest.fixture(params=["embedded", "remote"])
def indexed(request):
    """tests/projects/runtime: a store with an index (./embeddings.py:embed, the "text"
    field), embedded and under `langgraph dev`."""
    from helpers.paths import PROJECTS

    if request.param == "embedded":
        source = EmbeddedSource(str(PROJECTS / "runtime"))
        yield source
        source.close()
    else:
        yield RemoteSource(request.getfixturevalue("runtime_server").url)


async def test_words_search_the_store_by_meaning_where_it_has_an_index(indexed):
    user = f"u{uuid.uuid4().hex[:8]}"
    app = LgtuiApp(
        indexed, request=RunRequest("memory", {"user": user, "fact": "cats like cat food"})
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        screen = await open_store(pilot, app)
        await open_namespace(pilot, screen, ["memories", user])
        await pilot.press("slash")
        search = screen.query_one("#store-search", Input)
        await wait_for(pilot, lambda: search.has_focus)
        search.value = "cat food"
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: screen.items and all(isinstance(i.get("score"), float) for i in screen.items),
            what="items with a score",
        )
        # nearest first: the cat fact before the tax forms, each with its score on screen
        assert [i["key"] for i in screen.items] == ["fact-1", "fact-2"]
        assert screen.items[0]["score"] > screen.items[1]["score"]
        text = await wait_for_text(pilot, "query 'cat food'", f"{screen.items[0]['score']:.3f}")
        assert 'text: "cats like cat food"' in text  # the nearest one shown
