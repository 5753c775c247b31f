"""Every binding of every screen and tab, pressed in every state the screen can be in
(no run, running, finished, failed, interrupted; a replay; the thread browser and a
thread's history; the graph view, help, a diff): the app stays alive, and each key
either changes what is on screen or says why not (a toast), save for moves that are
already at the edge."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers.paths import RECORDINGS
from helpers.ui import press_quickly, quit_with, screen_text, wait_for, wait_for_text
from textual.widgets import Input, TextArea

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp, ReplayApp
from lgtui.ui.screens.history import HistoryScreen
from lgtui.ui.screens.main import MainScreen
from lgtui.ui.screens.pause import PauseScreen
from lgtui.ui.screens.threads import ThreadsScreen

# ~200 keys a test, each waited for: 20-80 s on an idle machine, several times that on a
# busy one (the 120 s default is a guard against a hang, not a measure of speed)
pytestmark = pytest.mark.timeout(480)

SIZE = (120, 40)
# keys that end the app, pressed last and on their own
ENDING = {"q", "ctrl+c"}
# moves that may find nothing to do (already at the top, the end, the only item)
MOVES = {
    "up", "down", "k", "j", "pageup", "pagedown", "ctrl+b", "ctrl+f", "home", "end", "g", "G",
    "left", "right", "enter", "escape", "s", "f", "z", *"1234567890",
    "P", "S", "D",  # (the pane already shown)
}  # fmt: skip


def keys_of(*classes: type) -> list[str]:
    """The first key of every binding the classes declare (as a user presses it)."""
    out: list[str] = []
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", []):
            key = binding.key.split(",")[0].strip()
            if key and key not in out:
                out.append(key)
    return out


def notified(app) -> int:
    """How many toasts the app has shown (a new one is news, even said twice)."""
    return app.said_count


async def settle(pilot, app, started_before: set, limit: float = 2.0) -> None:
    """Until the workers the key started have finished (an answer from the engine, a page
    of threads), bounded in time; then the messages they posted are handled."""
    from textual.worker import WorkerState

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy = [
            w
            for w in app.workers
            if w not in started_before and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if not busy:
            break
        await pilot.pause(0.01)
    await pilot.pause(0)


async def press_all(
    pilot, app, home, keys: list[str], silent: list[str], where: str, typing: bool = False
) -> None:
    """Press each key on ``home``; back to ``home`` after each (a dialog or screen it
    opened is closed); record the keys that did nothing visible.  ``typing``: the screen's
    own message line may keep the focus (its escape would leave the screen)."""
    for key in keys:
        if key in ENDING:
            continue
        before, toasts = screen_text(app), notified(app)
        workers = set(app.workers)
        await press_quickly(pilot, key)
        await settle(pilot, app, workers)
        assert app.is_running, f"{where}: {key} broke the app"
        changed = screen_text(app) != before or notified(app) > toasts
        if not changed and key not in MOVES:
            # a toast or a screen a worker posted may still be in the app's queue (a busy
            # machine, a stream coming in): give it a bounded while to arrive
            deadline = time.monotonic() + 2.0
            while not changed and time.monotonic() < deadline:
                await pilot.pause(0.02)
                changed = (
                    app.screen is not home or screen_text(app) != before or notified(app) > toasts
                )
        for _ in range(5):
            if app.screen is home:
                break
            changed = True
            app.pop_screen()
            await pilot.pause(0.02)
        assert app.screen is home, f"{where}: {key} left {app.screen!r}"
        if isinstance(app.focused, Input | TextArea) and not typing:  # a search line: closed
            changed = True
            await press_quickly(pilot, "escape")
        if not changed and key not in MOVES:
            silent.append(f"{where}: {key}")


# main-screen keys whose effect depends on the tab shown: pressed on every tab
TAB_KEYS = ["f", "c", "ctrl+s", "slash", "n", "N", "F", "P", "S", "D", "z", "s"]


def tab_widget_keys(tab: str) -> list[str]:
    from lgtui.ui.widgets.agents_view import AgentsView
    from lgtui.ui.widgets.event_list import EventList
    from lgtui.ui.widgets.json_tree import JsonTree
    from lgtui.ui.widgets.messages_view import MessagesView
    from lgtui.ui.widgets.timeline_view import TimelineView
    from lgtui.ui.widgets.tools_view import ToolsView

    widget = {"5": MessagesView, "8": TimelineView, "9": ToolsView, "0": AgentsView}.get(
        tab, EventList
    )
    return keys_of(widget) + [k for k in keys_of(JsonTree) if k not in keys_of(widget)]


def main_keys() -> list[str]:
    """The main screen's keys that do not depend on the tab (nor start, stop or replace
    the run: those are pressed last)."""
    return [
        k
        for k in keys_of(MainScreen)
        if k not in TAB_KEYS and k not in ("r", "x", "ctrl+n", "w") and not k.isdigit()
    ]


async def walk_the_main_screen(
    pilot, app, state: str, silent: list[str], widgets: bool = False
) -> None:
    """The screen's own keys once; on every tab the keys that depend on it (and, with
    ``widgets``, the keys of the tab's list, tree or view too)."""
    home = app.screen
    await press_all(pilot, app, home, main_keys(), silent, state)
    for tab in "1234567890":
        await press_quickly(pilot, tab)
        extra = [k for k in tab_widget_keys(tab) if k not in TAB_KEYS] if widgets else []
        await press_all(pilot, app, home, TAB_KEYS + extra, silent, f"{state} tab {tab}")


