"""The Timeline: tasks, steps, durations, LLM time and token usage from real captures,
and the tab that shows them."""

from __future__ import annotations

from helpers.paths import RECORDINGS
from helpers.ui import wait_for, wait_for_text

from lgtui.capture import read_capture
from lgtui.events import StreamEvent
from lgtui.session import Session
from lgtui.timeline import Timeline
from lgtui.ui.app import ReplayApp


def timeline_of(name: str) -> Timeline:
    session = Session()
    for event in read_capture(RECORDINGS / f"{name}.msgpack").events:
        session.append(event)
    timeline = Timeline(session)
    timeline.sync()
    return timeline


def test_tasks_from_debug_events_with_their_steps_and_times():
    timeline = timeline_of("tools")
    assert [(t.step, t.name) for t in timeline.tasks] == [(1, "model"), (2, "tools"), (3, "model")]
    for task in timeline.tasks:
        assert task.end_t is not None and task.end_t >= task.start_t
        assert not task.error
    model = next(s for s in timeline.node_stats() if s.name == "model")
    assert model.runs == 2
    assert (
        abs(model.total - sum(t.end_t - t.start_t for t in timeline.tasks if t.name == "model"))
        < 1e-9
    )


def test_subgraph_tasks_are_their_own_steps_in_their_namespace():
    timeline = timeline_of("subgraph")
    inner = [t for t in timeline.tasks if t.ns]
    assert [t.name for t in inner] == ["subgraph_node_1", "subgraph_node_2"]
    parent = next(t for t in timeline.tasks if t.name == "node_2")
    # the subgraph ran inside its parent task
    assert all(parent.start_t <= t.start_t and t.end_t <= parent.end_t for t in inner)
    assert timeline.steps() == (2, 2)
    assert timeline.slowest().name == "node_2"


def test_errors_and_interrupts():
    failing = timeline_of("error")
    explode = next(t for t in failing.tasks if t.name == "explode")
    assert explode.error.startswith("ValueError: ")
    assert next(s for s in failing.node_stats() if s.name == "explode").errors == 1
    waiting = timeline_of("interrupt")
    assert [t.interrupted for t in waiting.tasks] == [True]


def test_debug_and_tasks_modes_together_count_each_task_once():
    timeline = timeline_of("research")  # streamed debug, tasks and checkpoints at once
    ids = [(t.ns, t.id) for t in timeline.tasks]
    assert len(ids) == len(set(ids)) == 6
    assert timeline.steps() == (3, 3)


def test_tasks_mode_alone_infers_the_steps():
    """Without debug events there is no step number: a start after a result begins one."""
    source = read_capture(RECORDINGS / "research.msgpack").events
    session = Session()
    for e in source:
        if e.mode in ("tasks", "metadata"):
            session.append(StreamEvent(session.count, e.t, e.event, e.raw, id=e.id))
    timeline = Timeline(session)
    timeline.sync()
    root = [(t.step, t.name) for t in timeline.tasks if not t.ns]
    assert root == [(1, "plan"), (2, "research"), (3, "write")]  # as debug numbers them


def test_llm_time_and_token_usage_as_the_model_reported_them():
    timeline = timeline_of("research")
    usage, per_node = timeline.usage()
    assert (usage.tokens_in, usage.tokens_out, usage.total) == (20, 39, 59)
    assert per_node[((), "write")].tokens_out == 39
    write = next(s for s in timeline.node_stats() if s.name == "write")
    assert 0 < write.llm <= write.total  # streaming the answer took most of the node's time
    assert write.llm > 0.5 * write.total
    assert timeline.llm_source() == "streamed chunks"


def test_llm_time_and_usage_from_events_mode():
    """With astream_events streamed, the chat model's own start and end events time it,
    and its end event carries the usage (no messages mode needed)."""
    timeline = timeline_of("events")
    events = [e for e in timeline.session.events if e.mode == "events"]
    starts = [e for e in events if e.data["event"] == "on_chat_model_start"]
    ends = [e for e in events if e.data["event"] == "on_chat_model_end"]
    assert len(starts) == len(ends) == 1
    assert timeline.llm_source() == "chat model start→end (events mode)"
    assert timeline.llm_by_node() == {((), "answer"): ends[0].t - starts[0].t}
    usage, _ = timeline.usage()
    assert (usage.tokens_in, usage.tokens_out) == (4, 10)


def test_the_timeline_as_of_a_replay_cursor():
    timeline = timeline_of("research")
    session = timeline.session
    write = next(t for t in timeline.tasks if t.name == "write")
    midway = (write.start_seq + write.end_seq) // 2
    tasks = timeline.tasks_as_of(midway)
    assert tasks[-1] is write and not write.ended_by(midway)  # still running at the cursor
    assert write.duration(timeline.now(midway), midway) == session.events[midway].t - write.start_t
    assert timeline.usage(midway)[0].messages == 0  # the usage comes with the last chunk


async def test_the_timeline_tab(tmp_path):
    app = ReplayApp(str(RECORDINGS / "research.msgpack"))
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: not app.main.capture_loading, what="capture loaded")
        await pilot.press("end", "8")
        screen = await wait_for_text(
            pilot,
            "6 tasks in 3 steps (+3 in subgraphs)",
            "slowest write",
            "tokens 20 in / 39 out / 59 total",
        )
        for node in ("plan", "research", "  ask_model", "  search", "write"):
            assert node in screen
        assert "· 1 tool call" in screen and "  ⚙ search" in screen  # where the tool ran
        assert "★" in screen  # the slowest task, marked
        # moving onto a task shows its result event on the right
        await pilot.press("G")
        write = next(t for t in app.main.query_one("TimelineView").tasks if t.name == "write")
        await wait_for_text(pilot, f"#{write.end_seq} ", "result: {2} {answer:")
        # enter goes there in the replay
        await pilot.press(*"kkkkkk", "enter")  # (g and home move the replay itself)
        plan = next(t for t in app.main.query_one("TimelineView").tasks if t.name == "plan")
        await wait_for(pilot, lambda: app.main.cursor == plan.end_seq, what="cursor on plan")


async def test_the_timeline_explains_a_run_without_task_events():
    app = ReplayApp(str(RECORDINGS / "triage-question.msgpack"))
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: not app.main.capture_loading, what="capture loaded")
        await pilot.press("end", "8")
        screen = await wait_for_text(pilot, "2 tasks in 2 steps", "tokens 4 in / 10 out")
        assert "classify" in screen and "answer" in screen
    session = Session()
    for e in read_capture(RECORDINGS / "chat.msgpack").events:
        if e.mode != "debug":
            session.append(StreamEvent(session.count, e.t, e.event, e.raw))
    session.request = {"stream_mode": ["updates", "values"]}
    from lgtui.ui.widgets.timeline_view import TimelineView

    view = TimelineView()
    view.timeline = Timeline(session)
    view._tasks = []
    lines = view._make_summary(view.timeline, None)
    assert "built from the debug or tasks stream mode" in lines[0].plain
