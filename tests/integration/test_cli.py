"""`lgtui stream` and the other commands as a user runs them: output, exit codes, messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from graphs.auth import FORBIDDEN_KEY, TEST_API_KEY
from helpers.cli import assert_one_clean_line, run_cli
from helpers.devserver import free_port, quiet_env


def lines_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_stream_prints_one_json_object_per_event(server):
    proc = run_cli(
        "stream",
        server.url,
        "-a",
        "agent",
        "-i",
        '{"topic": "ice cream"}',
        "--api-key",
        TEST_API_KEY,
    )
    assert proc.returncode == 0, proc.stderr
    events = lines_of(proc.stdout)
    assert set(events[0]) == {"seq", "t", "event", "mode", "ns", "id", "data"}
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert all(e["id"] for e in events)  # resumable streams carry SSE ids
    assert events[0]["event"] == "metadata"
    updates = [e["data"] for e in events if e["event"] == "updates"]
    assert updates == [
        {"refine_topic": {"topic": "ice cream and cats"}},
        {"generate_joke": {"joke": "why did the cat sit on the ice cream? to be cool"}},
    ]
    tokens = "".join(e["data"][0]["content"] for e in events if e["event"] == "messages")
    assert tokens == "why did the cat sit on the ice cream? to be cool"
    times = [e["t"] for e in events]
    assert times == sorted(times)


def test_stream_subgraph_events_carry_their_namespace(graphs_dir):
    proc = run_cli(
        "stream",
        str(graphs_dir),
        "-a",
        "sub",
        "-i",
        '{"foo": "foo"}',
        "-m",
        "updates",
        "--subgraphs",
    )
    assert proc.returncode == 0, proc.stderr
    events = lines_of(proc.stdout)
    sub = [e for e in events if e["ns"]]
    assert [list(e["data"]) for e in sub] == [["subgraph_node_1"], ["subgraph_node_2"]]
    for e in sub:
        assert e["mode"] == "updates"
        assert e["ns"][0].startswith("node_2:")
        assert e["event"] == "updates|" + e["ns"][0]


def test_run_error_exits_1_after_printing_everything(server):
    proc = run_cli(
        "stream",
        server.url,
        "-a",
        "failing",
        "-i",
        '{"topic": "x"}',
        "-m",
        "updates",
        "--api-key",
        TEST_API_KEY,
    )
    assert proc.returncode == 1
    events = lines_of(proc.stdout)
    assert events[1]["data"] == {"prepare": {"topic": "x!"}}
    assert events[-1]["event"] == "error"
    assert events[-1]["data"]["error"] == "ValueError"
    # one line says so (the server hides the message of this error type)
    assert proc.stderr == "lgtui: the run failed: ValueError: cannot handle topic 'x!'\n"


def test_interrupted_run_exits_0(server):
    proc = run_cli(
        "stream",
        server.url,
        "-a",
        "hitl",
        "-i",
        '{"q": "name?"}',
        "-m",
        "updates",
        "--api-key",
        TEST_API_KEY,
    )
    assert proc.returncode == 0
    events = lines_of(proc.stdout)
    assert events[-1]["data"]["__interrupt__"][0]["value"] == {"question": "name?"}


def test_resume_with_command_on_the_same_thread(server):
    first = run_cli(
        "stream",
        server.url,
        "-a",
        "hitl",
        "-i",
        '{"q": "name?"}',
        "-m",
        "values",
        "--api-key",
        TEST_API_KEY,
    )
    # the thread was created by the run: find it from the server's run metadata
    import httpx

    run_id = lines_of(first.stdout)[0]["data"]["run_id"]
    threads = httpx.post(
        f"{server.url}/threads/search", json={"limit": 50}, headers={"x-api-key": TEST_API_KEY}
    ).json()
    thread_id = next(
        t["thread_id"]
        for t in threads
        if httpx.get(
            f"{server.url}/threads/{t['thread_id']}/runs/{run_id}",
            headers={"x-api-key": TEST_API_KEY},
        ).status_code
        == 200
    )
    proc = run_cli(
        "stream",
        server.url,
        "-a",
        "hitl",
        "-t",
        thread_id,
        "--command",
        '{"resume": "Bob"}',
        "-m",
        "values",
        "--api-key",
        TEST_API_KEY,
    )
    assert proc.returncode == 0, proc.stderr
    assert lines_of(proc.stdout)[-1]["data"] == {"q": "name?", "answer": "Bob"}


def test_api_key_from_the_environment(server):
    env = quiet_env() | {"LANGGRAPH_API_KEY": TEST_API_KEY}
    proc = run_cli(
        "stream", server.url, "-a", "agent", "-i", '{"topic": "x"}', "-m", "updates", env=env
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("how", ["stdin", "file", "LANGCHAIN_API_KEY", "quoted"], ids=lambda h: h)
def test_api_key_kept_out_of_ps(server, tmp_path, how):
    """--api-key - (a line of stdin, or a prompt on a terminal), --api-key-file, and the
    environment variables langgraph-sdk reads, in its order."""
    import subprocess
    import sys

    env = quiet_env()
    args = ["stream", server.url, "-a", "agent", "-i", '{"topic": "x"}', "-m", "updates"]
    stdin = None
    if how == "stdin":
        args += ["--api-key", "-"]
        stdin = TEST_API_KEY + "\n"
    elif how == "file":
        key = tmp_path / "key"
        key.write_text(TEST_API_KEY + "\n")
        args += ["--api-key-file", str(key)]
    elif how == "LANGCHAIN_API_KEY":
        env = env | {"LANGGRAPH_API_KEY": "", "LANGSMITH_API_KEY": "", how: TEST_API_KEY}
    else:
        env = env | {"LANGGRAPH_API_KEY": f'"{TEST_API_KEY}" '}
    proc = subprocess.run(
        [sys.executable, "-m", "lgtui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # loopback: no warning


def test_a_key_over_plain_http_to_another_host_is_warned_once(capsys):
    from lgtui import cli

    cli._warned_hosts.clear()
    for _ in range(2):
        cli.warn_plain_http("http://example.invalid:2024", "k")
    cli.warn_plain_http("https://example.invalid", "k")
    cli.warn_plain_http("http://127.0.0.1:2024", "k")
    cli.warn_plain_http("http://example.invalid", None)
    assert capsys.readouterr().err == (
        "lgtui: warning: the API key goes to example.invalid over plain http:// "
        "(unencrypted): use https:// unless the network is yours\n"
    )


def test_an_empty_key_file_is_one_line(tmp_path):
    key = tmp_path / "key"
    key.write_text("\n")
    proc = run_cli("stream", "http://127.0.0.1:9", "-a", "agent", "--api-key-file", str(key))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "the file is empty")


@pytest.mark.parametrize(
    ("key", "status", "detail"),
    [
        (None, 401, "Invalid or missing API key."),
        ("wrong", 401, "Invalid or missing API key."),
        (FORBIDDEN_KEY, 403, "This API key may not run graphs."),
    ],
)
def test_bad_api_key(server, key, status, detail):
    args = ["stream", server.url, "-a", "agent", "-i", "{}"]
    if key:
        args += ["--api-key", key]
    proc = run_cli(*args)
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert_one_clean_line(proc.stderr, f"HTTP {status}", detail)


def test_unknown_thread_404(server):
    proc = run_cli(
        "stream",
        server.url,
        "-a",
        "agent",
        "-t",
        "00000000-0000-0000-0000-000000000000",
        "--api-key",
        TEST_API_KEY,
    )
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "HTTP 404", "Thread or assistant not found.")


def test_unknown_assistant_422(server):
    proc = run_cli("stream", server.url, "-a", "nope", "-i", "{}", "--api-key", TEST_API_KEY)
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "HTTP 422", "Invalid assistant: 'nope'")


def test_server_down():
    url = f"http://127.0.0.1:{free_port()}"
    proc = run_cli("stream", url, "-a", "agent", "-i", "{}")
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, f"cannot reach {url}")


def test_wrong_url_path_is_an_http_error(server):
    proc = run_cli(
        "stream", server.url + "/not/here", "-a", "agent", "-i", "{}", "--api-key", TEST_API_KEY
    )
    assert proc.returncode == 3
    assert_one_clean_line(proc.stderr, "HTTP 404")


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ('{"topic": x}', "line 1 column 11"),
        ('{"a": 1,\n "b": }', "line 2 column 7"),
        ("", "line 1 column 1"),
    ],
)
def test_invalid_json_input(graphs_dir, value, where):
    proc = run_cli("stream", str(graphs_dir), "-a", "agent", "-i", value)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert_one_clean_line(proc.stderr, "--input: invalid JSON", where)


def test_input_from_a_file(graphs_dir, tmp_path):
    f = tmp_path / "in.json"
    f.write_text('{"topic": "dogs"}')
    proc = run_cli("stream", str(graphs_dir), "-a", "agent", "-i", f"@{f}", "-m", "updates")
    assert proc.returncode == 0
    assert lines_of(proc.stdout)[1]["data"] == {"refine_topic": {"topic": "dogs and cats"}}
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  oops\n}")
    proc = run_cli("stream", str(graphs_dir), "-a", "agent", "-i", f"@{bad}")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, str(bad), "line 2 column 3")
    proc = run_cli("stream", str(graphs_dir), "-a", "agent", "-i", f"@{tmp_path / 'missing.json'}")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "cannot read")


def test_unknown_mode_is_a_usage_error(graphs_dir):
    proc = run_cli("stream", str(graphs_dir), "-a", "agent", "-m", "vaules")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "unknown stream mode 'vaules'")


def test_unknown_embedded_assistant_lists_the_graphs(graphs_dir):
    proc = run_cli("stream", str(graphs_dir), "-a", "nope", "-i", "{}")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "unknown assistant 'nope'", "agent", "failing", "sub")


def test_no_assistant_with_several_graphs(graphs_dir):
    proc = run_cli("stream", str(graphs_dir))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "--assistant", "available: agent, approvals, chat, failing")


def test_single_graph_file_needs_no_assistant(graphs_dir):
    proc = run_cli("stream", str(graphs_dir / "hitl.py"), "-m", "updates")
    assert proc.returncode == 0, proc.stderr
    assert "__interrupt__" in proc.stdout


def test_stream_into_a_closed_pipe_is_quiet(graphs_dir):
    import subprocess

    p = subprocess.run(
        f"{sys.executable} -m lgtui stream {graphs_dir} -a firehose -i '{{\"count\": 5000}}' -m custom | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        env=quiet_env(),
    )
    assert len(p.stdout.splitlines()) == 2
    assert "Traceback" not in p.stderr


def test_help_lists_every_command():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("connect", "open", "demo", "stream"):
        assert command in proc.stdout


def test_no_command_prints_help_and_exits_2():
    proc = run_cli()
    assert proc.returncode == 2
    assert "usage: lgtui" in proc.stdout


# -- graph files that cannot be loaded ------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


GOOD = """
from typing import TypedDict
from langgraph.graph import StateGraph, START
class S(TypedDict):
    x: int