STATES = {
    "finished": RunRequest("agent", {"topic": "x"}),
    # a tool call in a subgraph: rows on the Tools and Agents tabs, on either stream
    "agents": RunRequest("research", {"topic": "x"}, subgraphs=True),
    "thread-stream": RunRequest("research", {"topic": "x"}, protocol="v2"),
    "error": RunRequest("failing", {"topic": "boom"}),
    "interrupted": RunRequest("hitl", {"q": "name?"}),
    # paused at a breakpoint in the host (the pause screen hidden: escape)
    "paused": RunRequest("agent", {"topic": "x"}, breakpoints=["before:refine_topic"]),
    "running": RunRequest(
        "firehose", {"count": 100_000, "size": 60, "pause": 0.01}, stream_mode=["custom"]
    ),
}


@pytest.fixture(scope="module")
def source(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    yield source
    source.close()


@pytest.mark.parametrize("state", ["empty", *STATES])
async def test_every_key_of_the_main_screen(source, state):
    app = LgtuiApp(source, request=STATES.get(state))
    app.on_unmount = lambda: None  # (the shared source stays open for the next state)
    silent: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        if state == "empty":
            await wait_for(pilot, lambda: app.screen is not app.main and app.screen.query("#input"))
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        else:
            want = {
                "running": "running",
                "error": "error",
                "interrupted": "interrupted",
                "paused": "running",
            }.get(state, "success")
            try:
                await wait_for(
                    pilot,
                    lambda: (
                        app.session is not None
                        and app.session.status == want
                        and (state != "paused" or isinstance(app.screen, PauseScreen))
                    ),
                    timeout=60,
                )
            except AssertionError:
                session = app.session
                raise AssertionError(
                    f"{state}: the run never got there: "
                    + (
                        f"{session.status} {session.status_detail!r}, {session.count} events"
                        if session
                        else "no run"
                    )
                    + f"; said: {[s.message for s in app.said]}; host log: {source.logs[-5:]}"
                ) from None
        if state == "paused":
            await press_quickly(pilot, "escape")  # (the run stays paused: i shows it again)
            await wait_for(pilot, lambda: app.screen is app.main, what="the main screen")
        widgets = state in ("finished", "agents", "thread-stream")
        await walk_the_main_screen(pilot, app, state, silent, widgets=widgets)
        # the keys that stop, start or replace the run, last
        await press_all(pilot, app, app.main, ["x"], silent, state)
        if state == "empty":  # nothing to run again: the New run dialog
            await press_quickly(pilot, "r")
            await wait_for(pilot, lambda: app.screen is not app.main, what="the dialog")
            app.pop_screen()
        elif state not in ("running", "paused"):  # (x ended the paused one: it pauses again)
            first = app.session
            await press_quickly(pilot, "r")  # run again
            await wait_for(pilot, lambda: app.session is not first, what="another run")
        await press_all(pilot, app, app.main, ["w", "ctrl+n"], silent, state)
        await quit_with(pilot)
    assert not app.is_running
    assert silent == [], "\n".join(silent)


# the research agent on the run stream; a deep agent on the thread-centric one (its
# tools, agents and files: the tab past the tenth opens from the palette)
@pytest.mark.parametrize("recording", ["research", "deep"])
async def test_every_key_of_a_replay(recording):
    app = ReplayApp(str(RECORDINGS / f"{recording}.msgpack"))
    silent: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        from lgtui.ui.screens.replay import ReplayScreen

        home = app.screen
        await press_all(pilot, app, home, main_keys(), silent, "replay")
        replay_keys = [k for k in keys_of(ReplayScreen) if k not in main_keys() and not k.isdigit()]
        await press_all(pilot, app, home, replay_keys, silent, "replay")
        for tab in "1234567890":
            await press_quickly(pilot, tab)
            keys = TAB_KEYS + [k for k in tab_widget_keys(tab) if k not in TAB_KEYS]
            await press_all(pilot, app, home, keys, silent, f"replay tab {tab}")
        from lgtui.ui.widgets.files_view import FilesView

        for title, _, show in app.main.palette_extra():  # (the Files tab)
            show()
            await pilot.pause(0.1)
            keys = TAB_KEYS + [k for k in keys_of(FilesView) if k not in TAB_KEYS]
            await press_all(pilot, app, home, keys, silent, f"replay {title}")
        await quit_with(pilot)
    assert silent == [], "\n".join(silent)


async def test_every_key_of_the_thread_browser_and_a_history(source):
    from lgtui.ui.screens.history import CheckpointTree
    from lgtui.ui.screens.threads import ThreadTable

    app = LgtuiApp(source, request=RunRequest("hitl", {"q": "name?"}))
    app.on_unmount = lambda: None
    silent: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await press_quickly(pilot, "h")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints
        )
        history = app.screen
        keys = [
            k
            for k in keys_of(HistoryScreen, CheckpointTree)
            if k not in ("escape", "r", "e", "i", "w")
        ]
        await press_all(pilot, app, history, keys, silent, "history")
        await press_all(pilot, app, history, ["e", "i"], silent, "history")  # dialogs
        await press_quickly(pilot, "q")  # q leaves the history, as escape does
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="q: back")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadsScreen))
        threads = app.screen
        await pilot.pause(0.3)
        keys = [
            k for k in keys_of(ThreadsScreen, ThreadTable) if k not in ("escape", "enter", "delete")
        ]
        await press_all(pilot, app, threads, keys, silent, "threads")
        await press_all(pilot, app, threads, ["enter", "delete"], silent, "threads")
        await press_quickly(pilot, "q")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="q: back")
    assert silent == [], "\n".join(silent)


