"""Runs, from start to end, for every front end: the TUI and the headless CLI alike.

`stream_run` is a run's one lifecycle (events to a sink and a recorder, every way a
stream can end turned into a status and words); `RunController` owns what a session
of runs needs around it (the source, the engine thread, the current run, where runs
are recorded) and turns every failure of the source into a user-facing `LgtuiError`.
No Textual here: the app and `lgtui stream` drive the same object.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lgtui.breakpoints import Breakpoint, for_server, node_of, view_matches
from lgtui.engine import Engine
from lgtui.errors import LgtuiError
from lgtui.events import StreamEvent
from lgtui.recorder import Recorder
from lgtui.session import CANCELLED, DISCONNECTED, ERROR, INTERRUPTED, RUNNING, Session
from lgtui.sources.base import (
    NEW_THREAD,
    AssistantSource,
    ConnectError,
    PausingSource,
    RunHandle,
    RunRequest,
    RunStatusSource,
    Source,
    SourceError,
    StoreSource,
    ThreadSource,
    read_breakpoints,
)

T = TypeVar("T")

CANCEL_GRACE = 10.0  # seconds a cancelled run's stream has to end before it is cut
STORE_SNAPSHOT_MAX = 2_000  # store items copied before and after a run, at most


class Busy(LgtuiError):
    """A run is streaming and another was asked for."""

    def __init__(self) -> None:
        super().__init__("A run is still streaming: cancel it with x first.")


class RunSink(Protocol):
    """Where a run's events go: a `Session` (the TUI) or stdout (`lgtui stream`)."""

    def take(self, event: StreamEvent, handle: RunHandle) -> None: ...

    def finish(
        self, status: str | None, detail: str, handle: RunHandle, *, whole: bool = False
    ) -> str:
        """The run ended (``status`` None: as its events imply; ``whole``: the stream
        ended by itself, not cut by a failure or a cancel); the status it ended with."""
        ...


@dataclass
class RunEnd:
    status: str
    detail: str = ""
    error: LgtuiError | None = None  # the source's failure, when that is how it ended


def _as_error(exc: Exception) -> LgtuiError:
    """Anything a source raised, as words for the user (a bug or a hostile peer included)."""
    if isinstance(exc, LgtuiError):
        return exc
    return SourceError(f"{type(exc).__name__}: {exc}")


async def stream_run(
    source: Source,
    request: RunRequest,
    handle: RunHandle,
    sink: RunSink,
    recorder: Recorder | None = None,
) -> RunEnd:
    """Stream one run into ``sink`` (and ``recorder``) and say how it ended, whatever
    happens; only a cancel of the caller's task goes on up (after the status is set)."""
    end: RunEnd | None = None
    received = 0
    if recorder is not None and handle.on_record is None:
        handle.on_record = recorder.add_record  # the calls a re-run answers from
    try:
        async for event in source.stream_run(request, handle):
            received += 1
            sink.take(event, handle)
            if recorder is not None:
                recorder.write(event, run_id=handle.run_id, thread_id=handle.thread_id)
        end = RunEnd(sink.finish(handle.final_status, "", handle, whole=True))
    except asyncio.CancelledError:
        # the source was asked to stop the run: a server says "interrupted" of it
        end = RunEnd(sink.finish(INTERRUPTED if handle.cancel_requested else CANCELLED, "", handle))
        raise
    except Exception as exc:
        error = _as_error(exc)
        status = DISCONNECTED if isinstance(exc, ConnectError) and received else ERROR
        end = RunEnd(sink.finish(status, error.message, handle), error.message, error)
    finally:
        if recorder is not None and end is not None:
            recorder.close(end.status, end.detail, handle.traceback)
    return end


