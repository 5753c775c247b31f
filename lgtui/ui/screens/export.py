"""What the main screen hands out: `c` copies and `ctrl+s` saves what the detail pane
shows (an event's payload, the state as of it, or the JSON node under the cursor), `T`
shows an embedded run's traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import TabbedContent

from lgtui.ui.widgets.json_tree import JsonTree

if TYPE_CHECKING:
    from lgtui.session import Session


class ExportActions:
    """Mixed into the main screen (and so the replay's)."""

    session: Session | None
    focused: Any
    app: Any
    query_one: Any
    notify: Any
    current_seq: Any

    def _what_to_export(self) -> tuple[str, str, str] | None:
        """(description, JSON text, file stem) of what the user is looking at."""
        import orjson

        focused = self.focused
        node = focused.copy_target() if isinstance(focused, JsonTree) else None
        if node is not None:
            return (*node, "value")
        session, seq = self.session, self.current_seq()
        if session is None or seq is None:
            return None
        pane = self.query_one("#detail-tabs", TabbedContent).active
        event = session.events[seq]
        options = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
        if pane == "pane-state":
            found = session.state_at(seq, event.ns)
            if found is None:
                return None
            return (
                f"the state as of event #{seq}",
                orjson.dumps(found[1], option=options).decode(),
                f"state-{seq}",
            )
        return (
            f"the payload of event #{seq}",
            orjson.dumps(event.data, option=options).decode(),
            f"event-{seq}",
        )

    def action_traceback(self) -> None:
        session = self.session
        if session is None or not session.traceback:
            self.notify(
                "No traceback: only an embedded run that failed in Python has one.",
                markup=False,
            )
            return
        from lgtui.tracebacks import fold_library_frames
        from lgtui.ui.screens.value import ValueScreen

        text = fold_library_frames(session.traceback)
        self.app.push_screen(ValueScreen(text, "traceback (your frames; library frames folded)"))

    def action_copy(self) -> None:
        from lgtui.ui.clipboard import copy_and_say

        found = self._what_to_export()
        if found is None:
            self.notify("Select an event first: c copies what the detail pane shows.", markup=False)
            return
        what, text, stem = found
        copy_and_say(self, text, what, stem)

    def action_save(self) -> None:
        from lgtui.ui.screens.save import SaveScreen

        found = self._what_to_export()
        if found is None:
            self.notify(
                "Select an event first: ctrl+s saves what the detail pane shows.", markup=False
            )
            return
        what, text, stem = found

        def saved(path: Any) -> None:
            if path is not None:
                self.notify(f"Saved {what} to {path}", markup=False, timeout=6)

        self.app.push_screen(SaveScreen(what, text, f"lgtui-{stem}.json"), saved)