async def test_every_key_of_the_runs_of_a_thread(source, tmp_path, monkeypatch):
    """Two runs on the thread, neither recorded (o says so); enter leaves for the history
    at the run (pressed apart)."""
    from lgtui.ui.screens.runs import RunsScreen, RunTable

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # (no recording of these runs)
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "x"}))
    silent: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        first = app.session
        await press_quickly(pilot, "r")
        await wait_for(pilot, lambda: app.session is not first and app.session.status == "success")
        await press_quickly(pilot, "h")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.checkpoints
        )
        history = app.screen
        await press_quickly(pilot, "R")
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen.runs)
        runs = app.screen
        keys = [k for k in keys_of(RunsScreen, RunTable) if k not in ("escape", "q", "enter")]
        await press_all(pilot, app, runs, keys, silent, "runs")
        await press_quickly(pilot, "enter")
        await wait_for(pilot, lambda: app.screen is history, what="enter: the history at it")
        await press_quickly(pilot, "R")
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen))
        await press_quickly(pilot, "q")
        await wait_for(pilot, lambda: app.screen is history, what="q: back")
    assert silent == [], "\n".join(silent)


@pytest.mark.parametrize("state", ["empty", "items", "filtered", "after a run"])
async def test_every_key_of_the_store_browser(tmp_path, graphs_dir, state):
    """In every state the store screen can be in: an empty store, items listed, a filter
    matching nothing, and after a run (what it wrote, D)."""
    from lgtui.ui.screens.store import ItemTable, NamespaceTree, StoreScreen

    source = EmbeddedSource(str(graphs_dir), store=f"sqlite:{tmp_path / 'store.db'}")
    if state != "empty":  # (a filled store: the graph remembers, or an item put)
        await source.put_item(["memories", "ada"], "coffee", {"text": "black"})
    request = (
        RunRequest("memory", {"user": "ada", "remember": "Tea"}) if state == "after a run" else None
    )
    app = LgtuiApp(source, request=request)
    silent: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        if request is None:
            await wait_for(pilot, lambda: app.screen is not app.main and app.screen.query("#input"))
            await pilot.press("escape")
        else:
            await wait_for(
                pilot, lambda: app.session is not None and app.session.status == "success"
            )
        await wait_for(pilot, lambda: app.screen is app.main)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, StoreScreen))
        screen = app.screen
        await wait_for(
            pilot, lambda: not screen.workers or all(w.is_finished for w in screen.workers)
        )
        if state == "filtered":
            screen.filter = {"text": "nothing has this"}
            screen.reload_items()
            await wait_for(pilot, lambda: not screen._loading)
        keys = [
            k
            for k in keys_of(StoreScreen, ItemTable, NamespaceTree)
            if k not in ("escape", "q", "delete")
        ]
        await press_all(pilot, app, screen, keys, silent, f"store ({state})")
        await press_all(pilot, app, screen, ["delete"], silent, f"store ({state})")
        await press_quickly(pilot, "q")
        await wait_for(pilot, lambda: app.screen is app.main, what="q leaves the store")
    source.close()
    assert silent == [], "\n".join(silent)


