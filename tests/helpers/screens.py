"""Every screen of lgtui, built from the files in recordings/ so it looks the same each time:
what the snapshot tests compare and what `screenshots/make.py` saves.

Each screen is a name, a way to make the app, and what to do before the picture (keys,
and waiting until what they change is drawn).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from helpers import paths
from helpers.recorded import RecordedAssistants, RecordedSource
from helpers.ui import wait_for
from lgtui.capture import read_capture
from lgtui.cli import bundled_examples
from lgtui.rundiff import compare, run_view
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp, ReplayApp
from lgtui.ui.rundiff_app import RunDiffApp

ROOT = paths.ROOT
RECORDINGS = ROOT / "recordings"
RESEARCH_THREAD = "ff5fffac-06d7-41c9-8116-3028c2b25219"  # in recordings/threads.sqlite


def _recorded_live(name: str) -> LgtuiApp:
    """The live screen fed a recorded run (as it streamed from langgraph dev)."""
    source = RecordedSource(RECORDINGS / f"{name}.msgpack")
    request = RunRequest(source.assistant, {}, subgraphs=True)
    return LgtuiApp(source, request=request)


class _NoLongerLoads(RecordedSource):
    """A recorded run, then an edit that broke the project (as `lgtui open --watch`
    reloads it: the engine host's words for a syntax error)."""

    def reload(self) -> None:
        return None

    async def ready(self) -> None:
        from lgtui.sources.base import LoadError

        raise LoadError("graph.py:13: SyntaxError: invalid syntax (def broken(:)")


def _watched_app() -> LgtuiApp:
    source = _NoLongerLoads(RECORDINGS / "research.msgpack")
    return LgtuiApp(source, request=RunRequest(source.assistant, {}, subgraphs=True))


async def _broken_on_save(pilot: Pilot) -> None:
    app: Any = pilot.app
    await _live_done(pilot, ("1",))
    app._files_changed(["graph.py"])
    await wait_for(pilot, lambda: any("SyntaxError" in s.message for s in app.said), what="toast")
    await _settled(pilot)


async def _live_done(pilot: Pilot, keys: tuple[str, ...]) -> None:
    app: Any = pilot.app
    await wait_for(
        pilot,
        lambda: app.session is not None and app.session.status != "running",
        what="run",
        timeout=30,
    )
    session = app.session
    # the wall clock of a stream replayed at full speed says nothing: show the recorded one
    session.ended = session.started + session.events[-1].t
    await pilot.pause(0.3)
    await pilot.press(*keys)
    await pilot.pause(0.4)


def _replay(name: str) -> ReplayApp:
    return ReplayApp(f"recordings/{name}.msgpack")  # relative: the status bar shows it


async def _replay_at(pilot: Pilot, keys: tuple[str, ...]) -> None:
    app: Any = pilot.app
    await wait_for(
        pilot,
        lambda: app.session is not None and not app.main.capture_loading,
        what="load",
        timeout=30,
    )
    await pilot.pause(0.2)
    await pilot.press(*keys)
    await pilot.pause(0.4)


async def _files(pilot: Pilot) -> None:
    """The Files tab (past the tenth: shown from the palette's entry), the edited file."""
    await _live_done(pilot, ())
    app: Any = pilot.app
    app.main.action_show_tab("files")
    await pilot.pause(0.2)
    await pilot.press("down", "down", "down")
    await pilot.pause(0.4)


async def _settled(pilot: Pilot) -> None:
    """Until the app has nothing left to do, then a moment: a table sizes its columns to
    its rows once they are laid out, on a busy machine later than any fixed pause."""
    from textual.widgets import DataTable

    await pilot.pause()
    tables = list(pilot.app.screen.query(DataTable))
    # (a table measures its new rows when idle: its columns keep the labels' widths until then)
    await wait_for(
        pilot,
        lambda: not any(t._require_update_dimensions or t._updated_cells for t in tables),
        what="the tables' columns",
        timeout=30,
    )
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)


async def _past_the_first_dialog(pilot: Pilot) -> None:
    """An app opened on no run shows the New run dialog first: closed."""
    from lgtui.ui.screens.new_run import NewRunScreen

    app: Any = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#input"),
        what="new run dialog",
        timeout=30,
    )
    await pilot.pause(0.2)
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is app.main, what="the main screen", timeout=30)


