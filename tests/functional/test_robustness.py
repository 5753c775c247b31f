"""No traceback, no dead screen, on what a hostile capture or graph holds; a crash of the
screen itself is one line and a non-zero exit."""

from __future__ import annotations

import json
import os
import pty
import re
import sys

import orjson
from helpers.cli import run_cli
from helpers.hostile_capture import write_hostile_capture
from helpers.ui import screen_text, wait_for

from lgtui.ui.app import ReplayApp


def test_info_export_and_diff_of_a_capture_of_wrong_types(tmp_path):
    capture = str(write_hostile_capture(tmp_path / "bad.msgpack"))
    for args in (
        ["info", capture],
        ["info", capture, "--json"],
        ["export", capture],
        ["export", capture, "--state-at", "4"],
        ["diff", "--text", capture, capture],
    ):
        proc = run_cli(*args)
        assert proc.returncode in (0, 1), (args, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
    info = json.loads(run_cli("info", capture, "--json").stdout)
    assert info["assistant"] == "7" and info["request"] == {}
    lines = run_cli("export", capture).stdout.splitlines()
    assert [orjson.loads(line)["t"] for line in lines] == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert lines[3].endswith('"data":' + "[" * 1000 + "]" * 1000 + "}")  # as it came


async def test_every_tab_and_the_graph_view_of_a_capture_of_wrong_types(tmp_path):
    app = ReplayApp(str(write_hostile_capture(tmp_path / "bad.msgpack")))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        for key in ["end", *"12345678", "home", "end", "v"]:
            await pilot.press(key)
            await pilot.pause(0.1)
        # the graph record is a list: no graph to draw, said
        await wait_for(pilot, lambda: "holds no graph" in screen_text(app), what="no graph")
        await pilot.press("escape", "8")
        assert app.is_running


def test_a_crashed_screen_exits_1_with_one_line(tmp_path):
    """Under a terminal, as a user runs it: the screen crashes in code of lgtui's."""
    code = (
        "import lgtui.ui.app as a\n"
        "def boom(self): raise ZeroDivisionError('a bug in lgtui')\n"
        "a.ReplayApp.on_mount = boom\n"
        "from lgtui.cli import main\n"
        f"raise SystemExit(main(['replay', {str(write_hostile_capture(tmp_path / 'c.msgpack'))!r}]))\n"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: lgtui on a pseudo-terminal
        os.execve(sys.executable, [sys.executable, "-c", code], env)
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    text = output.decode("utf-8", "replace")
    tail = [line for line in text.replace("\r", "\n").split("\n") if line.strip()][-1]
    tail = re.sub(r"\x1b\][^\x07]*\x07|\x1b\[[^a-zA-Z]*[a-zA-Z]", "", tail)  # the screen's own
    assert tail.startswith(
        "lgtui: lgtui crashed (a bug: please report it): ZeroDivisionError: a bug in lgtui"
    )
    assert "Traceback" not in text and "locals" not in text
    report = next((tmp_path / "state" / "lgtui" / "crashes").iterdir())
    assert report.stat().st_mode & 0o777 == 0o600
    assert "ZeroDivisionError" in report.read_text()