CHAT_STATES = {"messages": "the weather?", "streaming": "tell me slowly"}


@pytest.mark.parametrize("state", ["empty thread", *CHAT_STATES])
async def test_every_key_of_the_chat(source, state):
    """The chat of a thread no run has written to, of one with messages (a tool call),
    and while an answer streams: the screen's keys with the conversation focused, a tool
    call's on one, the message line's on it."""
    from lgtui.ui.screens.chat import ChatInput, ChatLog, ChatScreen, ToolLine

    asked = CHAT_STATES.get(state)
    message = {"messages": [{"role": "human", "content": asked}]}
    request = RunRequest("chat", message) if asked else None
    app = LgtuiApp(source, request=request)
    app.on_unmount = lambda: None
    silent: list[str] = []
    where = f"chat ({state})"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        if request is None:  # a thread of its own, no run on it yet
            await wait_for(pilot, lambda: app.screen is not app.main and app.screen.query("#input"))
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.main)
            thread = await app.controller.call(source.create_thread())
            app.form.thread, app.form.assistant = thread["thread_id"], "chat"
        else:
            want = "running" if state == "streaming" else "success"
            await wait_for(
                pilot,
                lambda: (
                    app.session is not None
                    and app.session.status == want
                    and bool(app.session.thread_id)
                ),
                timeout=60,
            )
        await press_quickly(pilot, "M")
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen) and app.screen.loaded)
        chat = app.screen
        if state == "streaming":
            await wait_for(pilot, lambda: "streaming…" in screen_text(app), what="streaming")
        chat.query_one(ChatLog).focus()
        keys = [k for k in keys_of(ChatScreen, ChatLog) if k != "escape"]
        await press_all(pilot, app, chat, keys, silent, where, typing=True)
        for line in list(chat.query(ToolLine))[:1]:
            line.focus()
            await press_all(pilot, app, chat, keys_of(ToolLine), silent, where, typing=True)
        assert chat.query(ToolLine) or state != "messages"
        chat.query_one(ChatInput).focus()  # a new line, then enter: only blanks, not sent
        keys = list(reversed(keys_of(ChatInput)))
        await press_all(pilot, app, chat, keys, silent, where, typing=True)
        if state == "empty thread":  # the first message of the thread
            chat.query_one(ChatInput).clear()
            await press_quickly(pilot, *"hello", "enter")
            await wait_for(pilot, lambda: "You said: hello" in screen_text(app), what="answer")
        await press_quickly(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.main, what="escape: back")
        await quit_with(pilot)
    assert silent == [], "\n".join(silent)


