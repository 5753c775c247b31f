"""Searching and filtering events on screen: in a replay, a live run, a thread's history."""

from __future__ import annotations

from helpers.paths import RECORDINGS
from helpers.ui import screen_text, wait_for, wait_for_text

from lgtui.query import EventSearch, parse
from lgtui.sources.base import RunRequest
from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp, ReplayApp
from lgtui.ui.widgets.event_list import MATCH_MARK

SIZE = (150, 42)


async def type_keys(pilot, *keys: str) -> None:
    """Keys as a user types them. (`pilot.press` waits for the app to go idle, which a
    streaming run does only when it ends.)"""
    for key in keys:
        pilot.app.simulate_key(key)
        await pilot.pause(0.02)


async def search_for(pilot, text: str) -> None:
    await type_keys(pilot, "slash")
    field = pilot.app.screen.query_one("#search-input")
    await wait_for(pilot, lambda: field.has_focus, what="search field")
    await type_keys(pilot, *text)


async def test_search_a_replay_jump_between_matches_and_show_only_them():
    app = ReplayApp(str(RECORDINGS / "tools.msgpack"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: not app.main.capture_loading, what="loaded")
        main = app.main
        search = EventSearch(main.session, parse("sunny"))
        search.advance(10)
        expected = list(search.matched)
        assert len(expected) == 11
        await search_for(pilot, "sunny")
        await wait_for_text(pilot, "11 matches", "text 'sunny'")
        await pilot.press("enter")  # to the first match after the cursor
        await wait_for(pilot, lambda: main.cursor == expected[0], what="first match")
        await pilot.press("n")
        await wait_for(pilot, lambda: main.cursor == expected[1], what="next match")
        await pilot.press("N", "N")  # back, then around to the last
        await wait_for(pilot, lambda: main.cursor == expected[-1], what="wrapped to the last")
        # matching rows carry a mark; the words are highlighted
        screen = screen_text(app)
        assert screen.count(MATCH_MARK) >= 5
        await pilot.press("F")  # only the matches
        lst = main.query_one("#list-all")
        await wait_for(pilot, lambda: lst.filtering and lst.row_count == 11, what="filter")
        assert [lst.seq_at(r) for r in range(lst.row_count)] == expected
        await wait_for_text(pilot, "only matches (F)")
        await pilot.press("F")
        await wait_for(pilot, lambda: lst.row_count == main.cursor + 1, what="all rows again")
        await pilot.press("escape")  # clears the search
        await wait_for(pilot, lambda: main.search is None, what="cleared")
        assert MATCH_MARK not in screen_text(app)


async def test_a_path_search_filters_a_tab_and_a_bad_query_is_pointed_out():
    app = ReplayApp(str(RECORDINGS / "tools.msgpack"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: not app.main.capture_loading, what="loaded")
        await pilot.press("end")
        await search_for(pilot, '"unclosed')
        await wait_for_text(pilot, "✖ a quote opened at character 1 is not closed")
        assert app.main.search is None  # nothing was searched
        field = app.screen.query_one("#search-input")
        field.value = "values.messages[-1].content~sunny"
        await wait_for_text(pilot, "4 matches", "values.messages[-1].content contains 'sunny'")
        await pilot.press("enter")  # around to the first match: event 14, a values event
        await wait_for(pilot, lambda: app.main.cursor == 14, what="first match")
        await pilot.press("3", "F", "end")  # the Values tab, only matches, to the end
        values = app.main.query_one("#list-values")
        await wait_for(pilot, lambda: values.filtering and values.row_count == 2, what="2 values")
        for row in range(values.row_count):
            state = app.main.session.events[values.seq_at(row)].data
            assert "sunny" in state["messages"][-1]["content"]


async def test_search_a_live_run_as_it_streams(graphs_dir):
    request = RunRequest(
        "firehose", {"count": 3000, "size": 60, "pause": 0.002}, stream_mode=["custom"]
    )
    app = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=request)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.count > 10)
        await search_for(pilot, "i=2900")
        await wait_for(pilot, lambda: app.main.search is not None, what="searching")
        assert app.session.count < 2900  # the event searched for has not streamed yet
        lst = app.main.query_one("#list-all")
        await type_keys(pilot, "enter")
        # (an F typed before the list has the focus would go into the search field)
        await wait_for(pilot, lambda: lst.has_focus, what="back in the list")
        await type_keys(pilot, "F")
        await wait_for(pilot, lambda: lst.filtering, what="only matches")
        assert app.session.status == "running"
        await wait_for(pilot, lambda: lst.row_count == 1, timeout=60, what="the match arrives")
        await wait_for_text(pilot, "1 match", "i: 2900")
        await wait_for(pilot, lambda: app.session.status != "running", timeout=60)
        # the search goes through the last events a budget per frame: it catches up
        await wait_for(pilot, lambda: app.main.search.done, what="the search through the end")
        assert lst.row_count == 1


async def test_search_a_threads_history(graphs_dir):
    request = RunRequest("tools", {"messages": [{"role": "user", "content": "weather?"}]})
    app = LgtuiApp(EmbeddedSource(str(graphs_dir)), request=request)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.session.status != "running")
        await pilot.press("h")
        await wait_for_text(pilot, "History of thread")
        screen = app.screen
        tree = screen.query_one("#history-tree")
        await wait_for(pilot, lambda: len(screen.checkpoints) >= 5, what="checkpoints")
        await search_for(pilot, "values.messages[-1].content~sunny")

        def sunny() -> set[str]:
            return {
                cid
                for cid, item in screen.checkpoints.items()
                if "sunny"
                in str((item["values"].get("messages") or [{}])[-1].get("content")).lower()
            }

        # (the search runs as it is typed: "content~" alone matched every checkpoint)
        await wait_for(pilot, lambda: screen.hits and screen.hits == sunny(), what="hits")
        want = sunny()
        assert 0 < len(want) < len(screen.checkpoints)
        await pilot.press("enter")  # the first match is selected
        await wait_for(pilot, lambda: screen.current() in want, what="on a match")
        await pilot.press("F")  # only the matches, newest first
        await wait_for(
            pilot,
            lambda: [n.data for n in tree.root.children] == [c for c in screen.order if c in want],
            what="only matches",
        )
        await pilot.press("escape", "escape")  # clears the search, then back
        await wait_for(pilot, lambda: app.screen is app.main, what="back on the main screen")