def inc(s): return {"x": s["x"] + 1}
builder = StateGraph(S).add_node(inc).add_edge(START, "inc")
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1\ndef broken(:\n", ["{p}:2", "SyntaxError"]),
        ("import not_a_real_module_xyz\n", ["{p}", "No module named 'not_a_real_module_xyz'"]),
        ("x = 1\nraise RuntimeError('no key set')\n", ["{p}:2", "RuntimeError", "no key set"]),
        ("x = 1\n", ["{p}", "no graph found"]),
    ],
    ids=["syntax-error", "import-error", "raises-while-loading", "no-graph"],
)
def test_graph_file_that_does_not_load(tmp_path, source, expected):
    p = write(tmp_path, "graph.py", source)
    proc = run_cli("stream", str(p))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, *(e.format(p=p) for e in expected))


def test_wrong_name_lists_the_graphs_found(tmp_path):
    p = write(tmp_path, "graph.py", GOOD)
    proc = run_cli("stream", f"{p}:grph")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, str(p), "no graph named 'grph'", "graphs found: builder")


def test_builder_is_compiled_for_the_user(tmp_path):
    p = write(tmp_path, "graph.py", GOOD)
    proc = run_cli("stream", f"{p}:builder", "-i", '{"x": 1}', "-m", "values")
    assert proc.returncode == 0, proc.stderr
    assert lines_of(proc.stdout)[-1]["data"] == {"x": 2}


