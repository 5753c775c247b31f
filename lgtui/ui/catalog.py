"""Every module of the UI that declares keys, imported so that their classes register
(`keymap`): the remappable key ids config.toml may name, and what `lgtui keys` lists.

A screen or widget module with keys is added here; `tests/functional/test_navigation.py` checks that
none is missing.
"""

from __future__ import annotations

from lgtui.ui.screens import (  # noqa: F401  (imported for their keymaps)
    assistant_form,
    assistants,
    chat,
    crons,
    debug,
    dialogs,
    graph,
    help,
    history,
    main,
    new_run,
    pause,
    replay,
    rundiff,
    runs,
    save,
    store,
    threads,
    value,
)
from lgtui.ui.widgets import (  # noqa: F401
    agents_view,
    event_list,
    files_view,
    json_tree,
    messages_view,
    search_bar,
    timeline_view,
    tools_view,
)
