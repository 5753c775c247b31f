"""A thread's checkpoint history, and time travel from a checkpoint: its state, what it
changed, its tasks; fork with an edited state, re-run, resume an interrupt.

Everything talks to the source through the run controller (`LiveScreen.ask`), in workers, so a
slow server never blocks a key press.  Server errors are shown with the server's
``detail``; nothing is changed when a request is refused.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Static,
    TabbedContent,
    TabPane,
    Tree,
)
from textual.widgets.tree import TreeNode

from lgtui.diff import json_diff
from lgtui.preview import preview, safe_text
from lgtui.query import CheckpointSubject, Query
from lgtui.sources.base import RunRequest
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.screens.dialogs import EditJsonScreen
from lgtui.ui.screens.search import SearchKeys
from lgtui.ui.text import Text
from lgtui.ui.widgets.diff_view import DiffView
from lgtui.ui.widgets.event_list import MATCH_MARK
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.json_tree import JsonTree
from lgtui.ui.widgets.search_bar import SearchBar
from lgtui.ui.widgets.sizes import size_table

PAGE = 50  # threads, or half the checkpoints, per request


def when_text(iso: Any) -> str:
    """An ISO time as ``2026-12-01 15:56:12`` (no zone, no fraction)."""
    return str(iso or "")[:19].replace("T", " ")


@keymap("checkpoint tree")
class CheckpointTree(Tree[Any]):
    BINDINGS = vim_keys("history")


@keymap("history")
class HistoryScreen(SearchKeys, LiveScreen[None]):
    """A thread's checkpoints as a tree (forks as branches), with time travel from any of them."""

    SEARCHED = "checkpoints"
    HELP = """\
## Checkpoint history

A thread's checkpoints as a tree, newest first: a straight line stays flat, a fork opens
branches. Each shows its step, source, the nodes that wrote it, what runs next,
interrupts and time; the selected one's **State**, **Diff** (against its parent, or the
checkpoint marked with **m**) and **Tasks** are on the right.

Time travel from the selected checkpoint: **r** re-runs from it, **e** forks it with
edited state, **i** resumes a pending interrupt. **s** shows the state of subgraphs
pending there, **w** watches the thread for runs other clients start. **/** searches the
checkpoints (`values.messages[-1].content~text`, `node:agent`, words), **n**/**N** move
between matches, **F** shows only them; **c** copies the state.
"""

    BINDINGS = keyed(
        "history",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("r", "rerun", "Re-run from here"),
            Binding("e", "fork", "Fork with edited state"),
            Binding("i", "resume", "Resume interrupt"),
            Binding("m", "mark", "Mark for diff"),
            Binding("w", "watch", "Watch", show=False),
            Binding("R", "runs", "Runs of the thread", show=False),
            Binding("s", "subgraphs", "Subgraph state", show=False),
            Binding("l", "reload", "Reload", show=False),
            Binding("slash", "search", "Search", key_display="/"),
            Binding("n", "next_match", "Next match", show=False),
            Binding("N", "prev_match", "Previous match", show=False),
            Binding("F", "toggle_filter", "Only matches", show=False),
            Binding("c", "copy", "Copy state", show=False),
        ],
    )

    def __init__(
        self, thread_id: str, graph_id: str | None = None, *, checkpoint: str | None = None
    ) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.wanted = checkpoint  # select this checkpoint once loaded
        self._current: str | None = None
        self._moving_to: str | None = None  # select() is moving the cursor there
        self.graph_id = graph_id
        self.checkpoints: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []  # newest first, as the server pages them
        self.exhausted = False
        self.marked: str | None = None
        self.search: Query | None = None
        self.hits: set[str] = set()  # checkpoints the search matches
        self.only_matches = False

    def compose(self) -> ComposeResult:
        yield Static("", id="history-title")
        yield Static("", id="history-note")
        yield SearchBar(id="history-search")
        with Horizontal(id="history-body"):
            yield CheckpointTree(Text("checkpoints"), id="history-tree")
            with Vertical(id="history-detail"):
                yield Static("", id="checkpoint-title")
                with TabbedContent(id="history-tabs"):
                    with TabPane("State", id="hpane-state"):
                        yield JsonTree(id="checkpoint-state")
                    with TabPane("Diff", id="hpane-diff"):
                        yield DiffView(id="checkpoint-diff")
                    with TabPane("Tasks", id="hpane-tasks"):
                        yield JsonTree(id="checkpoint-tasks")
                    with TabPane("Size", id="hpane-size"):
                        yield Static("", id="checkpoint-size")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#history-note").display = False
        self.query_one(SearchBar).display = False
        tree = self.query_one(Tree)
        tree.show_root = False
        tree.focus()
        self._title()
        self.load()

    def failed(self, message: str) -> None:
        self.say(message, error=True)

    def say(self, message: str, *, error: bool = False) -> None:
        """A line under the title that stays until the next one (and a toast)."""
        note = self.query_one("#history-note", Static)
        note.update(
            Text(("✖ " if error else "") + message, style="bold red" if error else "yellow")
        )
        note.display = True
        self.notify(message, severity="error" if error else "warning", markup=False, timeout=8)

    def _title(self) -> None:
        text = Text("History of thread ", style="bold")
        text.append(safe_text(self.thread_id, 60))
        if self.graph_id:
            text.append(f"  graph {safe_text(self.graph_id, 40)}", style="dim")
        text.append(
            f"  {len(self.checkpoints)}{'' if self.exhausted else '+'} checkpoints", style="dim"
        )
        if self.marked:
            text.append(f"  marked {self.marked[:13]}", style="yellow")
        self.query_one("#history-title", Static).update(text)

    @screen_work(exclusive=True, group="history")
    async def load(self, more: bool = False) -> None:
        before = self.order[-1] if more and self.order else None
        page = await self.ask(
            self.threads.get_history(self.thread_id, limit=PAGE * 2, before=before),
            said=self.failed,
        )
        if page is FAILED:
            return
        if not self.is_attached:  # closed while the history was on its way
            return
        if not more:
            self.checkpoints.clear()
            self.order.clear()
        for item in page:
            cid = str(
                item.get("checkpoint_id") or (item.get("checkpoint") or {}).get("checkpoint_id")
            )
            self.checkpoints[cid] = item
            self.order.append(cid)
            if not self.graph_id:
                self.graph_id = (item.get("metadata") or {}).get("graph_id")
        self.exhausted = len(page) < PAGE * 2
        self._find_hits()
        self._build_tree()
        self._title()
        if self.wanted and self.wanted in self.checkpoints:
            self.select(self.wanted)
            self.wanted = None
        elif self.wanted and self.exhausted:
            self.say(f"checkpoint {self.wanted} is not in this thread")
            self.wanted = None
        elif self.wanted:
            self.load(more=True)  # keep paging back until it shows up
        elif not more and self.order:
            self.select(self.order[0])  # the newest checkpoint

    def select(self, cid: str) -> None:
        tree = self.query_one(Tree)

        def find(node: TreeNode[Any]) -> TreeNode[Any] | None:
            for child in node.children:
                if child.data == cid:
                    return child
                found = find(child)
                if found is not None:
                    return found
            return None

        node = find(tree.root)
        if node is not None:
            self._show(cid)
            # the tree lays its new lines out on the next refresh: move the cursor then;
            # until it is there, a highlight still on its way is of an older cursor
            self._moving_to = cid

            def move() -> None:
                already = tree.cursor_node is node  # (then no highlight comes)
                tree.move_cursor(node)
                if already or tree.cursor_node is not node:  # (or the node went away)
                    self._moving_to = None

            self.call_after_refresh(move)

    def _label(self, cid: str, item: dict[str, Any]) -> Text:
        meta = item.get("metadata") or {}
        text = Text()
        if self.search is not None:
            text.append(MATCH_MARK if cid in self.hits else " ", style="bold magenta")
        text.append(f"step {meta.get('step', '?')} ", style="bold")
        text.append(safe_text(str(meta.get("source", "")), 12), style="cyan")
        writes = meta.get("writes")
        if isinstance(writes, dict) and writes:
            text.append(" " + ", ".join(safe_text(str(k), 30) for k in writes), style="bold")
        nxt = item.get("next") or []
        if nxt:
            text.append(f" → {', '.join(safe_text(str(n), 30) for n in nxt)}", style="green")
        interrupts = item.get("interrupts") or [
            i for t in item.get("tasks") or [] for i in t.get("interrupts") or []
        ]
        if interrupts:
            text.append(" ⏸ interrupt", style="bold magenta")
        text.append(f"  {when_text(item.get('created_at'))[11:]}", style="dim")
        text.append(f"  {cid[:13]}", style="dim")
        if cid == self.marked:
            text.append("  ◆ marked", style="yellow")
        return text

    def _build_tree(self) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        if self.search is not None and self.only_matches:
            # only the matches, newest first: their parent links would be broken anyway
            for cid in self.order:
                if cid in self.hits:
                    tree.root.add_leaf(self._label(cid, self.checkpoints[cid]), data=cid)
            if not self.hits:
                tree.root.add_leaf(Text("no checkpoint matches (F: show all)", style="italic"))
            tree.root.expand()
            return
        children: dict[str | None, list[str]] = {}
        for cid in reversed(self.order):  # oldest first
            parent = self.checkpoints[cid].get("parent_checkpoint_id")
            if parent not in self.checkpoints:
                parent = None
            children.setdefault(parent, []).append(cid)

        def add(node: TreeNode[Any], cid: str) -> None:
            # a straight line of checkpoints stays flat; a fork opens branches
            current = node
            while True:
                leaf = current.add(self._label(cid, self.checkpoints[cid]), data=cid, expand=True)
                kids = children.get(cid, [])
                if not kids:
                    leaf.allow_expand = False
                    return
                if len(kids) == 1:
                    leaf.allow_expand = False
                    cid = kids[0]
                    continue
                for i, kid in enumerate(kids):
                    branch = current.add(
                        Text(f"⑂ branch {i + 1} from {cid[:13]}", style="yellow"),
                        data=None,
                        expand=True,
                    )
                    add(branch, kid)
                return

        for root in children.get(None, []):
            add(tree.root, root)
        if not self.exhausted:
            tree.root.add_leaf(
                Text("… older checkpoints (enter to load)", style="dim italic"), data="__more__"
            )
        tree.root.expand()

    @on(Tree.NodeHighlighted)
    def _highlighted(self, message: Tree.NodeHighlighted) -> None:
        cid = message.node.data
        if self._moving_to is not None:
            if cid != self._moving_to:
                return  # an older cursor's, queued before select() moved it
            self._moving_to = None
        if isinstance(cid, str) and cid in self.checkpoints:
            self._show(cid)

    @on(Tree.NodeSelected)
    def _selected(self, message: Tree.NodeSelected) -> None:
        if message.node.data == "__more__":
            self.load(more=True)

    def current(self) -> str | None:
        """The checkpoint shown on the right: the one selected, by the user or by `select`."""
        return self._current if self._current in self.checkpoints else None

    def _show(self, cid: str) -> None:
        self._current = cid
        item = self.checkpoints[cid]
        meta = item.get("metadata") or {}
        title = Text(f"checkpoint {cid}", style="bold")
        title.append(f"  step {meta.get('step', '?')} {meta.get('source', '')}", style="dim")
        self.query_one("#checkpoint-title", Static).update(title)
        self.query_one("#checkpoint-state", JsonTree).show(item.get("values"), "values")
        self.query_one("#checkpoint-size", Static).update(size_table(item.get("values")))
        self.query_one("#checkpoint-tasks", JsonTree).show(
            {
                "next": item.get("next"),
                "tasks": item.get("tasks"),
                "interrupts": item.get("interrupts"),
                "metadata": meta,
            },
            "tasks",
        )
        other = (
            self.marked if self.marked and self.marked != cid else item.get("parent_checkpoint_id")
        )
        diff = self.query_one(DiffView)
        if other in self.checkpoints:
            what = "the marked checkpoint" if other == self.marked else "its parent"
            diff.show_changes(
                f"{cid[:13]} against {what} {str(other)[:13]}",
                json_diff(self.checkpoints[other].get("values") or {}, item.get("values") or {}),
            )
        else:
            diff.show_text("The first checkpoint: no parent to compare with (mark one with m).")

    # -- search ------------------------------------------------------------------------------

    def _find_hits(self) -> None:
        query = self.search
        self.hits = set()
        if query is None:
            return
        for cid, item in self.checkpoints.items():
            try:
                if query.matches(CheckpointSubject(item)):
                    self.hits.add(cid)
            except Exception:  # a hostile state: no match, never a crash
                continue

    def search_changed(self, query: Query | None) -> None:
        self.search = query
        self._find_hits()
        self._rebuild_keeping_selection()
        self._show_search_progress()

    def search_done(self) -> None:
        self.query_one(Tree).focus()
        if self.search is not None and self.hits:
            self.jump_match(1)

    def _rebuild_keeping_selection(self) -> None:
        current = self.current()
        self._build_tree()
        if current is not None:
            self.select(current)

    def action_back(self) -> None:
        if not self.close_search():
            self.app.pop_screen()

    def filter_changed(self) -> None:
        self._rebuild_keeping_selection()
        self._show_search_progress()

    def _show_search_progress(self) -> None:
        """Matches out of the checkpoints loaded (all of them looked at: a history is small)."""
        n = len(self.checkpoints)
        self.query_one(SearchBar).show_progress(len(self.hits), n, n, self.only_matches)

    def jump_match(self, direction: int) -> None:
        tree = self.query_one(Tree)
        lines = tree.last_line + 1
        if lines <= 0:
            return
        start = tree.cursor_line if tree.cursor_line >= 0 else (-1 if direction > 0 else lines)
        for step in range(1, lines + 1):
            line = (start + direction * step) % lines
            node = tree.get_node_at_line(line)
            if node is not None and node.data in self.hits:
                tree.move_cursor(node)
                return
        self.notify("No checkpoint matches.", markup=False, timeout=3)

    def action_copy(self) -> None:
        import orjson

        from lgtui.ui.clipboard import copy_and_say

        focused = self.focused
        node = focused.copy_target() if isinstance(focused, JsonTree) else None
        if node is not None:
            what, text = node
        else:
            cid = self.current()
            if cid is None:
                return
            values = self.checkpoints[cid].get("values")
            what = f"the state of checkpoint {cid[:13]}"
            text = orjson.dumps(
                values, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
            ).decode()
        copy_and_say(self, text, what, "state")

    # -- time travel -----------------------------------------------------------------------

    def _assistant(self) -> str | None:
        if not self.graph_id:
            self.say("This thread has no graph yet: start a run on it first.")
        return self.graph_id

    def _run(self, request: RunRequest) -> None:
        while self.app.screen is not self.app.get_screen("main"):  # back where the run streams
            self.app.pop_screen()
        self.live.start_run(request)

    def _follow_up(self, assistant: str, **changes: Any) -> RunRequest:
        """A run on this thread streamed as the user streams runs (the controller's)."""
        form = self.live.form
        return self.controller.follow_up(
            assistant, self.thread_id, modes=form.modes, subgraphs=form.subgraphs, **changes
        )

    def action_rerun(self) -> None:
        cid, assistant = self.current(), self._assistant()
        if cid and assistant:
            self._run(self._follow_up(assistant, checkpoint_id=cid))

    def action_watch(self) -> None:
        self.live.watch_thread(self.thread_id, self.graph_id)

    def action_runs(self) -> None:
        from lgtui.ui.screens.runs import RunsScreen

        def chosen(cid: str | None) -> None:
            if cid is not None and cid in self.checkpoints:
                self.select(cid)  # the run's last checkpoint, here
            elif cid is not None:
                self.wanted = cid
                self.load()

        self.app.push_screen(RunsScreen(self.thread_id), chosen)

    @screen_work(group="history-edit")
    async def action_subgraphs(self) -> None:
        """The selected checkpoint with its pending subgraphs' own state (subgraphs=true)."""
        cid = self.current()
        if cid is None:
            return
        state = await self.ask(
            self.threads.get_state(self.thread_id, cid, subgraphs=True), said=self.failed
        )
        if state is FAILED:
            return
        inner = {
            str(t.get("name")): t.get("state")
            for t in state.get("tasks") or []
            if isinstance(t, dict) and isinstance(t.get("state"), dict)
        }
        tasks = self.query_one("#checkpoint-tasks", JsonTree)
        if not inner:
            self.say("No subgraph is pending at this checkpoint: nothing nested to show.")
            return
        tasks.show({"subgraph state by task": inner}, "subgraphs")
        self.query_one("#history-tabs", TabbedContent).active = "hpane-tasks"

    def action_mark(self) -> None:
        cid = self.current()
        if cid is None:
            return
        self.marked = None if self.marked == cid else cid
        self._build_tree()
        self._title()

    def action_reload(self) -> None:
        self.notify("Reloading the history…", markup=False, timeout=2)
        self.load()

    @screen_work(group="history-edit")
    async def action_fork(self) -> None:
        cid, assistant = self.current(), self._assistant()
        if not cid or not assistant:
            return
        keys = await self.ask(self.threads.state_keys(assistant), said=lambda _: None)
        result = await self.app.push_screen_wait(
            EditJsonScreen(
                f"Fork from checkpoint {cid[:13]} with edited state",
                self.checkpoints[cid].get("values") or {},
                context="The values are written as a new checkpoint on top of this one (POST /threads/{id}/state); the run then continues from it.",
                ask_node=True,
                allowed_keys=None if keys is FAILED else keys,
            )
        )
        if result is None:
            return
        values, node = result
        answer = await self.ask(
            self.threads.update_state(
                self.thread_id, values, as_node=node or None, checkpoint_id=cid
            ),
            said=lambda message: self.failed(f"State not updated: {message}"),
        )
        if answer is FAILED:
            return
        new_id = str(((answer or {}).get("checkpoint") or {}).get("checkpoint_id") or "")
        self._run(self._follow_up(assistant, checkpoint_id=new_id or None))

    @screen_work(group="history-edit")
    async def action_resume(self) -> None:
        """Resume the interrupt pending at the selected checkpoint (the thread's head, or
        an older one: the thread then forks from there), or go on past a breakpoint."""
        assistant, cid = self._assistant(), self.current()
        if not assistant:
            return
        head = not self.order or cid in (None, self.order[0])
        if head:
            state = await self.ask(self.threads.get_state(self.thread_id), said=self.failed)
        else:
            state = self.checkpoints.get(str(cid)) or {}
        if state is FAILED:
            return
        pending = [i for t in state.get("tasks") or [] for i in t.get("interrupts") or []] or list(
            state.get("interrupts") or []
        )
        where = {} if head else {"checkpoint_id": cid}
        step = (state.get("metadata") or {}).get("step")
        at = (
            ""
            if head
            else f" of the older checkpoint {str(cid)[:13]} (step {step}): the thread forks from there"
        )
        if not pending:
            if state.get("next"):  # stopped before/after a node: go on from there
                self.say(f"Going on past the breakpoint before {', '.join(state['next'])}{at}.")
                self._run(self._follow_up(assistant, **where))
                return
            self.say("Nothing to resume: no interrupt is pending and no node is next here.")
            return
        several = len(pending) > 1
        shown = "\n".join(f"{i.get('id')}: {preview(i.get('value'), 300)}" for i in pending)
        initial: Any = {str(i.get("id")): None for i in pending} if several else ""
        ids = ", ".join(str(i.get("id")) for i in pending)
        result = await self.app.push_screen_wait(
            EditJsonScreen(
                "Resume the interrupt" + ("s (one value per interrupt id)" if several else ""),
                initial,
                context=f"Resumes {ids}{at}.\nPending:\n"
                + shown
                + "\nThe value you type is sent as command.resume.",
            )
        )
        if result is None:
            return
        value, _ = result
        if not head:
            # an older checkpoint keeps the answer it was resumed with (a pending write):
            # a fork of it (an update with no values) takes the new one
            forked = await self.ask(
                self.threads.update_state(self.thread_id, None, checkpoint_id=cid),
                said=lambda message: self.failed(f"Not forked: {message}"),
            )
            if forked is FAILED:
                return
            fork = str(((forked or {}).get("checkpoint") or {}).get("checkpoint_id") or "")
            where = {"checkpoint_id": fork or cid}
        self._run(self._follow_up(assistant, command={"resume": value}, **where))
