"""What a first-day user trips on, said where it happens: a tab of a mode the run did not
stream says which mode to ask for; a server address typed without http:// is understood
or asked about.  (A stopped watch: tests/integration/test_watch_stop.py.)"""

from __future__ import annotations

from helpers.cli import assert_one_clean_line, run_cli
from helpers.devserver import free_port
from helpers.ui import wait_for, wait_for_text

from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp

SIZE = (120, 40)


async def test_an_empty_tab_says_which_mode_to_stream(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    app = LgtuiApp(source, request=RunRequest("agent", {"topic": "x"}, stream_mode=["updates"]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status == "success")
        await pilot.press("6")  # Events
        await wait_for_text(pilot, "No Events events: this run did not stream the 'events' mode")
    source.close()


def test_a_server_address_without_http_is_understood_or_asked_about():
    port = free_port()
    proc = run_cli("stream", f"localhost:{port}", "-a", "agent")
    assert proc.returncode == 2
    assert_one_clean_line(
        proc.stderr, "no such file or directory", f"did you mean http://localhost:{port}?"
    )
    # connect takes it as http:// (a checkpoint is checked before the screen: the server
    # is simply not there)
    proc = run_cli("connect", f"127.0.0.1:{port}", "--thread", "t", "--checkpoint", "c")
    assert proc.returncode == 3, proc.stderr
    assert_one_clean_line(proc.stderr, f"http://127.0.0.1:{port}")
    proc = run_cli("connect", "ftp://example.com")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "connect takes an http:// or https:// URL")