class ViewPauses:
    """Breakpoints a server cannot stop at (a tool call, a state key's change, a search):
    the view stops there instead -- the screen shows the run as of the event that matched
    while the run goes on behind it (`Session.pause` says so, with "view": True)."""

    def __init__(self, points: list[Breakpoint]) -> None:
        self.points = points
        self.stepping = False  # the user stepped: stop at the next node's update

    @classmethod
    def of(cls, request: RunRequest) -> ViewPauses | None:
        """The request's breakpoints a server cannot stop at (None: there are none); one
        that cannot be read is the user's mistake, said before the run starts."""
        _, _, rest = for_server(read_breakpoints(request.breakpoints))
        return cls(rest) if rest else None

    def check(self, session: Session, event: StreamEvent) -> None:
        if session.pause is not None:
            return  # (stopped already: the view stays where it stopped)
        data = event.data  # (decoded once: every event is tested)
        point = next((p for p in self.points if view_matches(p, event.event, data)), None)
        if point is None and not (self.stepping and event.mode == "updates"):
            return
        self.stepping = False
        session.set_pause(
            {
                "view": True,
                "seq": event.seq,
                "kind": point.kind if point is not None else "step",
                "reason": point.describe() if point is not None else "at the next node's update",
                "breakpoint": point.text if point is not None else "",
                "node": node_of(event.event, data),
                "ns": list(event.ns),
                "event": {"name": event.event, "data": data},
            }
        )


class SessionSink:
    """A run streamed into a `Session`, with the recording's path and trouble on it."""

    def __init__(
        self,
        session: Session,
        recorder: Recorder | None = None,
        view: ViewPauses | None = None,
    ) -> None:
        self.session = session
        self.recorder = recorder
        self.view = view

    def take(self, event: StreamEvent, handle: RunHandle) -> None:
        session = self.session
        if session.thread_id is None and handle.thread_id:
            session.thread_id = handle.thread_id
        if session.run_id is None and handle.run_id:
            session.run_id = handle.run_id  # (a v2 run has no metadata event to say it)
        session.append(event)
        if self.view is not None:
            self.view.check(session, event)
        if self.recorder is not None:
            self.recorder_state()

    def recorder_state(self) -> None:
        if self.recorder is not None:
            path = self.recorder.path
            self.session.capture_path = str(path) if path else None
            self.session.capture_error = self.recorder.error

    def finish(
        self, status: str | None, detail: str, handle: RunHandle, *, whole: bool = False
    ) -> str:
        session = self.session
        if whole:  # (a run refused before it started leaves no thread to go on with)
            session.thread_id = handle.thread_id
        if handle.traceback:  # before the status: a screen shows both at once
            session.traceback = handle.traceback
        session.cancelled = handle.cancel_requested
        session.finish(status, detail)
        return session.status


async def stream_into(
    source: Source,
    request: RunRequest,
    session: Session,
    handle: RunHandle,
    recorder: Recorder | None = None,
    view: ViewPauses | None = None,
) -> None:
    """Stream one run into ``session``; its status is set whatever happens."""
    sink = SessionSink(session, recorder, view)
    handle.on_pause = session.set_pause  # (a source that pauses runs says where)
    try:
        await stream_run(source, request, handle, sink, recorder)
    finally:
        sink.recorder_state()  # the recorder's last word (a full disk at close)


async def record_graph(source: Source, assistant: str, recorder: Recorder) -> dict[str, Any] | None:
    """Keep the graph in the capture, so a replay can draw it; a capture without one
    still replays, so a failure is no error."""
    try:
        graph = await source.get_graph(assistant, xray=True)
    except Exception:
        return None
    recorder.add_record({"k": "graph", "assistant": assistant, "graph": graph})
    return graph


