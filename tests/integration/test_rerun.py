"""Re-runs answered from the recording (`lgtui rerun`, `lgtui check`): the graph's current
code runs again, its model and tool calls answered by what was recorded when their input
matches, run through the real engine host with langchain's and langgraph's own parts.

`world.py`'s model and tool answer from the environment (WORLD) with random numbers in
them, so a live call never repeats what was recorded: a re-run equal to the recording
can only come from the recording."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from helpers import paths
from helpers.cli import assert_one_clean_line, run_cli
from helpers.devserver import quiet_env

from lgtui.capture import read_capture

WORLD = f"{paths.GRAPHS / 'world.py'}:make_graph"
RUNTIME = paths.PROJECTS / "runtime"
ASK = json.dumps({"messages": [{"role": "user", "content": "how is Paris?"}]})


def env(**values: str) -> dict[str, str]:
    return {**quiet_env(), **values}


def record(tmp_path: Path, target: str = WORLD, name: str = "a", **kw: str) -> Path:
    out = tmp_path / f"{name}.msgpack"
    proc = run_cli("stream", target, "-i", ASK, "-o", str(out), env=env(WORLD="a", **kw))
    assert proc.returncode == 0, proc.stderr
    return out


def test_a_recording_keeps_every_model_and_tool_call_with_its_input_and_output(tmp_path):
    capture = read_capture(record(tmp_path))
    calls = [(c["kind"], c.get("node"), c.get("name")) for c in capture.calls]
    assert calls == [
        ("model", "agent", None),
        ("tool", "tools", "lookup"),
        ("model", "agent", None),
    ]
    tool = capture.calls[1]
    assert json.loads(tool["input"]) == {"city": "Paris-a"}
    assert "Paris-a in world a" in tool["out"]
    assert "You answer about cities." in capture.calls[0]["input"]


def test_check_passes_when_the_code_did_not_change_whatever_the_world_says(tmp_path):
    capture = record(tmp_path)
    proc = run_cli("check", str(capture), env=env(WORLD="b"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == f"ok    {capture}  (3 calls answered from the recording, 0 live)"


def test_check_fails_naming_the_first_call_the_recording_cannot_answer(tmp_path):
    capture = record(tmp_path)
    proc = run_cli("check", str(capture), env=env(WORLD="a", PROMPT="Be brief."))
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"FAIL  {capture}: the run failed in node 'agent'")
    assert (
        "the model call in node 'agent' (step 1) has no recorded answer: message 1 (system) "
        "is 'Be brief.', recorded 'You answer about cities.'"
    ) in first
    assert "The runs differ: path from step 1, state at 1 step, 3 messages, status" in proc.stdout


def test_rerun_calls_live_what_changed_and_says_where_it_parted(tmp_path):
    capture = record(tmp_path)
    out = tmp_path / "b.msgpack"
    proc = run_cli(
        "rerun", str(capture), "--text", "-o", str(out), env=env(WORLD="b", PROMPT="Be brief.")
    )
    assert proc.returncode == 1, proc.stderr
    err = proc.stderr.splitlines()
    assert (
        err[0]
        == f"lgtui: re-ran {capture} on {WORLD}: success; 0 calls answered from the recording, 3 live"
    )
    assert "message 1 (system) is 'Be brief.'" in err[1]
    assert err[-1] == f"lgtui: recorded to {out}"
    assert "In world b, Paris is fine" in proc.stdout  # the live answer, in the diff
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    # the new recording is one to re-run from in its turn
    again = run_cli("check", str(out), env=env(WORLD="c", PROMPT="Be brief."))
    assert again.returncode == 0, again.stdout


def test_rerun_with_the_same_code_is_the_same_run(tmp_path):
    capture = record(tmp_path)
    proc = run_cli(
        "rerun", str(capture), "--text", "-o", str(tmp_path / "b.msgpack"), env=env(WORLD="b")
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("The runs are the same")
    assert "3 calls answered from the recording, 0 live" in proc.stderr


@pytest.mark.parametrize("graph", ["react", "supervisor", "swarm", "deep"])
def test_check_reruns_agents_built_with_the_libraries_users_use(tmp_path, graph):
    """create_react_agent, langgraph-supervisor and langgraph-swarm handoffs (tools that
    return Command.PARENT with the state's messages), deepagents (tools that write the
    state's files through langgraph's send, subagents): offline, every call answered."""
    out = tmp_path / f"{graph}.msgpack"
    target = str(RUNTIME / "langgraph.json")
    proc = run_cli(
        "stream",
        target,
        "--assistant",
        graph,
        "-i",
        json.dumps({"messages": [{"role": "user", "content": "hello there"}]}),
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert read_capture(out).calls
    proc = run_cli("check", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"ok    {out}") and " 0 live)" in proc.stdout


def test_what_cannot_be_rerun_is_one_line_and_exit_2(tmp_path):
    not_a_capture = tmp_path / "x.msgpack"
    not_a_capture.write_bytes(b"hello")
    proc = run_cli("check", str(not_a_capture))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "not an lgtui capture")

    server_run = paths.RECORDINGS / "research.msgpack"  # recorded from a server
    proc = run_cli("rerun", str(server_run), "--text")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "recorded from a server", "--graph")

    capture = record(tmp_path)
    proc = run_cli("check", str(capture), "--graph", str(paths.GRAPHS / "agent.py"))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "has no graph", "the capture's", "agent")


async def test_R_in_a_replay_reruns_it_and_shows_the_run_diff(tmp_path, monkeypatch):
    """The replay's R: the same re-run, on a thread; the diff screen opens over the replay,
    a toast says how many calls were answered; escape goes back to the replay."""
    from helpers.ui import screen_text, wait_for, wait_for_text

    from lgtui.ui.app import ReplayApp
    from lgtui.ui.screens.replay import ReplayScreen
    from lgtui.ui.screens.rundiff import RunDiffScreen

    capture = record(tmp_path)
    monkeypatch.setenv("WORLD", "b")  # the live world changed; the recording answers
    app = ReplayApp(str(capture))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.capture is not None)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RunDiffScreen), timeout=60)
        await wait_for_text(pilot, "The runs are the same")
        assert any("3 calls answered from the recording, 0 live" in s.message for s in app.said)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplayScreen))
        assert "make_graph" in screen_text(app)


async def test_R_in_a_replay_of_a_server_run_says_why_not():
    from helpers.ui import wait_for

    from lgtui.ui.app import ReplayApp
    from lgtui.ui.screens.replay import ReplayScreen

    app = ReplayApp(str(paths.RECORDINGS / "research.msgpack"))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.capture is not None)
        await pilot.press("R")
        await wait_for(pilot, lambda: any("Recorded from a server" in s.message for s in app.said))
        assert isinstance(app.screen, ReplayScreen)
