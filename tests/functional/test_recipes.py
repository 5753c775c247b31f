"""The recipes of docs/architecture.md ("Where to make a change"), run as written there:
a tab, a source capability, a CLI command and a screen with keys, each defined from the
doc's own example, must work as the doc says (so the doc cannot go stale)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from helpers import paths
from helpers.devserver import quiet_env

DOC = (paths.ROOT / "docs" / "architecture.md").read_text()


def example(heading: str) -> str:
    """The first python block under ``### heading``."""
    section = DOC.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, f"no example under {heading!r}"
    return found.group(1)


def run_script(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True, text=True, timeout=120, env=quiet_env(), cwd=paths.ROOT,
    )  # fmt: skip


ERRORS_CAPTURE = """
from lgtui.capture import CaptureWriter, make_header
from lgtui.events import StreamEvent

def write_capture(path):
    header = make_header(source_kind="remote", target="t", assistant="a", thread_id=None,
                         request={"stream_mode": ["updates"]})
    writer = CaptureWriter(path, header)
    events = [("metadata", b'{"run_id": "r1"}'), ("error", b'{"error": "E", "message": "one"}'),
              ("updates", b'{"agent": {"x": 1}}'), ("error", b'{"error": "E", "message": "two"}')]
    for i, (name, raw) in enumerate(events):
        writer.write(StreamEvent(i, i / 10, name, raw))
    writer.close("success")
"""


def test_add_a_tab_is_one_declaration(tmp_path):
    """The doc's line, run before the app is imported (as lgtui/tabs.py runs it): the
    new tab lists its mode's events, counts them on its label, and the palette shows it."""
    script = textwrap.dedent(
        """
        import asyncio, sys
        from lgtui.tabs import Tab, declare
        {example}
        {capture}
        from lgtui.ui.app import ReplayApp

        async def main(path):
            write_capture(path)
            app = ReplayApp(path)
            async with app.run_test(size=(120, 30)) as pilot:
                for _ in range(400):
                    if not app.main.capture_loading:
                        break
                    await pilot.pause(0.05)
                await pilot.press("end")
                entries = [title for title, _, _ in app.main.palette_extra()]
                print("PALETTE", entries)
                app.main.palette_extra()[entries.index("Errors tab")][2]()
                await pilot.pause(0.2)
                lst = app.main.views["errors"]
                print("TAB", app.main.active_tab(), lst.row_count, [lst.seq_at(r) for r in range(lst.row_count)])
                print("LABEL", app.main.query_one("#tabs").get_tab("tab-errors").label)
        asyncio.run(main(sys.argv[1]))
        """
    ).format(example=example("Add a tab"), capture=ERRORS_CAPTURE)
    proc = run_script(script, str(tmp_path / "errors.msgpack"))
    assert proc.returncode == 0, proc.stderr
    assert "'Errors tab'" in proc.stdout.split("PALETTE", 1)[1].splitlines()[0]
    assert "TAB errors 2 [1, 3]" in proc.stdout
    assert "LABEL Errors 2" in proc.stdout


def test_add_a_source_capability_the_screen_asks_for(graphs_dir):
    from typing import Protocol, runtime_checkable

    from lgtui.sources.base import Source
    from lgtui.sources.embedded import EmbeddedSource

    scope = {"Source": Source, "Protocol": Protocol, "runtime_checkable": runtime_checkable}
    exec(example("Add a source capability"), scope)
    has_ui = scope["has_ui"]
    embedded = EmbeddedSource(str(graphs_dir))  # (it serves no UI: said so)
    assert has_ui(embedded) == "This source serves no generative UI."

    class WithUI:  # every source's methods, and the capability's
        kind, target, warnings = "remote", "toy://", ()

        async def list_assistants(self):
            return []

        async def get_graph(self, assistant, *, xray=True):
            return {}

        def stream_run(self, request, handle): ...

        async def cancel_run(self, thread_id, run_id): ...

        async def aclose(self): ...

        async def ui_components(self, assistant):
            return {}

    assert has_ui(WithUI()) is None
    embedded.close()


def test_add_a_cli_command_is_a_module_and_its_name_in_groups(tmp_path):
    script = textwrap.dedent(
        """
        import sys, types
        module = types.ModuleType("lgtui.cli.count")
        exec({example!r}, module.__dict__)
        from lgtui import cli
        cli.GROUPS.append(module)
        {capture}
        write_capture(sys.argv[1])
        sys.exit(cli.main(sys.argv[2:]))
        """
    ).format(example=example("Add a CLI command"), capture=ERRORS_CAPTURE)
    capture = str(tmp_path / "c.msgpack")
    proc = run_script(script, capture, "count", capture)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "4 events\n"
    listed = run_script(script, str(tmp_path / "d.msgpack"), "--help")
    assert "how many events a capture holds" in listed.stdout, listed.stderr


async def test_add_a_screen_with_keys_its_keys_are_known_everywhere():
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import Static

    from lgtui.ui.app import ReplayApp
    from lgtui.ui.keys import keyed, keymap, places

    scope = {"Screen": Screen, "Binding": Binding, "Static": Static, "keyed": keyed}
    scope["keymap"] = keymap
    exec(example("Add a screen with keys"), scope)
    counter = scope["CounterScreen"]
    assert ("counter", counter) in places()  # `lgtui keys` and config.toml remaps list it
    app = ReplayApp(str(paths.RECORDINGS / "chat.msgpack"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(counter())
        await pilot.pause()
        await pilot.press("plus", "plus")
        assert str(app.screen.query_one("#count", Static).render()) == "2"
        await pilot.press("f1")  # F1 help lists the screen's keys
        await pilot.pause()
        from helpers.ui import screen_text

        assert "One more" in screen_text(app)
        places_after = [where for where, cls in places() if cls is counter]
        assert places_after == ["counter"]