class RunController:
    """A source and its runs, for a front end: one run at a time, each recorded as asked.

    With an `Engine` (the TUI) the source lives on the engine's thread and `call` /
    `start` cross to it; without one (`lgtui stream`) everything runs on the caller's
    loop.  Every failure of the source reaches the caller as an `LgtuiError`.
    """

    def __init__(
        self,
        source: Source,
        *,
        record: str | bool = False,
        force: bool = False,
        engine: Engine | None = None,
    ) -> None:
        self.source = source
        self.engine = engine
        self.record = record  # False: off; True: the user data folder; a str: that file
        self.force = force  # the given file may replace an existing one
        self.session: Session | None = None
        self.last_request: RunRequest | None = None
        self.assistants: list[dict[str, Any]] | None = None
        self.graphs: dict[str, Any] = {}  # assistant -> graph JSON, once fetched
        self._schemas: dict[str, dict[str, Any]] = {}  # assistant -> its schemas, once read
        self.handle: RunHandle | None = None
        self._future: concurrent.futures.Future[None] | None = None
        # the store before and after the last run (a source with a store, not too big)
        self.store_change: tuple[dict[str, Any], dict[str, Any]] | None = None
        self._background: set[asyncio.Future[None]] = set()
        self.captures: dict[str, str] = {}  # run id -> where this app recorded it
        self._runs_recorded = 0

    # -- the source ----------------------------------------------------------------------

    @property
    def threads(self) -> ThreadSource | None:
        """The source's threads and history, when it keeps them."""
        return self.source if isinstance(self.source, ThreadSource) else None

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await a source call (on the engine's loop when there is one); any failure
        comes back as an `LgtuiError` with words for the user."""
        try:
            if self.engine is None:
                return await coro
            return await self.engine.call(coro)
        except Exception as exc:
            raise _as_error(exc) from exc

    async def list_assistants(self) -> list[dict[str, Any]]:
        self.assistants = await self.call(self.source.list_assistants())
        self._schemas.clear()  # (an assistant's config may make its graph another way)
        return self.assistants

    async def schemas(self, assistant: str) -> dict[str, Any] | None:
        """The assistant's schemas (input, output, state, config, context), kept once
        read; None when the source cannot say (a form then falls back to JSON)."""
        if assistant not in self._schemas:
            if not isinstance(self.source, AssistantSource):
                return None
            try:
                self._schemas[assistant] = await self.call(self.source.get_schemas(assistant))
            except LgtuiError:
                return None
        return self._schemas[assistant]

    async def graph(self, assistant: str) -> dict[str, Any]:
        if assistant not in self.graphs:
            self.graphs[assistant] = await self.call(self.source.get_graph(assistant, xray=True))
        graph: dict[str, Any] = self.graphs[assistant]
        return graph

    # -- runs ----------------------------------------------------------------------------

    def follow_up(
        self,
        assistant: str,
        thread_id: str,
        *,
        modes: Sequence[str] = (),
        subgraphs: bool = False,
        **changes: Any,
    ) -> RunRequest:
        """A run on ``thread_id`` streamed as the user streams runs: the stream modes (or
        the protocol and channels), subgraphs, config, context and breakpoints of the last run (``modes`` and
        ``subgraphs`` when there was none), with ``changes`` (a command, a checkpoint)."""
        last = self.last_request
        return RunRequest(
            assistant,
            changes.pop("input", None),
            stream_mode=list(last.stream_mode if last else modes) or ["updates", "values"],
            subgraphs=last.subgraphs if last else subgraphs,
            thread_id=thread_id,
            config=last.config if last else None,
            context=last.context if last else None,
            interrupt_before=last.interrupt_before if last else None,
            interrupt_after=last.interrupt_after if last else None,
            breakpoints=last.breakpoints if last else None,
            # the same stream: a resume of a thread-centric run answers with input.respond
            protocol=last.protocol if last else "auto",
            channels=last.channels if last else None,
            namespaces=last.namespaces if last else None,
            depth=last.depth if last else None,
            **changes,
        )

    @property
    def running(self) -> bool:
        """A run streams: its task is not done and its Session has no ending yet (once it
        has one, the task only writes its last records: the next run need not wait)."""
        session = self.session
        return (
            self._future is not None
            and not self._future.done()
            and not (session is not None and session.status != RUNNING)
        )

    def recorder(self, request: RunRequest) -> Recorder | None:
        """Where this run is recorded: the file given for the first run, then numbered ones
        beside it (``-2``, ``-3``: a later run never replaces a file); or off."""
        if self.record is False:
            return None
        path: Path | None = None
        later = bool(self._runs_recorded)
        if isinstance(self.record, str):
            path = Path(self.record)
            if later:
                path = path.with_name(f"{path.stem}-{self._runs_recorded + 1}{path.suffix}")
        self._runs_recorded += 1
        return Recorder(
            path,
            source_kind=self.source.kind,
            target=self.source.target,
            request=request.describe(),
            overwrite=self.force and not later,
            unique=later,
        )

    def start(
        self, request: RunRequest, on_done: Callable[[Session], None] | None = None
    ) -> Session:
        """Stream ``request`` into a new Session on the engine; ``on_done`` is called (on
        the engine's thread) when it ended.  `Busy` while another run streams."""
        if self.running:
            raise Busy()
        assert self.engine is not None, (
            "start() needs an engine; run() streams on the caller's loop"
        )
        self.last_request = request
        session = Session(
            source_kind=self.source.kind,
            target=self.source.target,
            assistant=request.assistant,
            thread_id=request.thread_id if request.thread_id != NEW_THREAD else None,
            request=request.describe(),
        )
        self.session = session
        handle = self.handle = RunHandle()
        session.link = handle
        view = self.view = self._view_pauses(request)
        recorder = self.recorder(request)
        if recorder is not None:
            self.engine.submit(self._record_graph(request.assistant, recorder))
        said = threading.Lock()  # `ended` runs once, whichever way the run ends
        started = False

        def ended() -> None:
            if said.acquire(blocking=False):
                self._recorded(session)
                if on_done is not None:
                    on_done(session)

        async def run() -> None:
            nonlocal started
            started = True
            try:
                await self._watching_the_store(
                    stream_into(self.source, request, session, handle, recorder, view), session
                )
            finally:  # after the Session has its status, even when the run was cancelled
                ended()

        def never_ran(future: concurrent.futures.Future[None]) -> None:
            # A concurrent future says it is done the moment it is cancelled, before the
            # run's task has taken the cancel; `ended` then waits for the task.  Only a run
            # cancelled before its first step never gets there.
            if not started:
                session.finish(CANCELLED)
                ended()

        self._future = self.engine.submit(run())
        self._future.add_done_callback(never_ran)
        return session

    def _recorded(self, session: Session) -> None:
        if session.run_id and session.capture_path and not session.capture_error:
            self.captures[session.run_id] = session.capture_path

    def show(self, session: Session) -> None:
        """Make ``session`` (a recorded run, loaded) the one the screens show; no run
        streams."""
        if self.running:
            raise Busy()
        self.session = session

    async def _watching_the_store(self, run: Coroutine[Any, Any, None], session: Session) -> None:
        """``run``, with the store as it was before it and, once it ended, after it
        (`store_change`).  The copy after is taken behind the run's end: the next run
        never waits for it.  A failed run is not compared (its host may be gone)."""
        before = await self._store_snapshot()
        self.store_change = None
        await run
        if before is not None and session.status != ERROR:
            task = asyncio.ensure_future(self._store_after(before))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _store_after(self, before: dict[str, Any]) -> None:
        after = await self._store_snapshot()
        if after is not None:
            self.store_change = (before, after)

    async def _store_snapshot(self) -> dict[str, Any] | None:
        """Every item of the store as ``{"namespace/key": value}``; None for a source
        without a store, a store too big to copy each run, or one that failed."""
        if not isinstance(self.source, StoreSource):
            return None
        items: dict[str, Any] = {}
        try:
            for page in range(STORE_SNAPSHOT_MAX // 500):
                batch = await self.source.search_items([], limit=500, offset=page * 500)
                for item in batch:
                    where = "/".join([*map(str, item.get("namespace") or []), str(item.get("key"))])
                    items[where] = item.get("value")
                if len(batch) < 500:
                    return items
        except Exception:
            return None
        return None  # over STORE_SNAPSHOT_MAX: not taken

    async def _record_graph(self, assistant: str, recorder: Recorder) -> None:
        graph = await record_graph(self.source, assistant, recorder)
        if graph is not None:
            self.graphs[assistant] = graph

    async def run(self, request: RunRequest, sink: RunSink) -> RunEnd:
        """Stream ``request`` into ``sink`` on the caller's loop (a headless run)."""
        self.last_request = request
        handle = self.handle = RunHandle()
        recorder = self.recorder(request)
        if recorder is not None:
            await record_graph(self.source, request.assistant, recorder)
        try:
            return await stream_run(self.source, request, handle, sink, recorder)
        finally:
            self.recording_error = recorder.error if recorder is not None else None
            self.recorded_path = recorder.path if recorder is not None else None

    recording_error: str | None = None  # why the last headless run's recording failed
    recorded_path: Path | None = None  # where the last headless run was recorded

    def _view_pauses(self, request: RunRequest) -> ViewPauses | None:
        """Where the view stops for a source that cannot pause a run (read before the
        run starts: a breakpoint that cannot be read is the user's mistake, said now)."""
        if not request.breakpoints or isinstance(self.source, PausingSource):
            return None
        return ViewPauses.of(request)

    view: ViewPauses | None = None  # the streaming run's view breakpoints (a server's run)

    def resume(self, action: str) -> str:
        """The user's word to the paused run (continue, step, abort); what to tell them."""
        session, handle = self.session, self.handle
        pause = session.pause if session is not None else None
        if session is None or pause is None or handle is None:
            return "The run is not paused."
        if action == "abort":
            session.set_pause(None)
            self.cancel()
            return "Aborting the run…"
        if pause.get("view"):
            if self.view is not None:
                self.view.stepping = action == "step"
            session.set_pause(None)
            return "The view follows the run again." if action == "continue" else "Stepping…"
        source = self.source
        if self.engine is None or not isinstance(source, PausingSource) or not handle.run_id:
            return "The run is not paused."
        session.set_pause(None)  # (first: the next pause may come back before submit returns)
        self.engine.submit(source.resume_run(handle.run_id, action))
        return "Going on…" if action == "continue" else "Stepping to the next node…"

    def cancel(self) -> bool:
        """Ask the source to stop the streaming run (a watch only stops showing it);
        False when no run is streaming."""
        handle, future, session = self.handle, self._future, self.session
        if not self.running or self.engine is None or handle is None or future is None:
            return False
        watching = session is not None and bool(session.request.get("watch"))
        source = self.source

        async def cancel() -> None:
            streaming = asyncio.wrap_future(future)
            if handle.run_id and not watching:  # stopping a watch leaves other clients' runs alone
                handle.cancel_requested = True
                try:
                    await source.cancel_run(handle.thread_id, handle.run_id)
                except Exception:
                    pass  # closing the stream below still stops what we show
                # the source ends the stream and says how the run ended; give it a moment
                done, _ = await asyncio.wait([streaming], timeout=CANCEL_GRACE)
                if done:
                    return
            future.cancel()
            await asyncio.wait([streaming])
            if handle.cancel_requested and handle.thread_id and handle.run_id:
                if not isinstance(source, RunStatusSource):
                    return
                try:  # cut before the server said it: ask how the run ended
                    run = await source.get_run(handle.thread_id, handle.run_id)
                except Exception:
                    return
                status = run.get("status") if isinstance(run, dict) else None
                if session is not None and status in ("success", "error", "timeout"):
                    session.finish(status)  # it ended before the cancel reached it

        self.engine.submit(cancel())
        return True

    def stop_streaming(self) -> None:
        """Cut the streaming run at once (the app is closing)."""
        if self._future is not None and not self._future.done():
            self._future.cancel()

    def close(self, timeout: float = 2.0) -> None:
        """Close the source and stop the engine, bounded in time."""
        if self.engine is None:
            return
        try:
            self.engine.submit(self.source.aclose()).result(timeout)
        except Exception:
            pass
        self.engine.stop()
