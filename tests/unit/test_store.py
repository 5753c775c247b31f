"""Long runs with bounded memory: old events move to disk and come back unchanged."""

from __future__ import annotations

import pytest
from helpers import paths
from helpers.ui import wait_for, wait_for_text

import lgtui.store
from lgtui.capture import read_capture
from lgtui.events import StreamEvent
from lgtui.session import Session
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.store import NO_SPILL, EventStore
from lgtui.ui.app import LgtuiApp

RECORDINGS = paths.RECORDINGS


def test_old_events_are_on_disk_and_read_back_the_same():
    store = EventStore(window=100, batch=50)
    made = [
        StreamEvent(i, i / 10, f"custom|sub:{i % 3}", b'{"i": %d}' % i, id=f"{i}-0", run_id="r")
        for i in range(1_000)
    ]
    for event in made:
        store.append(event)
    assert len(store) == 1_000
    assert store.spilled == 900 and store.disk_bytes > 0
    assert store._raw[0] is None  # the payload is gone from memory
    for i in (0, 1, 499, 899, 900, 999, -1, -1_000):
        got, want = store[i], made[i]
        assert (got.seq, got.t, got.event, got.raw, got.id, got.run_id, got.ns) == (
            want.seq,
            want.t,
            want.event,
            want.raw,
            want.id,
            want.run_id,
            want.ns,
        )
    assert [e.data["i"] for e in store[895:905]] == list(range(895, 905))
    assert [e.seq for e in reversed(store)][:2] == [999, 998]
    assert sum(1 for _ in store) == 1_000
    with pytest.raises(IndexError):
        store[1_000]


@pytest.mark.parametrize("name", ["chat", "subgraph", "interrupt", "error"])
def test_a_session_that_spills_answers_like_one_that_does_not(name):
    events = read_capture(RECORDINGS / f"{name}.msgpack").events
    small, whole = Session(window=4), Session(window=NO_SPILL)
    small.events.batch = 3
    for event in events:
        small.append(event)
        whole.append(event)
    small.finish(), whole.finish()
    assert small.events.spilled > 0
    assert small.status == whole.status
    for seq in range(whole.count):
        assert small.row(seq) == whole.row(seq)
        assert small.ns_at(seq) == whole.ns_at(seq) == whole.events[seq].ns
        assert small.state_at(seq, small.ns_at(seq)) == whole.state_at(seq, whole.ns_at(seq))
        assert small.change_at(seq) == whole.change_at(seq)
        assert [m.text for m in small.messages_at(seq)] == [m.text for m in whole.messages_at(seq)]
    assert {t: list(s) for t, s in small.tabs.items()} == {
        t: list(s) for t, s in whole.tabs.items()
    }


async def test_a_long_live_run_keeps_old_events_on_disk_and_shows_them(
    graphs_dir, tmp_path, monkeypatch
):
    """The app with a small window: most events leave memory, every one stays viewable."""
    monkeypatch.setattr(lgtui.store, "DEFAULT_WINDOW", 300)
    monkeypatch.setattr(lgtui.store, "BATCH", 200)
    request = RunRequest("firehose", {"count": 5_000, "size": 80}, stream_mode=["custom"])
    app = LgtuiApp(
        EmbeddedSource(str(graphs_dir)), request=request, record=str(tmp_path / "r.msgpack")
    )
    async with app.run_test(size=(150, 45)) as pilot:
        await wait_for(
            pilot, lambda: app.session is not None and app.session.status != "running", timeout=60
        )
        session = app.session
        assert session.count == 5_001  # metadata, then 5,000 custom events
        assert session.events.spilled >= 4_500  # most of the run is on disk
        await pilot.press("1", "home")
        await wait_for_text(pilot, "#0 metadata", "run ")
        await pilot.press("down", "down")
        screen = await wait_for_text(pilot, "#2 custom")
        assert "i: 1" in screen.replace('"', "")
        await pilot.press("end")
        await wait_for_text(pilot, f"#{session.count - 1} ")
    recorded = read_capture(tmp_path / "r.msgpack").events
    assert [e.raw for e in recorded] == [e.raw for e in session.events]