def _threads_db() -> str:
    """A copy of recordings/threads.sqlite (opening a database may write to it)."""
    folder = Path(tempfile.mkdtemp(prefix="lgtui-screens-"))
    copy = folder / "threads.sqlite"
    shutil.copy(RECORDINGS / "threads.sqlite", copy)
    return f"sqlite:{copy}"


def _threads_app() -> LgtuiApp:
    return LgtuiApp(EmbeddedSource(bundled_examples(), checkpointer=_threads_db()))


async def _threads(pilot: Pilot) -> None:
    from lgtui.ui.screens.threads import ThreadsScreen

    app: Any = pilot.app
    await _past_the_first_dialog(pilot)
    await pilot.press("t")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, ThreadsScreen) and len(app.screen.rows) == 3,
        what="threads",
        timeout=30,
    )
    await _settled(pilot)


def _history_app() -> LgtuiApp:
    source = EmbeddedSource(bundled_examples(), checkpointer=_threads_db())
    return LgtuiApp(source, thread=RESEARCH_THREAD, open_history=True)


async def _history_diff(pilot: Pilot) -> None:
    from lgtui.ui.screens.history import HistoryScreen

    app: Any = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, HistoryScreen) and len(app.screen.checkpoints) == 8,
        what="history",
        timeout=30,
    )
    screen = app.screen
    # the forked checkpoint (an update), against its parent
    fork = next(
        c for c, item in screen.checkpoints.items() if item["metadata"]["source"] == "update"
    )
    screen.select(fork)
    await pilot.pause(0.3)
    screen.query_one("#history-tabs").active = "hpane-diff"
    await pilot.pause(0.3)


async def _runs(pilot: Pilot) -> None:
    from lgtui.ui.screens.history import HistoryScreen
    from lgtui.ui.screens.runs import RunsScreen, RunTable

    app: Any = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, HistoryScreen) and len(app.screen.checkpoints) == 8,
        what="history",
        timeout=30,
    )
    await pilot.press("R")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, RunsScreen) and len(app.screen.runs) == 2,
        what="the runs",
        timeout=30,
    )
    table = app.screen.query_one(RunTable)
    await wait_for(pilot, lambda: table.has_focus and table.row_count == 2, what="the table")
    await _settled(pilot)


def _store_app() -> LgtuiApp:
    folder = Path(tempfile.mkdtemp(prefix="lgtui-screens-"))
    copy = folder / "store.sqlite"
    shutil.copy(RECORDINGS / "store.sqlite", copy)  # (opening a database may write to it)
    return LgtuiApp(EmbeddedSource(bundled_examples(), store=f"sqlite:{copy}"))


async def _store(pilot: Pilot) -> None:
    from lgtui.ui.screens.store import StoreScreen

    app: Any = pilot.app
    await _past_the_first_dialog(pilot)
    await pilot.press("m")
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, StoreScreen)
            and len(app.screen.items) == 6
            and len(app.screen.namespaces) == 3
        ),
        what="the store",
        timeout=30,
    )
    await pilot.press("down")
    await _settled(pilot)


def _steady_cursor(app: Any) -> None:
    """The focused line's cursor shown, not blinking (a picture would catch it on or off)."""
    if hasattr(app.focused, "cursor_blink"):
        app.focused.cursor_blink = False


def _chat_app() -> LgtuiApp:
    source = EmbeddedSource(bundled_examples(), checkpointer=_threads_db())
    return LgtuiApp(source, thread=RESEARCH_THREAD)


async def _chat(pilot: Pilot) -> None:
    from lgtui.ui.screens.chat import ChatScreen

    app: Any = pilot.app
    await _past_the_first_dialog(pilot)
    app.form.assistant = "research"
    await pilot.press("M")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, ChatScreen) and app.screen.loaded,
        what="the chat",
        timeout=30,
    )
    _steady_cursor(app)
    await _settled(pilot)