def test_langgraph_json_problems(tmp_path):
    cfg = write(tmp_path, "langgraph.json", "{not json")
    proc = run_cli("stream", str(cfg))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, str(cfg), "not valid JSON")
    cfg.write_text('{"graphs": {"g": "./missing.py:graph"}}')
    proc = run_cli("stream", str(tmp_path))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "missing.py does not exist")


def test_missing_path():
    proc = run_cli("stream", "/no/such/graph.py")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "/no/such/graph.py: no such file or directory")


def test_open_reports_load_errors_before_the_screen(tmp_path):
    p = write(tmp_path, "graph.py", "x = 1\n")
    proc = run_cli("open", str(p))
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, "no graph found")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["open", "{graphs}"], {"record": True, "request": None, "open_history": False}),
        (["open", "{graphs}", "--no-record"], {"record": False}),
        (
            [
                "open",
                "{graphs}",
                "--record",
                "/tmp/x.msgpack",
                "-a",
                "agent",
                "-i",
                '{"topic": "t"}',
            ],
            {"record": "/tmp/x.msgpack"},
        ),
        (
            ["connect", "http://127.0.0.1:9", "--thread", "abc-123"],
            {"open_history": True, "thread": "abc-123"},
        ),
        (
            ["connect", "http://127.0.0.1:9", "--no-record", "-a", "agent"],
            {"record": False, "open_history": False},
        ),
        (["demo"], {"record": True}),
    ],
)
def test_tui_commands_wire_their_options_into_the_app(monkeypatch, graphs_dir, argv, expected):
    from lgtui import cli
    from lgtui.ui import app as app_module

    seen = {}

    def fake_run(self):
        seen.update(
            record=self.record,
            open_history=self.open_history,
            thread=self.form.thread,
            request=self.initial_request,
        )

    monkeypatch.setattr(app_module.LgtuiApp, "run", fake_run)
    assert cli.main([a.replace("{graphs}", str(graphs_dir)) for a in argv]) == 0
    for key, value in expected.items():
        assert seen[key] == value, key
    if "-i" in argv:
        assert seen["request"].input == {"topic": "t"} and seen["request"].assistant == "agent"


