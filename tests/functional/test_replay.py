"""`lgtui replay`: the screen as of a cursor, moved with the keys a user presses."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from helpers import paths
from helpers.cli import run_cli
from helpers.ui import screen_text, wait_for, wait_for_text

from lgtui.capture import read_capture
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp, ReplayApp

SIZE = (160, 45)


def record(
    graphs_dir: Path, tmp: Path, name: str, graph: str, inp: str, modes: str, *extra: str
) -> Path:
    path = tmp / f"{name}.msgpack"
    proc = run_cli(
        "stream", str(graphs_dir), "-a", graph, "-i", inp, "-m", modes, "-o", str(path), *extra
    )
    assert proc.returncode in (0, 1), proc.stderr
    return path


@pytest.fixture(scope="module")
def captures(graphs_dir, tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("replays")
    return {
        "agent": record(
            graphs_dir,
            tmp,
            "agent",
            "agent",
            '{"topic": "ice cream"}',
            "updates,values,debug,messages-tuple,custom",
        ),
        "updates": record(graphs_dir, tmp, "updates", "agent", '{"topic": "ice cream"}', "updates"),
        "failing": record(
            graphs_dir, tmp, "failing", "failing", '{"topic": "x"}', "updates,values"
        ),
        "sub": record(
            graphs_dir, tmp, "sub", "sub", '{"foo": "foo"}', "updates,values", "--subgraphs"
        ),
    }


async def loaded(pilot, app: ReplayApp) -> None:
    await wait_for(
        pilot,
        lambda: app.session is not None and not app.main.capture_loading,
        what="capture loaded",
    )
    await pilot.pause(0.1)


async def test_cursor_moves_and_every_tab_shows_the_world_as_of_it(captures):
    events = read_capture(captures["agent"]).events
    app = ReplayApp(str(captures["agent"]))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        screen = await wait_for_text(pilot, "paused", f"event 0 / {len(events) - 1}")
        assert "refine_topic" not in screen  # nothing has happened yet at event 0
        await pilot.press("right", "right")
        await wait_for_text(pilot, "event 2 /", '{topic: "ice cream"}')
        # half-way through the streamed reply, Messages shows half a message
        chunk = next(e for e in events if e.mode == "messages" and e.data[0]["content"] == "sit")
        await pilot.press("g")
        await pilot.press(*str(chunk.seq), "enter")
        await wait_for_text(pilot, f"event {chunk.seq} /")
        await pilot.press("5")
        screen = await wait_for_text(pilot, "why did the cat sit", "streaming…")
        assert "ice cream? to be cool" not in screen
        await pilot.press("end")
        screen = await wait_for_text(pilot, "why did the cat sit on the ice cream? to be cool")
        assert "streaming…" not in screen
        # the Values tab shows the state as of the cursor
        await pilot.press("3")
        await wait_for_text(pilot, 'joke: "why did the cat sit on the ice cream? to be cool"')
        await pilot.press("home")
        await wait_for_text(pilot, "No state at event #0")


async def test_step_between_checkpoints_and_diff(captures):
    app = ReplayApp(str(captures["agent"]))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        session = app.session
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.main.cursor == session.checkpoint_seqs[0])
        await pilot.press("right_square_bracket", "right_square_bracket")
        await wait_for(pilot, lambda: app.main.cursor == session.checkpoint_seqs[2])
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.main.cursor == session.checkpoint_seqs[1])
        # the update of refine_topic: the diff shows what its step changed
        update = next(e.seq for e in session.events if e.mode == "updates")
        await pilot.press("g", *str(update), "enter", "D")
        await wait_for_text(pilot, 'topic: "ice cream" →', '"ice cream and cats"')


async def test_jump_to_the_error_and_the_banner_follows_the_cursor(captures):
    app = ReplayApp(str(captures["failing"]))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        assert "✖ error" not in screen_text(app)  # not yet, at event 0
        await pilot.press("e")
        error_seq = app.session.errors[0].seq
        await wait_for(pilot, lambda: app.main.cursor == error_seq)
        await wait_for_text(pilot, "✖ error ValueError", "cannot handle topic")
        await pilot.press("E")  # nothing before it: stays
        await pilot.press("home")
        await wait_for(
            pilot, lambda: "✖ error" not in screen_text(app), what="banner gone at the start"
        )


async def test_updates_only_capture_says_state_cannot_be_shown(captures):
    app = ReplayApp(str(captures["updates"]))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("end", "S")
        await wait_for_text(pilot, "No state at event", "does not", "guess")
        await pilot.press("D")
        await wait_for_text(pilot, "No whole state was recorded", "reducers")


async def test_play_at_max_speed_reaches_the_end(captures):
    app = ReplayApp(str(captures["agent"]))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        last = app.session.count - 1
        for _ in range(7):
            await pilot.press("plus")
        await wait_for_text(pilot, "max")
        await pilot.press("space")
        await wait_for(pilot, lambda: app.main.cursor == last, timeout=10)
        await wait_for_text(pilot, "paused", f"event {last} / {last}")


def timed_capture(path: Path, times: list[float]) -> Path:
    """A capture whose events were seen at ``times`` (seconds from the start)."""
    import msgpack
    import orjson

    from lgtui.capture import FORMAT

    packer = msgpack.Packer(use_bin_type=True)
    with path.open("wb") as f:
        f.write(packer.pack({"k": "header", "format": FORMAT, "version": [1, 0]}))
        for i, t in enumerate(times):
            data = orjson.dumps({"step": {"i": i}})
            f.write(packer.pack({"k": "e", "t": t, "ev": "updates", "d": data}))
        f.write(packer.pack({"k": "end", "status": "success", "events": len(times)}))
    return path


async def test_play_follows_original_timing(tmp_path):
    """At half speed, an event seen 0.4 s after the one before comes 0.8 s after it; a gap of
    10 s plays as 2 s (MAX_GAP) / 0.5 = 4 s; events close together come together."""
    times = [0.0, 0.4, 0.45, 10.45]
    app = ReplayApp(str(timed_capture(tmp_path / "timed.msgpack", times)))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("minus")  # 1x -> 0.5x
        await wait_for_text(pilot, "0.5×")
        await pilot.press("home")
        reached: dict[int, float] = {}
        start = time.monotonic()
        await pilot.press("space")
        deadline = start + 30
        while len(reached) < len(times) and time.monotonic() < deadline:
            reached.setdefault(app.main.cursor, time.monotonic() - start)
            await asyncio.sleep(0.005)
    assert sorted(reached) == [0, 1, 2, 3]
    # Never early: measured from before the key, each event comes at its time or later
    # (a frame of slack); seen late by at most what a busy machine adds.
    assert reached[1] >= 0.8 - 0.05 and reached[2] >= 0.9 - 0.05
    assert reached[3] >= 0.9 + 4.0 - 0.05  # the 10 s gap: 2 s (MAX_GAP) at half speed
    assert reached[1] <= 0.8 + 1.5 and reached[3] - reached[1] <= 4.1 + 1.5


async def test_list_navigation_moves_the_cursor_within_a_namespace(captures):
    app = ReplayApp(str(captures["sub"]))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("end", "2")  # Updates
        await wait_for_text(pilot, "subgraph_node_2")
        before = app.main.cursor
        await pilot.press("up")
        await wait_for(pilot, lambda: app.main.cursor < before)
        assert app.session.events[app.main.cursor].mode == "updates"
        await pilot.press("s")  # root only
        await wait_for(pilot, lambda: "subgraph_node_1" not in screen_text(app), what="root filter")


async def test_a_truncated_capture_opens_with_a_warning(captures, tmp_path):
    data = captures["agent"].read_bytes()
    cut = tmp_path / "cut.msgpack"
    cut.write_bytes(data[: len(data) * 2 // 3])
    app = ReplayApp(str(cut))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await wait_for_text(pilot, "truncated at byte")
        await pilot.press("end")
        assert app.main.cursor == app.session.count - 1 > 5


async def test_live_runs_are_recorded_and_the_status_bar_says_where(graphs_dir, tmp_path):
    target = tmp_path / "rec" / "run.msgpack"
    app = LgtuiApp(
        EmbeddedSource(str(graphs_dir)),
        request=RunRequest("agent", {"topic": "x"}),
        record=str(target),
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await wait_for_text(pilot, "● rec", "/rec/run.msgpack")
    capture = read_capture(target)
    assert len(capture.events) == app.session.count and capture.end["status"] == "success"
    assert target.parent.stat().st_mode & 0o777 == 0o700  # the folder lgtui made is private


async def test_recording_to_a_full_disk_is_reported_and_the_run_goes_on(graphs_dir):
    app = LgtuiApp(
        EmbeddedSource(str(graphs_dir)),
        request=RunRequest("agent", {"topic": "x"}),
        record="/dev/full",
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await wait_for_text(pilot, "recording stopped: the disk is full", " success ")


async def test_default_recording_goes_to_the_user_data_folder(graphs_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    app = LgtuiApp(
        EmbeddedSource(str(graphs_dir)), request=RunRequest("agent", {"topic": "x"}), record=True
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.pause(0.2)
    files = list((tmp_path / "lgtui" / "captures").glob("*-agent-*.msgpack"))
    assert len(files) == 1
    assert app.session.run_id[:8] in files[0].name
    assert len(read_capture(files[0]).events) == app.session.count


async def test_graph_view_at_the_replay_cursor():
    recording = paths.RECORDINGS / "subgraph.msgpack"
    app = ReplayApp(str(recording))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        session = app.session
        # the cursor on the start of node_2's subgraph task: node_2's inner node is running
        start = next(
            e.seq
            for e in session.events
            if e.mode == "debug"
            and e.ns
            and e.data.get("type") == "task"
            and e.data["payload"]["name"] == "subgraph_node_1"
        )
        app.main.seek(start)
        await pilot.press("v")
        screen = await wait_for_text(
            pilot, "Graph of sub", "┃ node_2:subgraph_node_1 ▶ ┃", "┃ node_1 ✓ ┃"
        )
        assert "node_2:subgraph_node_2 ✓" not in screen
        await pilot.press("escape", "end", "v")
        await wait_for_text(pilot, "node_2:subgraph_node_2 ✓ ")