def _assistants_app() -> LgtuiApp:
    source = RecordedAssistants(RECORDINGS / "research.msgpack", RECORDINGS / "assistants.json")
    return LgtuiApp(source, request=RunRequest("research", {}, subgraphs=True))


async def _assistants(pilot: Pilot, keys: tuple[str, ...], name: str) -> None:
    from lgtui.ui.screens.assistants import AssistantsScreen, AssistantTable

    await _live_done(pilot, ())
    app: Any = pilot.app
    await pilot.press("a")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, AssistantsScreen) and app.screen.assistants,
        what="the assistants",
        timeout=30,
    )
    screen = app.screen
    names = [a["name"] for a in screen.assistants]
    screen.query_one(AssistantTable).move_cursor(row=names.index(name))
    await wait_for(
        pilot,
        lambda: (
            screen.versions
            and screen.versions[0]["assistant_id"] == screen.selected()["assistant_id"]
            and screen.schemas is not None
            and screen.schemas.get("graph_id") == screen.selected()["graph_id"]
        ),
        what="its versions and schemas",
        timeout=30,
    )
    await pilot.press(*keys)
    await _settled(pilot)


async def _crons(pilot: Pilot) -> None:
    from lgtui.ui.screens.crons import CronsScreen

    await _live_done(pilot, ())
    app: Any = pilot.app
    await pilot.press("C")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, CronsScreen) and len(app.screen.crons) == 2,
        what="the crons",
        timeout=30,
    )
    await _settled(pilot)


def _form_app() -> LgtuiApp:
    source = RecordedAssistants(RECORDINGS / "research.msgpack", RECORDINGS / "assistants.json")
    return LgtuiApp(source)


async def _form(pilot: Pilot) -> None:
    from lgtui.ui.screens.new_run import NewRunScreen

    app: Any = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#assistant"),
        what="the dialog",
        timeout=30,
    )
    await pilot.press("escape")  # (then open it on the graph with a form)
    await wait_for(pilot, lambda: app.screen is app.main, what="the main screen", timeout=30)
    app.form.assistant = "persona"
    await pilot.press("ctrl+n")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, NewRunScreen) and app.screen.form_mode,
        what="the form",
        timeout=30,
    )
    await pilot.press(*"Why is the sky blue?")
    _steady_cursor(app)
    await _settled(pilot)


def _diff_app() -> RunDiffApp:
    a = run_view(read_capture(RECORDINGS / "triage-question.msgpack"), "triage-question.msgpack")
    b = run_view(read_capture(RECORDINGS / "triage-refund.msgpack"), "triage-refund.msgpack")
    return RunDiffApp(compare(a, b))


def _rerun_app() -> RunDiffApp:
    """`lgtui rerun`'s screen: a recorded run beside its re-run on changed code."""
    from lgtui.rerun import RERUN_KEYS
    from lgtui.rundiff import VOLATILE_KEYS

    a = run_view(read_capture(RECORDINGS / "world.msgpack"), "world.msgpack")
    b = run_view(read_capture(RECORDINGS / "world-rerun.msgpack"), "world-rerun.msgpack")
    return RunDiffApp(compare(a, b, VOLATILE_KEYS | RERUN_KEYS))


async def _diff(pilot: Pilot, keys: tuple[str, ...]) -> None:
    await pilot.pause(0.3)
    await pilot.press(*keys)
    await pilot.pause(0.3)


@dataclass
class Screen:
    name: str
    make: Callable[[], App[Any]]
    before: Callable[[Pilot], Awaitable[None]]
    caption: str


# where a ReAct agent's run paused at `tool:lookup city~par` (as the engine host says it;
# ids fixed so the picture is the same on every machine)
PAUSE = {
    "kind": "tool",
    "reason": "at a call of tool lookup with city contains 'par'",
    "breakpoint": "tool:lookup city~par",
    "node": "tools",
    "step": 2,
    "ns": [],
    "count": 1,
    "tool": {"name": "lookup", "args": {"city": "Paris"}},
    "state": {
        "messages": [
            {"type": "human", "content": "weather in Paris?", "id": "m-1"},
            {
                "type": "ai",
                "content": "",
                "name": "weather_agent",
                "id": "m-2",
                "tool_calls": [{"name": "lookup", "args": {"city": "Paris"}, "id": "call_lookup"}],
            },
        ],
        "remaining_steps": 24,
    },
}


