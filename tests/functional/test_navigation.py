"""Getting around: the command palette, F1 help, remapped keys, themes, copy and save."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cli import run_cli
from helpers.paths import RECORDINGS
from helpers.ui import screen_text, toasts, wait_for, wait_for_text, wait_for_toast

from lgtui.capture import read_capture
from lgtui.config import load, save_theme
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp, ReplayApp
from lgtui.ui.screens.help import HelpScreen
from lgtui.ui.screens.replay import SeekScreen
from lgtui.ui.screens.save import SaveScreen

SIZE = (140, 42)
TOOLS = str(RECORDINGS / "tools.msgpack")


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("LGTUI_CONFIG", str(path))
    return path


async def loaded(pilot, app: ReplayApp) -> None:
    await wait_for(pilot, lambda: not app.main.capture_loading, what="capture loaded")


def titles(app) -> set[str]:
    return {c.title for c in app.get_system_commands(app.screen)}


async def test_the_palette_offers_what_the_screen_can_do(graphs_dir, config):
    replay = ReplayApp(TOOLS)
    async with replay.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, replay)
        offered = titles(replay)
        assert {
            "Play/pause",
            "Go to",
            "Next checkpoint",
            "Search",
            "Copy",
            "Timeline tab",
        } <= offered
        assert not {"New run", "Threads", "History"} & offered  # nothing live in a replay
        assert "Theme" in offered and "Help" in offered
        # by name: ctrl+p, a few letters, enter
        await pilot.press("ctrl+p", *"go to")
        await wait_for_text(pilot, "Go to", "key: g")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(replay.screen, SeekScreen), what="seek dialog")

    live = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=RunRequest("agent", {"topic": "x"}))
    async with live.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: live.session is not None and live.session.status != "running")
        offered = titles(live)
        assert {"New run", "Run again", "Threads", "History", "Search"} <= offered
        assert "Play/pause" not in offered
        await pilot.press("t")
        await wait_for_text(pilot, "Threads")
        offered = titles(live)
        assert {"New thread", "Delete", "Filter status", "Copy id"} <= offered
        assert "Run again" not in offered


async def test_f1_explains_the_focused_part_and_lists_its_keys(config):
    app = ReplayApp(TOOLS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        screen = await wait_for_text(pilot, "Help — Events (Replay)", "One row per event")
        assert "list.up" in screen and "Keys here" in screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="closed")
        await pilot.press("8", "f1")  # another widget, another help
        await wait_for_text(pilot, "Help — Timeline (Replay)", "waterfall")


async def test_keys_remapped_in_the_config_file(config):
    config.write_text('[keys]\n"replay.last" = "L"\n"replay.prev" = "left,h"\n')
    app = ReplayApp(TOOLS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("L")
        await wait_for(pilot, lambda: app.main.cursor == 35, what="L: last event")
        await pilot.press("h", "h")
        await wait_for(pilot, lambda: app.main.cursor == 33, what="h: back two")
        screen = screen_text(app)
        assert "Settings" not in screen  # nothing to complain about


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("theme = [", "not valid TOML"),
        ('[keys]\n"no.such.binding" = "x"', "unknown key binding ids no.such.binding"),
        ('theme = "no-such-theme"', "no theme called 'no-such-theme'"),
        ('[keys]\n"replay.play" = 5', 'keys."replay.play" must be key names'),
    ],
)
async def test_a_bad_config_file_is_reported_and_the_defaults_used(config, content, complaint):
    config.write_text(content)
    app = ReplayApp(TOOLS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await wait_for_text(pilot, "Settings")
        await wait_for_toast(pilot, complaint)
        await pilot.press("end")  # the default keys work
        await wait_for(pilot, lambda: app.main.cursor == 35, what="end")
    assert config.read_text() == content  # nothing the user wrote is lost


async def test_the_theme_picked_is_remembered(config):
    config.write_text('# my settings\n[keys]\n"replay.play" = "p"\n')
    app = ReplayApp(TOOLS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        app.theme = "nord"
        await wait_for(pilot, lambda: 'theme = "nord"' in config.read_text(), what="saved")
    text = config.read_text()
    assert "# my settings" in text and '"replay.play" = "p"' in text  # kept as written
    assert load(config).theme == "nord" and load(config).keys == {"replay.play": "p"}
    again = ReplayApp(TOOLS)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, again)
        assert again.theme == "nord"
    assert save_theme("gruvbox", config) is None and load(config).theme == "gruvbox"
    assert text.count("theme =") == 1


def test_lgtui_keys_lists_every_binding_id():
    proc = run_cli("keys")
    assert proc.returncode == 0
    for binding_id in ("replay.play", "main.search", "list.up", "timeline.down", "history.rerun"):
        assert binding_id in proc.stdout
    assert "config.toml" in proc.stdout


async def test_copy_puts_the_payload_on_the_clipboard(config, monkeypatch):
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    monkeypatch.delenv("VTE_VERSION", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    app = ReplayApp(TOOLS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("end", "c")
        await wait_for_text(pilot, "Copied the payload of event #35")
        assert "OSC 52" in toasts(app)  # and what to do if the terminal ignored it
        events = read_capture(TOOLS).events
        assert json.loads(app.clipboard) == events[35].data
        # a node of the JSON tree: its value only
        tree = app.main.query_one("#payload")
        tree.focus()
        node = next(n for n in tree.root.children if str(n.label.plain).startswith("step"))
        tree.move_cursor(node)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == "3", what="the node's value")


async def test_copy_falls_back_to_a_file_where_the_terminal_cannot(config, monkeypatch):
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")  # ignores OSC 52
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # and no pbcopy
    app = ReplayApp(TOOLS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("end", "S", "c")
        await wait_for_text(pilot, "does not support")  # on screen, and whole:
        said = await wait_for_toast(pilot, "Apple Terminal does not support copying", "saved to")
        name = said.split("saved to ", 1)[1].split()[0]
    saved = Path(name)
    try:
        state = json.loads(saved.read_text())
        assert state["messages"][-1]["content"] == "It is sunny in Paris today, 21 degrees."
    finally:
        saved.unlink()


async def test_save_writes_a_file_and_never_overwrites_unasked(config, tmp_path):
    app = ReplayApp(TOOLS)
    target = tmp_path / "event.json"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("end", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveScreen), what="save dialog")
        await wait_for_text(pilot, "Save the payload of event #35")
        field = app.screen.query_one("#save-path")
        field.value = str(target)
        await pilot.press("enter")
        await wait_for_toast(pilot, f"Saved the payload of event #35 to {target}")
        assert json.loads(target.read_text()) == read_capture(TOOLS).events[35].data
        assert target.stat().st_mode & 0o777 == 0o600  # it may hold a conversation
        # again: the file exists, a second enter replaces it
        target.write_text("old")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveScreen), what="save dialog")
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await wait_for_text(pilot, "exists: enter again to replace it")
        assert target.read_text() == "old"
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.read_text() != "old", what="replaced")
        # a folder that does not exist: said, nothing written, the dialog stays
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveScreen), what="save dialog")
        app.screen.query_one("#save-path").value = str(tmp_path / "nope" / "x.json")
        await pilot.press("enter")
        await wait_for_text(pilot, "cannot write it: No such file or directory")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveScreen), what="closed")


async def test_vim_keys_in_lists_trees_and_tables(graphs_dir, config):
    app = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=RunRequest("agent", {"topic": "x"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        lst = app.main.query_one("#list-all")
        await pilot.press("1", "g")
        await wait_for(pilot, lambda: lst.cursor == 0, what="g: first")
        await pilot.press("j", "j")
        await wait_for(pilot, lambda: lst.cursor == 2, what="j j")
        await pilot.press("k")
        await wait_for(pilot, lambda: lst.cursor == 1, what="k")
        await pilot.press("G")
        await wait_for(pilot, lambda: lst.cursor == app.session.count - 1, what="G: last")
        await pilot.press("h")  # the history: a tree
        await wait_for_text(pilot, "History of thread")
        tree = app.screen.query_one("#history-tree")
        await wait_for(pilot, lambda: tree.last_line > 2, what="checkpoints")
        await pilot.press("G")
        await wait_for(pilot, lambda: tree.cursor_line == tree.last_line, what="G in the tree")
        await pilot.press("k")
        await wait_for(pilot, lambda: tree.cursor_line == tree.last_line - 1, what="k in the tree")


def test_every_class_with_keys_is_in_the_keymap_registry():
    """Each screen and widget that declares keys registers itself (`@keymap("where")`),
    and lgtui.ui.catalog imports its module, so `lgtui keys` and config.toml's remaps know
    every id -- with no hand-kept list of screens."""
    import subprocess
    import sys

    script = """
