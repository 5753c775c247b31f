"""`lgtui diff`: two real recorded runs compared, as text for CI and on screen."""

from __future__ import annotations

import shutil

import pytest
from helpers.cli import assert_one_clean_line, run_cli
from helpers.paths import RECORDINGS
from helpers.ui import quit_with, wait_for_text

from lgtui.capture import read_capture
from lgtui.rundiff import compare, run_view
from lgtui.ui.rundiff_app import RunDiffApp

QUESTION = str(RECORDINGS / "triage-question.msgpack")
REFUND = str(RECORDINGS / "triage-refund.msgpack")


def view(name: str):
    return run_view(read_capture(RECORDINGS / f"{name}.msgpack"), name)


def test_where_two_paths_part_and_how_their_states_and_messages_differ():
    diff = compare(view("triage-question"), view("triage-refund"))
    assert [s.label for s in diff.a.steps] == ["(input)", "classify", "answer"]
    assert [s.label for s in diff.b.steps] == ["(input)", "classify", "open_refund", "answer"]
    assert diff.diverged == (2, 2)
    assert [(m, a and a.label, b and b.label) for m, a, b in diff.rows] == [
        (" ", "(input)", "(input)"),
        (" ", "classify", "classify"),
        ("+", None, "open_refund"),
        (" ", "answer", "answer"),
    ]
    # the states after the steps both took: compared without ids and timestamps
    after_answer = next(sd for sd in diff.states if sd.a.label == "answer")
    paths = {c.path for c in after_answer.changes}
    assert {"request", "category", "ticket", "messages[1].content"} <= paths
    assert not any(p.endswith(".id") for p in paths)
    texts = [md for md in diff.messages if md.kind == "changed" and md.a.role == "ai"]
    assert texts[0].lines == [
        "- Our opening hours are 9 to 17, Monday to Friday.",
        "+ I opened refund ticket RF-1001; the money is back within 5 days.",
    ]
    assert diff.differ and diff.verdict() == (
        "the runs differ: path from step 2, state at 3 steps, 2 messages"
    )


def test_a_run_against_itself_is_the_same_and_strict_sees_only_what_is_there():
    a = view("triage-question")
    same = compare(a, view("triage-question"))
    assert not same.differ and same.same_states == 3
    assert same.verdict() == "the runs are the same"
    # two runs of the same graph with the same input differ only in ids and times...
    strict = compare(view("triage-question"), view("triage-question"), ignore=frozenset())
    assert not strict.differ  # (the same file: even ids are equal)


def test_text_report_and_exit_status_like_diff(tmp_path):
    proc = run_cli("diff", QUESTION, REFUND, "--text")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "the paths part at step 2 of A, 2 of B" in out
    only_b = next(line for line in out.splitlines() if "open_refund" in line)
    assert only_b.startswith("  +") and "—" in only_b  # the step only B took
    assert '~ category: "question" → "refund"' in out
    assert "+ I opened refund ticket RF-1001" in out
    assert out.strip().endswith("The runs differ: path from step 2, state at 3 steps, 2 messages")
    copy = tmp_path / "same.msgpack"
    shutil.copy(QUESTION, copy)
    proc = run_cli("diff", QUESTION, str(copy), "--text")
    assert proc.returncode == 0 and proc.stdout.strip().endswith("The runs are the same")


def test_ignore_and_strict(tmp_path):
    proc = run_cli(
        "diff", QUESTION, REFUND, "--text", "--ignore", "request", "--ignore", "category"
    )
    assert "~ category" not in proc.stdout and "~ request" not in proc.stdout
    assert proc.returncode == 1  # the path and the messages still differ


def test_captures_without_state_or_messages_say_so():
    proc = run_cli(
        "diff", str(RECORDINGS / "tools.msgpack"), str(RECORDINGS / "subgraph.msgpack"), "--text"
    )
    assert proc.returncode == 1
    assert "the paths part at step 1" in proc.stdout
    assert "none streamed" not in proc.stdout  # tools streamed messages: compared
    assert "only in A: ai · model" in proc.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"\x00\x01garbage"), "not an lgtui capture"),
        (lambda p: p.write_text('{"json": true}'), "not an lgtui capture"),
        (lambda p: None, "no such file"),
    ],
)
def test_files_that_are_not_captures(tmp_path, make, message):
    bad = tmp_path / "bad.msgpack"
    make(bad)
    proc = run_cli("diff", QUESTION, str(bad), "--text")
    assert proc.returncode == 2
    assert_one_clean_line(proc.stderr, message)


async def test_the_diff_screen():
    diff = compare(view("triage-question"), view("triage-refund"))
    app = RunDiffApp(diff)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await wait_for_text(
            pilot, "The runs differ: path from step 2", "triage-question", "triage-refund"
        )
        assert "open_refund" in screen and "+ B only" in screen
        await pilot.press("2")
        await wait_for_text(pilot, "step 1 classify 3≠", "step 2/3 answer", '~ request: "When')
        await pilot.press("down")
        await wait_for_text(pilot, '~ category: "question" → "refund"')
        await pilot.press("3")
        await wait_for_text(pilot, "+ I opened refund ticket RF-1001")
        await quit_with(pilot)
    assert app.return_code in (0, None)