# where a graph's code stopped at breakpoint() in an async node (as the host says it)
STOP = {
    "file": "/home/ada/agent/graph.py",
    "line": 20,
    "function": "shout",
    "node": "shout",
    "step": 2,
    "ns": [],
    "breakpoint": False,
    "source": [
        [n, line]
        for n, line in enumerate(
            [
                "def double(state: State) -> State:",
                '    n = state["n"] * 2',
                '    label = f"doubled {n}"',
                '    return {"n": n, "out": label}',
                "",
                "",
                "async def shout(state: State) -> State:",
                '    text = state["out"].upper()',
                "    breakpoint()",
                '    return {"out": text + "!"}',
            ],
            start=11,
        )
    ],
    "stack": [
        {"file": "/home/ada/agent/graph.py", "line": 20, "function": "shout", "user": True},
        *[
            {
                "file": "/venv/lib/python3.11/site-packages/langgraph/x.py",
                "line": 1,
                "function": "f",
                "user": False,
            }
        ]
        * 9,
    ],
    "locals": {"state": {"n": 6, "out": "doubled 6"}, "text": "DOUBLED 6"},
}


async def _stopped(pilot: Pilot) -> None:
    from lgtui.ui.screens.debug import DebugScreen

    await _replay_at(pilot, ())
    screen = DebugScreen(STOP, lambda command: None)
    pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: pilot.app.screen is screen, what="the stop")
    await pilot.press("e")
    await pilot.press(*"text.lower()")
    screen.evaluated({"expr": "text.lower()", "value": "doubled 6"})
    await _settled(pilot)


async def _paused(pilot: Pilot) -> None:
    from lgtui.ui.screens.pause import PauseScreen

    await _replay_at(pilot, ())
    pilot.app.push_screen(PauseScreen(PAUSE))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PauseScreen), what="the pause")
    await _settled(pilot)


def _keys(fn: Callable[[Pilot, tuple[str, ...]], Awaitable[None]], *keys: str):
    return lambda pilot: fn(pilot, keys)