@pytest.mark.parametrize("state", ["the graph's own", "one with versions", "versions pane"])
async def test_every_key_of_the_assistants(source, state):
    """The Assistants screen with the graph's own assistant selected, with one of the
    user's (two versions), and with its versions focused; the dialog's keys too."""
    from lgtui.ui.screens.assistant_form import AssistantForm
    from lgtui.ui.screens.assistants import AssistantsScreen, AssistantTable, VersionTable

    app = LgtuiApp(source, request=RunRequest("persona", {"question": "q"}))
    silent: list[str] = []
    where = f"assistants ({state})"
    made = None
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        if state != "the graph's own":
            made = await app.controller.call(source.create_assistant("persona", name="keys"))
            await app.controller.call(
                source.update_assistant(made["assistant_id"], context={"name": "Ki"})
            )
        await press_quickly(pilot, "a")
        await wait_for(pilot, lambda: isinstance(app.screen, AssistantsScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.assistants and screen.versions, what="listed")
        wanted = "keys" if made else "persona"
        names = [a["name"] for a in screen.assistants]
        screen.query_one(AssistantTable).move_cursor(row=names.index(wanted))
        await wait_for(pilot, lambda: len(screen.versions) == (2 if made else 1))
        if state == "versions pane":
            await press_quickly(pilot, "2")
            await wait_for(pilot, lambda: screen.query_one(VersionTable).has_focus)
            await press_quickly(pilot, "down")  # (version 1: L makes it live)
        keys = [
            k
            for k in keys_of(AssistantsScreen, AssistantTable, VersionTable)
            if k not in ("escape", "q", "enter", "delete")  # (enter: a New run, tested apart)
        ]
        await press_all(pilot, app, screen, keys, silent, where)
        await press_all(pilot, app, screen, ["delete"], silent, where)
        # the dialog's keys (ctrl+s, escape), in its two states: a field wrong, then not
        assert keys_of(AssistantForm) == ["escape", "ctrl+s"]
        await press_quickly(pilot, "e")
        await wait_for(pilot, lambda: isinstance(app.screen, AssistantForm))
        app.screen.query_one("#assistant-metadata", TextArea).load_text("[")
        await press_quickly(pilot, "ctrl+s")
        await wait_for(pilot, lambda: "Metadata: invalid JSON" in screen_text(app))
        await press_quickly(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is screen, what="escape: the dialog closed")
        version = screen.selected()["version"]
        await press_quickly(pilot, "e", "ctrl+s")  # unchanged: a new version all the same
        await wait_for(
            pilot, lambda: app.screen is screen and screen.selected()["version"] > version
        )
        await press_quickly(pilot, "q")
        await wait_for(pilot, lambda: app.screen is app.main, what="q leaves the assistants")
        if made is not None:
            await app.controller.call(source.delete_assistant(made["assistant_id"]))
    assert silent == [], "\n".join(silent)


async def test_every_key_of_the_graph_view_help_and_a_diff(source):
    from lgtui.capture import read_capture
    from lgtui.rundiff import VOLATILE_KEYS, compare, run_view
    from lgtui.ui.rundiff_app import RunDiffApp, RunDiffScreen
    from lgtui.ui.screens.graph import GraphScreen

    app = ReplayApp(str(RECORDINGS / "research.msgpack"))
    silent: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, GraphScreen))
        keys = [k for k in keys_of(GraphScreen) if k != "escape"]
        await press_all(pilot, app, app.screen, keys, silent, "graph view")
        await pilot.press("escape", "f1")
        await wait_for(pilot, lambda: "Help" in screen_text(app))
        await pilot.press("escape")
    a, b = (RECORDINGS / "triage-question.msgpack", RECORDINGS / "triage-refund.msgpack")
    diff = compare(
        run_view(read_capture(a), str(a)), run_view(read_capture(b), str(b)), VOLATILE_KEYS
    )
    app = RunDiffApp(diff)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause(0.3)
        keys = [k for k in keys_of(RunDiffScreen) if k not in ("escape", "q")]
        await press_all(pilot, app, app.screen, keys, silent, "diff")
    assert silent == [], "\n".join(silent)


def test_the_recordings_exist():
    assert Path(RECORDINGS / "research.msgpack").is_file()


@pytest.mark.parametrize("key", keys_of(PauseScreen))
async def test_every_key_of_the_pause_screen(source, key):
    """Each key of a run paused before a node: c and n go on (the run ends, n after one
    more pause), x aborts it, escape hides the screen with the run still paused, q quits
    (the run ends with the app)."""
    request = RunRequest("agent", {"topic": "x"}, breakpoints=["before:refine_topic"])
    app = LgtuiApp(source, request=request)
    app.on_unmount = lambda: None
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen), timeout=60)
        await wait_for_text(pilot, "before node refine_topic", "c Continue")
        await press_quickly(pilot, key)
        session = app.session
        if key == "q":  # the app ends, and the paused run with it
            await wait_for(pilot, lambda: session.status != "running", timeout=30)
            return
        if key == "escape":
            await wait_for(pilot, lambda: app.screen is app.main)
            assert session.status == "running" and session.pause is not None
            assert " paused " in screen_text(app)
            await press_quickly(pilot, "x")  # (cancels the paused run)
            want = "interrupted"
        elif key == "n":  # one step: before the next node, then on
            await wait_for(pilot, lambda: session.pauses == 2, timeout=30)
            await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen))
            await press_quickly(pilot, "c")
            want = "success"
        else:
            want = {"c": "success", "x": "interrupted"}[key]
        await wait_for(pilot, lambda: session.status == want, timeout=30)
        assert app.screen is app.main
        await quit_with(pilot)