def _in_a_terminal(argv: list[str], until: float = 60.0) -> tuple[int, bytes]:
    """Run ``lgtui argv`` in a pseudo-terminal of 100x30 until it exits: (status, bytes)."""
    import os
    import pty
    import select
    import time

    from helpers.devserver import quiet_env

    pid, fd = pty.fork()
    if pid == 0:  # the child: lgtui in a terminal
        env = quiet_env()
        env.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.execvpe(sys.executable, [sys.executable, "-m", "lgtui", *argv], env)
    seen = b""
    deadline = time.monotonic() + until
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the child has gone
                break
            if not chunk:
                break
            seen += chunk
    finally:
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, 9)
            done, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), seen


def test_in_a_terminal_the_screen_comes_first_and_a_project_that_fails_ends_it(tmp_path):
    """In a terminal the screen is up while the project loads (said on the status bar);
    a project that does not load then ends the app with the same line, exit 2."""
    p = write(tmp_path, "graph.py", "import time\ntime.sleep(1)\nx = 1\n")
    status, seen = _in_a_terminal(["open", str(p)])
    assert status == 2, seen[-2000:]
    shown = seen.replace(b"\x1b", b"")
    assert b"loading the project" in shown, seen[-2000:]  # on the screen, meanwhile
    after = seen.rsplit(b"\x1b[?1049l", 1)[-1].decode(errors="replace")  # the screen gone
    assert "lgtui:" in after and "no graph found" in after, after
