"""The Textual application: wires a source, the engine thread and the screens together."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import work
from textual.worker import get_current_worker

from lgtui.engine import Engine
from lgtui.errors import LgtuiError
from lgtui.runs import Busy, RunController
from lgtui.session import INTERRUPTED, Session
from lgtui.sources.base import (
    NEW_THREAD,
    AssistantSource,
    CronSource,
    HostedSource,
    RunRequest,
    Source,
    StoreSource,
    ThreadSource,
)
from lgtui.ui.base import BaseApp
from lgtui.ui.debugging import CodeDebugging
from lgtui.ui.loading import Stopped, load_capture, session_for
from lgtui.ui.screens.main import MainScreen
from lgtui.ui.screens.new_run import NewRunScreen, RunForm
from lgtui.ui.screens.replay import ReplayScreen
from lgtui.ui.watching import WATCH_EVERY, ReloadOnChange
from lgtui.ui.widgets.status_bar import StatusBar
from lgtui.v2 import CHANNELS


class LgtuiApp(ReloadOnChange, CodeDebugging):
    TITLE = "lgtui"

    def __init__(
        self,
        source: Source,
        request: RunRequest | None = None,
        thread: str | None = NEW_THREAD,
        record: str | bool = False,
        open_history: bool = False,
        checkpoint: str | None = None,
        force: bool = False,
    ) -> None:
        super().__init__()
        self.open_checkpoint = checkpoint  # select this one when the history opens
        self.open_history = open_history  # start on the history of `thread`
        # the source, its runs and where they are recorded; the engine starts on mount
        self.controller = RunController(source, record=record, force=force)
        self.initial_request = request
        self.form = RunForm(thread=thread or "none")
        self._warned = False  # the project's load warnings said once
        self._host_ready = False  # (an engine host: its project loaded)
        self.load_error = ""  # the project did not load: what `lgtui open` prints
        kind = "server" if source.kind == "remote" else "in-process"
        self.source_label = f"{kind} {source.target}"

    # what screens and tests read, kept by the controller
    @property
    def source(self) -> Source:
        return self.controller.source

    @property
    def session(self) -> Session | None:
        return self.controller.session

    @property
    def last_request(self) -> RunRequest | None:
        return self.controller.last_request

    @property
    def assistants(self) -> list[dict[str, Any]] | None:
        return self.controller.assistants

    @property
    def record(self) -> str | bool:
        return self.controller.record

    @record.setter
    def record(self, value: str | bool) -> None:
        self.controller.record = value

    @property
    def main(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.start_idle_gc()
        self.controller.engine = Engine()
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        self.apply_settings()
        self.sub_title = self.source_label
        self.call_after_refresh(self._first_run)
        self.attach_debugger()
        if self.watching is not None:
            self.set_interval(WATCH_EVERY, self._watch_tick)

    def _first_run(self) -> None:
        if isinstance(self.source, HostedSource) and not self._host_ready:
            self._await_host()  # the screen is up; the project loads behind it
            return
        if self.initial_request is not None:
            self.start_run(self.initial_request)
        elif self.open_history and self.form.thread not in (NEW_THREAD, "none"):
            from lgtui.ui.screens.history import HistoryScreen

            self.push_screen(HistoryScreen(self.form.thread, checkpoint=self.open_checkpoint))
        else:
            self.action_new_run()

    @work(exclusive=True, group="host")
    async def _await_host(self) -> None:
        """The engine host loads the project (a second or more: langgraph, the user's
        imports) while the screen is up, said on the status bar.  A project that does
        not load ends the app with the one line `lgtui open` prints for it (`load_error`,
        exit 2), as when the host was waited for before the screen."""
        assert isinstance(self.source, HostedSource)
        status = self.main.query_one(StatusBar)
        status.busy = "loading the project's graphs (the engine host is starting)…"
        self.main.refresh_from_session()
        try:
            await self.controller.call(self.source.ready())
        except LgtuiError as exc:
            self.load_error = exc.message
            self.exit(return_code=exc.exit_code)
            return
        finally:
            status.busy = ""
        self._host_ready = True
        self.main.refresh_from_session()
        self._first_run()

    # -- runs -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.controller.running

    def _busy(self) -> bool:
        """True, with a word to the user, while a run is still streaming."""
        if self.running:
            self.notify(Busy().message, severity="warning", markup=False)
        return self.running

    @work(exclusive=True, group="assistants")
    async def _resolve_and_start(self, request: RunRequest) -> None:
        assistants = await self.load_assistants()
        if assistants is None:
            return
        graph_ids = sorted({str(a.get("graph_id")) for a in assistants})
        if len(graph_ids) == 1:
            request.assistant = graph_ids[0]
            self.start_run(request)
        else:
            self.form.input_text = _json_text(request.input)
            self._open_form(assistants)

    def start_run(self, request: RunRequest) -> None:
        """Stream ``request`` into a fresh Session shown on the main screen."""
        if self._busy():
            return
        if not request.assistant:
            self._resolve_and_start(request)
            return
        self.form = RunForm(
            assistant=request.assistant,
            thread=request.thread_id or "none",
            input_text=_json_text(request.input),
            modes=tuple(request.stream_mode),
            subgraphs=request.subgraphs,
            interrupt_before=", ".join(request.interrupt_before or ()),
            interrupt_after=", ".join(request.interrupt_after or ()),
            breakpoints_text="; ".join(request.breakpoints or ()),
            config_text=_compact_json(request.config),
            context_text=_compact_json(request.context),
            metadata_text=_compact_json(request.metadata),
            raw_json=self.form.raw_json,
            protocol=request.protocol,
            channels=tuple(request.channels or CHANNELS),
            namespaces_text=", ".join("/".join(ns) for ns in request.namespaces or ()),
            depth_text="" if request.depth is None else str(request.depth),
        )
        session = self.controller.start(
            request, lambda session: self.call_from_thread_safe(self._run_done, session)
        )
        self.main.attach(session)

    def action_graph(self) -> None:
        assistant = (self.session.assistant if self.session else "") or self.form.assistant
        if not assistant:
            self.notify(
                "Start a run first: the graph view shows its assistant's graph.", markup=False
            )
            return
        from lgtui.ui.screens.graph import GraphScreen

        self.push_screen(GraphScreen(assistant, self.controller.graphs.get(assistant)))

    def _run_done(self, session: Session) -> None:
        if session is not self.session or not self.is_screen_installed("main"):
            return  # another run took its place, or the app is closing
        self.run_ended()
        if session.thread_id and self.form.thread == NEW_THREAD:
            # The next run continues on this thread unless the user says otherwise.
            self.form.thread = session.thread_id
        if session.status_detail:
            self.notify(
                session.status_detail, title="Run failed", severity="error", markup=False, timeout=8
            )
        self.main.refresh_from_session()
        if self._reload_waiting:  # (a file changed while the run streamed)
            self._reload()

    async def load_assistants(self) -> list[dict[str, Any]] | None:
        status = self.main.query_one(StatusBar)
        if self.controller.assistants is None:  # the first answer: the screen is up already
            status.busy = "asking for the assistants…"
            self.main.refresh_from_session()
        try:
            assistants = await self.controller.list_assistants()
        except LgtuiError as exc:  # a misbehaving server included: keep running
            status.busy = ""
            self._report(exc.message)
            return None
        status.busy = status.note = ""
        self.main.refresh_from_session()
        if not self._warned:
            self._warned = True
            for warning in self.source.warnings:
                self.notify(warning, title="Project", severity="warning", markup=False, timeout=10)
        return assistants

    def _report(self, message: str) -> None:
        """Say what went wrong, in a toast and on the status bar until the next success."""
        self.main.query_one(StatusBar).note = message
        self.main.refresh_from_session()
        self.notify(
            message, title="Cannot list assistants", severity="error", markup=False, timeout=10
        )

    def _open_form(self, assistants: list[dict[str, Any]]) -> None:
        def done(request: RunRequest | None) -> None:
            if request is not None:
                self.start_run(request)

        self.push_screen(NewRunScreen(assistants, self.form, self.controller.schemas), done)

    # -- actions ----------------------------------------------------------------------------

    @work(exclusive=True, group="assistants")
    async def action_new_run(self) -> None:
        if isinstance(self.screen, NewRunScreen):
            return
        if self._busy():
            return
        assistants = self.assistants or await self.load_assistants()
        if assistants is not None:
            self._open_form(assistants)

    def action_rerun(self) -> None:
        if self.last_request is None:
            self.action_new_run()
            return
        request = self.last_request
        session = self.session
        if session is not None and session.thread_id and self.form.thread == NEW_THREAD:
            # "on the same thread", as `_run_done` sets it: also when r comes before it
            self.form.thread = session.thread_id
        request.thread_id = self.form.thread if self.form.thread != "none" else None
        self.start_run(request)

    def show_pause(self) -> None:
        from lgtui.ui.screens.pause import PauseScreen

        session = self.session
        if session is None or session.pause is None:
            return
        if isinstance(self.screen, PauseScreen) and self.screen.pause is session.pause:
            return  # (one on its way out shows the last pause: this one goes on top)
        self.push_screen(PauseScreen(session.pause), self._answer_pause)

    def _answer_pause(self, action: str | None) -> None:
        if action is None:
            if self.session is not None and self.session.pause is not None:
                self.notify("The run stays paused: i shows where.", markup=False, timeout=4)
            return
        self.notify(self.controller.resume(action), markup=False, timeout=3)

    @work(exclusive=True, group="resume")
    async def action_resume(self) -> None:
        """From the main screen: show where the run is paused, answer the interrupt the
        run stopped at (the banner's), or go on past the breakpoint it stopped at -- a
        new run on the same thread."""
        session = self.session
        if self.debug_stop is not None:  # (the graph's code stopped at a breakpoint)
            self.show_debug()
            return
        if session is not None and session.pause is not None:
            self.show_pause()
            return
        if session is None or session.status != INTERRUPTED or not session.thread_id:
            self.notify(
                "Nothing to resume: the run did not stop at an interrupt or a breakpoint.",
                markup=False,
            )
            return
        if self._busy():
            return
        seen: dict[str, Any] = {}
        for i in session.interrupts:  # (a subgraph's interrupt is the root's too)
            if i.id is not None or i.value is not None:  # (else a breakpoint's mark)
                seen.setdefault(i.id or f"#{i.seq}", i)
        pending = list(seen.values())
        form = self.form
        follow = self.controller.follow_up
        thread = session.thread_id
        if not pending:  # a breakpoint (interrupt_before / interrupt_after)
            self.notify("Going on past the breakpoint.", markup=False)
            self.start_run(follow(session.assistant, thread, modes=form.modes))
            return
        from lgtui.preview import preview
        from lgtui.ui.screens.dialogs import EditJsonScreen

        several = len(pending) > 1
        shown = "\n".join(f"{i.id}: {preview(i.value, 300)}" for i in pending)
        initial: Any = {str(i.id): None for i in pending} if several else ""
        answer = await self.push_screen_wait(
            EditJsonScreen(
                "Resume the interrupt" + ("s (one value per interrupt id)" if several else ""),
                initial,
                context="Pending:\n"
                + shown
                + (
                    "\nThe value you type answers it (input.respond)."
                    if session.protocol == 2
                    else "\nThe value you type is sent as command.resume."
                ),
            )
        )
        if answer is not None:
            request = follow(
                session.assistant, thread, modes=form.modes, command={"resume": answer[0]}
            )
            self.start_run(request)

    def action_cancel_run(self) -> None:
        watching = self.session is not None and bool(self.session.request.get("watch"))
        if not self.controller.cancel():
            self.notify("No run is streaming.", markup=False)
            return
        if watching:  # other clients' runs go on: only lgtui stops showing them
            self.notify("Stopped watching the thread (its runs go on).", markup=False)
        else:
            self.notify("Cancelling the run…", markup=False)

    def action_threads(self) -> None:
        if not isinstance(self.source, ThreadSource):  # (the capability, not an attribute)
            self.notify("This source has no threads.", markup=False)
            return
        from lgtui.ui.screens.threads import ThreadsScreen

        self.push_screen(ThreadsScreen())

    def action_crons(self) -> None:
        if not isinstance(self.source, CronSource):
            self.notify(
                "This source has no crons: scheduled runs are a server's (lgtui connect).",
                markup=False,
            )
            return
        from lgtui.ui.screens.crons import CronsScreen

        self.push_screen(CronsScreen())

    def action_assistants(self) -> None:
        if not isinstance(self.source, AssistantSource):
            self.notify("This source has no assistants to manage.", markup=False)
            return
        from lgtui.ui.screens.assistants import AssistantsScreen

        def chosen(assistant: str | None) -> None:
            if assistant is None:
                return
            if assistant != self.form.assistant:  # (a thread holds one graph's state)
                self.form.thread = NEW_THREAD
            self.form.assistant = assistant
            self.action_new_run()

        self.push_screen(AssistantsScreen(), chosen)

    def action_store(self) -> None:
        if not isinstance(self.source, StoreSource):
            self.notify("This source has no store.", markup=False)
            return
        from lgtui.ui.screens.store import StoreScreen

        self.push_screen(StoreScreen())

    def action_chat(self) -> None:
        from lgtui.ui.screens.chat import chat_screen

        found = chat_screen(self.controller, self.form.thread, self.form.assistant)
        if isinstance(found, str):
            self.notify(found, markup=False)
        else:
            self.push_screen(found)

    def open_capture(self, path: Path) -> None:
        """A recorded run on the main screen (its events, every tab, search), as a
        replay shows it; the next run takes its place."""
        session = session_for(path, kind="capture")
        try:
            self.controller.show(session)
        except Busy as exc:
            self.notify(exc.message, markup=False)
            return
        while self.screen is not self.main:
            self.pop_screen()
        self.main.attach(session)
        self._load_capture(path, session)

    @work(thread=True, exclusive=True, group="capture-load", exit_on_error=False)
    def _load_capture(self, path: Path, session: Session) -> None:
        worker = get_current_worker()
        try:
            load_capture(path, session, lambda: worker.is_cancelled)
        except Stopped:
            return
        self.call_from_thread_safe(self._capture_opened, path)

    def _capture_opened(self, path: Path) -> None:
        self.notify(f"The recorded run {path.name}", title="Opened", markup=False)

    def watch_thread(self, thread_id: str, assistant: str | None = None) -> None:
        """Follow every run any client starts on ``thread_id`` (GET /threads/{id}/stream)."""
        while self.screen is not self.main:
            self.pop_screen()
        request = RunRequest(assistant or "(watch)", None, thread_id=thread_id, watch=True)
        self.start_run(request)

    def action_watch(self) -> None:
        thread = self.session.thread_id if self.session is not None else None
        if not thread:
            self.notify(
                "No thread to watch yet: open one from the threads (t) or its history (h).",
                markup=False,
            )
            return
        self.watch_thread(thread, self.session.assistant if self.session else None)

    def action_history(self) -> None:
        thread = self.session.thread_id if self.session is not None else None
        if not thread:
            self.notify("No thread yet: start a run on a thread, or pick one with t.", markup=False)
            return
        from lgtui.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(thread, self.session.assistant if self.session else None))

    async def action_quit(self) -> None:
        self.controller.stop_streaming()
        self.exit(0)

    async def on_unmount(self) -> None:
        await super().on_unmount()
        # the source closes and the engine stops on a thread: the loop is not held
        await asyncio.to_thread(self.controller.close)


def _compact_json(value: Any) -> str:
    import json

    if not value:
        return ""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return ""


def _json_text(value: Any) -> str:
    import json

    try:
        return json.dumps(value, indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return "{}"


class ReplayApp(BaseApp):
    """`lgtui replay FILE`: the capture loads on a thread while the first frame is shown."""

    TITLE = "lgtui replay"

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = Path(path)
        self.source_label = f"replay {path}"
        self.capture: Any = None
        self.session: Session | None = None

    @property
    def main(self) -> ReplayScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.start_idle_gc()
        self.install_screen(ReplayScreen(), "main")
        self.push_screen("main")
        self.apply_settings()
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        session = session_for(self.path)
        self.session = session
        self.main.attach(session)
        self._load(session)

    @work(thread=True, name="replay-load", exit_on_error=False)
    def _load(self, session: Session) -> None:
        """Read the capture into ``session`` (a thread: the first frame does not wait);
        quitting meanwhile stops it at the next ten thousand events."""
        worker = get_current_worker()
        try:
            capture = load_capture(self.path, session, lambda: worker.is_cancelled)
        except Stopped:
            return
        self.capture = capture
        self.call_from_thread_safe(self._loaded, capture)

    def action_graph(self) -> None:
        graph = self.capture.graph if self.capture is not None else None
        if graph is None:
            self.notify("This capture holds no graph (it was recorded without one).", markup=False)
            return
        assistant = self.session.assistant if self.session else ""
        from lgtui.ui.screens.graph import GraphScreen

        self.push_screen(GraphScreen(assistant, graph, as_of=lambda: self.main.cursor))

    def _loaded(self, capture: Any) -> None:
        if not self.is_screen_installed("main"):
            return  # the app is closing
        screen = self.main
        screen.capture_loading = False
        screen.player.wake()  # the timeline bar says it is loaded
        if capture is not None and capture.truncated_at is not None:
            screen.warning = capture.damage + " — showing every complete record before it"
            self.notify(
                screen.warning,
                title="Truncated capture",
                severity="warning",
                markup=False,
                timeout=8,
            )
        screen.refresh_from_session()
