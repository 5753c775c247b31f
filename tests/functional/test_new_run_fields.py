"""The New run dialog at 80x24: Tab moves from field to field (it no longer types a tab
into the JSON input), every field is reached and shown on screen when it has the focus."""

from __future__ import annotations

from helpers.ui import wait_for
from textual.widgets import TextArea

from lgtui.sources.embedded import EmbeddedSource
from lgtui.ui.app import LgtuiApp
from lgtui.ui.screens.new_run import NewRunScreen

FIELDS = {
    "assistant", "thread", "input", "config", "context", "modes", "subgraphs",
    "interrupt-before", "interrupt-after", "start", "cancel",
}  # fmt: skip


async def test_tab_reaches_every_field_and_shows_it(graphs_dir):
    source = EmbeddedSource(str(graphs_dir))
    app = LgtuiApp(source)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, NewRunScreen) and app.screen.query("#input")
        )
        dialog = app.screen
        area = dialog.query_one("#input", TextArea)
        await wait_for(pilot, lambda: area.has_focus)
        before = area.text
        reached: list[str] = []
        for _ in range(2 * len(FIELDS)):
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None
            if focused.id in FIELDS:
                # on screen: inside the dialog's visible part, not scrolled away
                assert app.screen.region.contains_region(focused.region), focused.id
                if focused.id not in reached:
                    reached.append(focused.id)
            if focused is area:
                break
        assert area.text == before  # no tab typed into the JSON
        assert set(reached) == FIELDS, sorted(FIELDS - set(reached))
        await pilot.press("shift+tab")  # and back
        assert app.focused is not area
    source.close()