import importlib, json, pkgutil
import lgtui.ui.base, lgtui.ui.catalog  # what `lgtui keys` and config.toml's check import
from lgtui.ui import keys
registered = {f"{c.__module__}.{c.__qualname__}" for _, c in keys.places()}
declared = set()
import lgtui.ui
for info in pkgutil.walk_packages(lgtui.ui.__path__, "lgtui.ui."):
    module = importlib.import_module(info.name)
    for value in vars(module).values():
        if isinstance(value, type) and value.__module__ == info.name:
            own = value.__dict__.get("BINDINGS", ())
            if any(getattr(b, "id", None) for b in own):
                declared.add(f"{value.__module__}.{value.__qualname__}")
print(json.dumps({"missing": sorted(declared - registered), "n": len(declared)}))
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    found = json.loads(proc.stdout)
    assert found["n"] >= 20
    assert found["missing"] == []


class ToySource:
    """A source with only what every source offers (tests/ for the doc's example): no
    threads, so the thread browser says so instead of failing."""

    kind, target = "remote", "toy://"
    warnings = ()

    async def list_assistants(self):
        return [{"assistant_id": "a1", "graph_id": "toy", "name": "toy"}]

    async def get_graph(self, assistant, *, xray=True):
        return {"nodes": [], "edges": []}

    async def stream_run(self, request, handle):
        from lgtui.events import StreamEvent

        handle.run_id = "r1"
        yield StreamEvent(0, 0.0, "metadata", b'{"run_id": "r1"}', run_id="r1")

    async def cancel_run(self, thread_id, run_id):
        return None

    async def aclose(self):
        return None


async def test_a_source_without_threads_says_so(graphs_dir):
    from lgtui.sources.base import Source, ThreadSource
    from lgtui.sources.embedded import EmbeddedSource
    from lgtui.sources.remote import RemoteSource

    assert isinstance(RemoteSource("http://127.0.0.1:9"), ThreadSource)
    embedded = EmbeddedSource(str(graphs_dir))  # (its host starts when first asked)
    assert isinstance(embedded, ThreadSource)
    embedded.close()
    toy: Source = ToySource()
    assert not isinstance(toy, ThreadSource)
    app = LgtuiApp(toy, request=RunRequest("toy", {}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.press("t")
        await wait_for_toast(pilot, "This source has no threads.")
        assert app.screen is app.main