SCREENS: list[Screen] = [
    # the live screen, each tab (the research agent: subgraph, tool call, streamed answer)
    Screen(
        "live-all",
        lambda: _recorded_live("research"),
        _keys(_live_done, "1", "up", "up"),
        "a finished run, every event",
    ),
    Screen(
        "live-updates",
        lambda: _recorded_live("research"),
        _keys(_live_done, "2", "up"),
        "node updates",
    ),
    Screen(
        "live-values",
        lambda: _recorded_live("research"),
        _keys(_live_done, "3"),
        "the state after each step",
    ),
    Screen(
        "live-debug",
        lambda: _recorded_live("research"),
        _keys(_live_done, "4", "up", "up"),
        "checkpoints and tasks",
    ),
    Screen(
        "live-messages",
        lambda: _recorded_live("research"),
        _keys(_live_done, "5"),
        "tokens assembled into messages, with tool calls and token usage",
    ),
    Screen(
        "live-events",
        lambda: _recorded_live("events"),
        _keys(_live_done, "6", "up", "up"),
        "astream_events: chains and chat model tokens",
    ),
    Screen(
        "live-custom", lambda: _recorded_live("research"), _keys(_live_done, "7"), "custom events"
    ),
    Screen(
        "live-timeline",
        lambda: _recorded_live("research"),
        _keys(_live_done, "8", "z"),
        "the task waterfall, zoomed (z)",
    ),
    Screen(
        "live-subgraph",
        lambda: _recorded_live("research"),
        _keys(_live_done, "1", "s", "s"),
        "one subgraph's events",
    ),
    Screen(
        "live-search",
        lambda: _recorded_live("tools"),
        _keys(_live_done, "slash", *"sunny", "enter", "F"),
        "a search, showing only the matches",
    ),
    Screen(
        "live-error",
        lambda: _recorded_live("error"),
        _keys(_live_done, "2"),
        "a node that raised: the error stays on screen",
    ),
    Screen(
        "live-interrupt",
        lambda: _recorded_live("interrupt"),
        _keys(_live_done, "3"),
        "a run stopped at interrupt()",
    ),
    # multi-agent runs on the thread-centric stream (a supervisor team, a deep agent)
    Screen(
        "live-agents",
        lambda: _recorded_live("agents"),
        _keys(_live_done, "0"),
        "a supervisor's team as a tree: who handed off to whom, tokens, durations",
    ),
    Screen(
        "live-agent-transcript",
        lambda: _recorded_live("agents"),
        _keys(_live_done, "0", "down", "down", "down", "enter"),
        "one agent chosen: its own transcript, every tab filtered to it",
    ),
    Screen(
        "live-tools",
        lambda: _recorded_live("agents"),
        _keys(_live_done, "9"),
        "every tool call: the agent that called it, its time, arguments and answer",
    ),
    Screen(
        "live-files",
        lambda: _recorded_live("deep"),
        _files,
        "a deep agent's todo list and files, and what the last edit of one did",
    ),
    # replays
    Screen(
        "replay-timeline",
        lambda: _replay("research"),
        _keys(_replay_at, "g", *"60", "enter", "8"),
        "a replay, half-way: the write node still streaming",
    ),
    Screen(
        "replay-messages",
        lambda: _replay("research"),
        _keys(_replay_at, "g", *"100", "enter", "5"),
        "a message half-streamed at the cursor",
    ),
    Screen(
        "replay-diff",
        lambda: _replay("chat"),
        _keys(_replay_at, "g", *"36", "enter", "D"),
        "what an event changed in the state",
    ),
    Screen(
        "replay-error", lambda: _replay("error"), _keys(_replay_at, "e", "S"), "jumped to the error"
    ),
    Screen(
        "graph",
        lambda: _replay("research"),
        _keys(_replay_at, "g", *"60", "enter", "v"),
        "the graph, with the node running at the cursor",
    ),
    Screen(
        "watch-broken",
        _watched_app,
        _broken_on_save,
        "--watch: a save that broke the project, said; the run stays on screen",
    ),
    Screen(
        "debug",
        lambda: _replay("research"),
        _stopped,
        "stopped at breakpoint() in a node: source, stack, locals, an expression evaluated",
    ),
    Screen(
        "pause",
        lambda: _replay("research"),
        _paused,
        "a run paused at a tool call: why, where, the call's arguments, the state",
    ),
    Screen(
        "help",
        lambda: _replay("research"),
        _keys(_replay_at, "8", "f1"),
        "F1: help for the focused part",
    ),
    # threads and time travel, from an application's own checkpoint database
    Screen("threads", _threads_app, _threads, "the thread browser"),
    Screen("store", _store_app, _store, "the store: what graphs remember, by namespace"),
    Screen("runs", _history_app, _runs, "every run of a thread, on one timeline"),
    Screen(
        "history-diff",
        _history_app,
        _history_diff,
        "a thread's checkpoints, a fork, what it changed",
    ),
    Screen("chat", _chat_app, _chat, "a thread as a chat: tool calls folded, tokens, latency"),
    # assistants and a New run that knows the graph (a server's, as recorded)
    Screen(
        "assistants",
        _assistants_app,
        lambda pilot: _assistants(pilot, ("2",), "terse researcher"),
        "assistants: a graph with its own config, a version per edit, the live one",
    ),
    Screen(
        "assistant-schemas",
        _assistants_app,
        lambda pilot: _assistants(pilot, ("3",), "Bo, at length"),
        "an assistant's graph: its input, output, state, config and context schemas",
    ),
    Screen("new-run-form", _form_app, _form, "a New run: the input schema as a form"),
    Screen("crons", _assistants_app, _crons, "a server's crons: scheduled runs"),
    # two runs compared
    Screen("run-diff-path", _diff_app, _keys(_diff), "lgtui diff: where two runs part"),
    Screen(
        "run-diff-state",
        _diff_app,
        _keys(_diff, "2", "down", "down"),
        "lgtui diff: the state after a step both took",
    ),
    Screen(
        "rerun-diff",
        _rerun_app,
        _keys(_diff, "3"),
        "lgtui rerun: a recorded run beside its re-run on changed code, what the live calls said",
    ),
]
