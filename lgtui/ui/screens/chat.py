"""Chat (M): a thread's whole conversation -- every run's messages from the thread's state,
the user's too -- and a line to add to it: enter sends the text as a new run on the same
thread, whose answer streams in place.  The data is `lgtui.chat`'s; this draws it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message as UIMessage
from textual.widgets import Static, TextArea

from lgtui.chat import PENDING, Turn, latencies, merged, thread_messages, turns
from lgtui.messages import Message, ToolCall
from lgtui.preview import safe_multiline, safe_text
from lgtui.runs import Busy
from lgtui.session import RUNNING, Session
from lgtui.sources.base import NEW_THREAD
from lgtui.tokens import answer_usage
from lgtui.ui.guard import screen_work, while_shown
from lgtui.ui.keys import keyed, keymap, vim_keys
from lgtui.ui.live import FAILED, LiveScreen
from lgtui.ui.text import Text
from lgtui.ui.ticker import Ticker
from lgtui.ui.widgets.footer import KeyFooter
from lgtui.ui.widgets.messages_view import ROLE_STYLES

if TYPE_CHECKING:
    from lgtui.runs import RunController

REFRESH_HZ = 10  # redraws a second while an answer streams
HISTORY = 200  # checkpoints read for the answers' latencies
WINDOW = 300  # messages drawn at most: the newest
MAX_TEXT = 20_000  # characters of one message or tool result drawn
ARGS_PREVIEW = 100  # characters of a tool call's arguments on its folded line
ROLE_LABELS = {"human": "you", "ai": "assistant", "tool": "tool", "system": "system"}
BUSY = (
    "A run is streaming: its answer comes first (x on the main screen cancels it). "
    "Your message is kept."
)
NO_MESSAGES = "this graph's state has no messages"


def chat_screen(
    controller: RunController, thread: str | None = None, assistant: str = ""
) -> ChatScreen | str:
    """The chat of the current run's thread (else of ``thread``, the one the app was
    opened on or the user picked, run by ``assistant``), or the words saying why there
    is none."""
    if controller.threads is None:
        return "This source has no threads: a chat is a thread's conversation."
    session = controller.session
    found = session.thread_id if session is not None else None
    if session is None and thread not in (None, NEW_THREAD, "none"):
        found = thread
    if not found:
        return (
            "No thread yet: a chat is a thread's conversation. Start a run on a thread "
            "(ctrl+n), or pick one with t."
        )
    if session is not None:
        # (a watch's is no assistant: the thread's metadata says whose it is)
        assistant = "" if session.request.get("watch") else session.assistant
    return ChatScreen(found, assistant)


def chat_modes(modes: Sequence[str]) -> list[str]:
    """``modes`` with what the chat needs: tokens as they stream, and whole states."""
    out = list(modes)
    if not any(m.startswith("messages") for m in out):
        out.append("messages-tuple")
    if not {"values", "debug", "checkpoints"} & set(out):
        out.append("values")
    return out


def _json(args: str, indent: int | None) -> str:
    try:
        value = json.loads(args)
    except ValueError:
        return args
    if indent is None:
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n… {len(text) - MAX_TEXT:,} more characters"


def tool_picture(call: ToolCall | None, result: Message | None, open: bool) -> Text:
    """A tool call on one line (name, arguments); open: its arguments whole and the
    tool's result under it."""
    line = Text("▾ " if open else "▸ ", style="yellow")
    if call is not None:
        line.append("⚙ ", style="yellow")
        line.append(safe_text(call.name or "?", 60), style="bold yellow")
        line.append(" " + safe_text(_json(call.args, None), ARGS_PREVIEW))
    else:  # a tool's message answering no call shown
        line.append("↳ result", style="bold yellow")
        if result is not None and (result.name or result.tool_call_id):
            line.append(" of " + safe_text(result.name or result.tool_call_id, 60), style="yellow")
    if not open:
        if result is not None:
            line.append("  ↳ result (enter)", style="dim")
        elif call is not None:
            line.append("  no result yet", style="dim italic")
        return line
    if call is not None:
        line.append("\n" + safe_multiline(_cut(_json(call.args, 2))), style="dim")
    if result is not None:
        line.append("\n↳ ", style="bold yellow")
        line.append(safe_multiline(_cut(result.text)) or "(empty)")
    elif call is not None:
        line.append("\n↳ no result yet", style="dim italic")
    return line


def message_picture(turn: Turn) -> Text:
    """A message's header (who, latency, tokens) and its text."""
    msg = turn.msg
    style = ROLE_STYLES.get(msg.role, "white")
    out = Text()
    out.append(safe_text(ROLE_LABELS.get(msg.role, msg.role), 20), style=f"bold {style}")
    if msg.name:
        out.append(" " + safe_text(msg.name, 40), style=style)
    if msg.id == PENDING:
        out.append(" · sending…", style="italic dim")
    if turn.streaming:
        out.append(" · streaming…", style="italic dim")
    if turn.latency is not None:
        out.append(f" · {turn.latency:.2f}s", style="dim")
    if msg.usage:
        out.append(safe_text(" · " + answer_usage(msg.usage), 120), style="dim")
    text = msg.text
    if text:
        out.append("\n" + safe_multiline(_cut(text)))
    elif not msg.tool_calls and msg.role != "tool":
        out.append("\n(empty)", style="dim italic")
    return out


def _lines(turn: Turn) -> list[tuple[ToolCall | None, Message | None]]:
    if turn.msg.role == "tool" and not turn.msg.tool_calls:
        return [(None, turn.msg)]
    return list(zip(turn.msg.tool_calls, turn.results, strict=False))


def _stamp(turn: Turn, opened: tuple[bool, ...]) -> tuple[Any, ...]:
    msg = turn.msg
    return (
        len(msg.text),
        msg.chunks,
        msg.complete,
        turn.streaming,
        turn.latency,
        bool(msg.usage),
        tuple((c.name, len(c.args), c.id) for c in msg.tool_calls),
        tuple((r.id, len(r.text)) if r is not None else None for r in turn.results),
        opened,
    )


@keymap("chat tool call")
class ToolLine(Static):
    """One tool call, folded to a line; enter (or a click) unfolds its result."""

    BINDINGS = keyed("chat tool", [Binding("enter", "unfold", "Unfold / fold")])

    class Toggled(UIMessage):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, key: str) -> None:
        super().__init__("", classes="chat-tool")
        self.key = key
        self.can_focus = True

    def show(self, call: ToolCall | None, result: Message | None, open: bool) -> None:
        self.set_class(open, "-open")
        self.update(tool_picture(call, result, open))

    def action_unfold(self) -> None:
        self.post_message(self.Toggled(self.key))

    def on_click(self) -> None:
        self.focus()
        self.action_unfold()


class ChatBlock(Vertical):
    """A message: its header and text, then its tool calls, one line each."""

    def __init__(self, turn: Turn, expanded: set[str]) -> None:
        super().__init__(classes="chat-message")
        self.text = Static("", classes="chat-text")
        self.lines: list[ToolLine] = []
        self.show(turn, expanded)

    def compose(self) -> ComposeResult:
        yield self.text
        yield from self.lines

    def show(self, turn: Turn, expanded: set[str]) -> None:
        self.text.update(message_picture(turn))
        self.set_class(turn.msg.role == "human", "-human")
        new = []
        for i, (call, result) in enumerate(_lines(turn)):
            key = f"{turn.msg.id}:{i}"
            if i < len(self.lines):
                line = self.lines[i]
            else:
                line = ToolLine(key)
                self.lines.append(line)
                new.append(line)
            line.show(call, result, key in expanded)
        if new and self.is_mounted:
            self.mount_all(new)


@keymap("chat log")
class ChatLog(VerticalScroll):
    BINDINGS = vim_keys("chat log", down="scroll_down", up="scroll_up")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = True

    def follow_bottom(self) -> None:
        """Follow the newest message once they fill the view."""
        overflowing = self.virtual_size.height > self.container_size.height
        if overflowing and not self.is_anchored:
            self.anchor()
        elif not overflowing and self.is_anchored:
            self.anchor(False)


@keymap("chat input")
class ChatInput(TextArea):
    """The message to send: enter sends it, shift+enter (or ctrl+j) starts a new line."""

    BINDINGS = keyed(
        "chat input",
        [
            Binding("enter", "send", "Send", priority=True),
            Binding(
                "shift+enter,ctrl+j",
                "newline",
                "New line",
                priority=True,
                key_display="shift+enter",
                tooltip="A new line (ctrl+j too: many terminals send shift+enter as enter)",
            ),
        ],
    )

    class Send(UIMessage):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def action_send(self) -> None:
        self.post_message(self.Send(self.text))

    def action_newline(self) -> None:
        start, end = self.selection
        self.replace("\n", start, end, maintain_selection_offset=False)


@keymap("chat")
class ChatScreen(LiveScreen[None]):
    HELP = """\
## Chat

The thread's whole conversation: every run's messages from its state, yours too. Each
answer shows how long it took (from the thread's history, or its stream) and the tokens
the model reported. A tool call is one line; **enter** on it (or a click) unfolds its
arguments and the tool's result, **ctrl+o** unfolds or folds them all, **tab** moves
between them and the message line.

Type at the bottom: **enter** sends the message as a new run on the thread (the same
assistant, the stream modes of the last run and the messages), and its answer streams
in place; **shift+enter** or **ctrl+j** starts a new line. **ctrl+r** reads the thread
again, **escape** goes back.
"""

    BINDINGS = keyed(
        "chat",
        [
            Binding("escape", "back", "Back"),
            Binding("q", "back", "Back", show=False),
            Binding("ctrl+o", "unfold_all", "Unfold tools", tooltip="Every tool call's result"),
            Binding("ctrl+r", "reload", "Reload", show=False),
        ],
    )

    def __init__(self, thread_id: str, assistant: str = "") -> None:
        super().__init__()
        self.thread_id = thread_id
        self.assistant = assistant
        self.thread: list[Message] = []  # the messages of the thread's state
        self.state_keys: list[str] = []
        self.loaded = False
        self.no_messages = False  # the state holds no messages: nothing to chat with
        self.known: dict[str, float] = {}  # answer id -> seconds, from the history
        self.run: Session | None = None  # the run streaming on the thread
        self.pending: str | None = None  # the message sent, until its run's state holds it
        self.expanded: set[str] = set()  # the tool lines unfolded
        self.turns: list[Turn] = []
        self.count = 0  # the messages shown (a tool's result folded under its call too)
        self._blocks: dict[str, tuple[tuple[Any, ...], ChatBlock]] = {}
        self._order: list[str] = []
        self._reloading = False
        self._problem = ""
        self.ticker: Ticker | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="chat-title")
        yield Static("", id="chat-note")
        with ChatLog(id="chat-log"):
            yield Static("", id="chat-earlier")
        yield ChatInput(
            id="chat-input",
            placeholder="A message (enter sends it; shift+enter or ctrl+j: a new line)",
            soft_wrap=True,
            show_line_numbers=False,
        )
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#chat-earlier").display = False
        self.ticker = Ticker(self, 1 / REFRESH_HZ, self._tick)
        session = self.controller.session
        if session is not None and session.thread_id == self.thread_id:
            if session.status == RUNNING:
                self.run = session
        self._show_note()
        self._title()
        self.query_one(ChatInput).focus()
        self.load()

    def wake(self) -> None:
        if self.ticker is not None:  # (a key can come before the screen is mounted)
            self.ticker.wake()

    # -- loading -------------------------------------------------------------------------

    @screen_work(exclusive=True, group="chat-load")
    async def load(self) -> None:
        """The thread's state (its messages), its history (the answers' latencies) and,
        when the run did not say, whose thread it is."""
        problem: list[str] = []
        state = await self.ask(self.threads.get_state(self.thread_id), said=problem.append)
        thread: Any = None
        if state is FAILED or not self.assistant:
            thread = await self.ask(self.threads.get_thread(self.thread_id), said=problem.append)
        meta = (thread.get("metadata") if isinstance(thread, dict) else None) or {}
        if state is FAILED:
            if thread is FAILED or meta.get("graph_id"):
                self._reloading = False
                self._failed(problem[0])
                return
            state = {"values": None}  # a thread no run has written to (yet)
        history = await self.ask(
            self.threads.get_history(self.thread_id, limit=HISTORY), said=lambda _: None
        )
        if not self.assistant:
            self.assistant = str(meta.get("graph_id") or meta.get("assistant_id") or "")
        self._loaded(state, history if isinstance(history, list) else [])

    @while_shown
    def _loaded(self, state: Any, history: list[dict[str, Any]]) -> None:
        values = state.get("values") if isinstance(state, dict) else None
        found = thread_messages(values)
        self.no_messages = found is None
        self.thread = found or []
        self.state_keys = sorted(map(str, values)) if isinstance(values, dict) else []
        self.known = latencies(history)
        if self.run is not None and self.run.status != RUNNING:
            self.run = None  # its messages are the thread's now
            self.pending = None
        self._reloading = False
        self.loaded = True
        self._problem = ""
        self.query_one(ChatInput).display = not self.no_messages
        if self.no_messages:
            self.query_one(ChatLog).focus()
        self._sync()

    def _failed(self, message: str) -> None:
        self._problem = message
        self._show_note()

    # -- drawing -------------------------------------------------------------------------

    def _tick(self) -> bool:
        """A redraw while a run streams on the thread; once it ended, the thread is read
        again.  Whether there is more to do (False: the ticker sleeps)."""
        run = self.run
        current = self.controller.session
        if run is not current and current is not None and current.status == RUNNING:
            if current.thread_id == self.thread_id:  # (a run started elsewhere on it)
                self.run = run = current
        if run is None:
            return False
        self._sync()
        if run.status == RUNNING:
            return True
        if not self._reloading:
            self._reloading = True
            self.load()
        return False

    @while_shown
    def _sync(self) -> None:
        if not self.loaded and self.run is None:
            return
        messages = merged(self.thread, self.run, self.pending)
        self.count = sum(1 for m in messages if m.id != PENDING)
        every = turns(messages, self.known, self.run)
        self.turns = every
        shown = every[-WINDOW:]
        earlier = self.query_one("#chat-earlier", Static)
        earlier.display = len(every) > WINDOW
        if len(every) > WINDOW:
            hidden = len(every) - WINDOW
            earlier.update(
                Text(f"… {hidden:,} earlier messages not drawn (the newest {WINDOW} are)")
            )
        log = self.query_one(ChatLog)
        order = [t.msg.id for t in shown]
        wanted = set(order)
        kept = [i for i in self._order if i in wanted]
        if kept != order[: len(kept)]:  # one came in between: draw them all again
            kept = []
        for mid in self._order:
            if mid not in kept and mid in self._blocks:
                self._blocks.pop(mid)[1].remove()
        self._order = order
        new = []
        for turn in shown:
            opened = tuple(f"{turn.msg.id}:{i}" in self.expanded for i in range(len(_lines(turn))))
            stamp = _stamp(turn, opened)
            seen = self._blocks.get(turn.msg.id)
            if seen is not None and seen[0] == stamp:
                continue
            if seen is None:
                block = ChatBlock(turn, self.expanded)
                new.append(block)
            else:
                block = seen[1]
                block.show(turn, self.expanded)
            self._blocks[turn.msg.id] = (stamp, block)
        if new:
            log.mount_all(new)
        self._show_note()
        self._title()
        self.call_after_refresh(log.follow_bottom)

    def _title(self) -> None:
        title = Text("Chat · thread ", style="bold")
        title.append(safe_text(self.thread_id, 40), style="cyan")
        if self.assistant:
            title.append(" · ", style="dim")
            title.append(safe_text(self.assistant, 40), style="cyan")
        count = self.count
        if self.loaded:
            title.append(f"  {count} message{'s' if count != 1 else ''}", style="dim")
        if self.run is not None and self.run.status == RUNNING:
            title.append("  streaming…", style="italic yellow")
        self.query_one("#chat-title", Static).update(title)

    def _show_note(self) -> None:
        note = self.query_one("#chat-note", Static)
        text: Text | None = None
        if self._problem:
            text = Text("✖ " + safe_text(self._problem, 400), style="bold red")
        elif not self.loaded and self.run is None:
            text = Text("Reading the thread…", style="italic")
        elif self.no_messages:
            text = Text(f"No chat here: {NO_MESSAGES}", style="bold")
            if self.state_keys:
                keys = ", ".join(self.state_keys)
                text.append(" (its keys: " + safe_text(keys, 200) + ")", style="dim")
        elif not self.turns:
            text = Text("No messages yet: type one below, enter sends it.", style="italic")
        note.display = text is not None
        if text is not None:
            note.update(text)

    # -- actions ---------------------------------------------------------------------------

    @on(ToolLine.Toggled)
    def _toggled(self, message: ToolLine.Toggled) -> None:
        self.expanded ^= {message.key}
        self._sync()

    @on(ChatInput.Send)
    def _send_asked(self, message: ChatInput.Send) -> None:
        self.send(message.text)

    def send(self, text: str) -> None:
        """``text`` as a human message, in a new run on the thread."""
        if self.no_messages:
            self.notify(f"Not sent: {NO_MESSAGES}.", markup=False)
            return
        if not text.strip():
            self.notify("Nothing to send: type a message first.", markup=False, timeout=3)
            return
        if self.controller.running:
            self.notify(BUSY, severity="warning", markup=False)
            return
        if not self.assistant:
            self.notify(
                "Whose thread this is is not known yet: reload it (ctrl+r) and send again.",
                markup=False,
            )
            return
        request = self.controller.follow_up(
            self.assistant,
            self.thread_id,
            input={"messages": [{"role": "human", "content": text}]},
        )
        request.stream_mode = chat_modes(request.stream_mode)
        before = self.controller.session
        try:
            self.live.start_run(request)
        except Busy:
            self.notify(BUSY, severity="warning", markup=False)
            return
        session = self.controller.session
        if session is None or session is before:
            return  # not started: the app said why
        self.run = session
        self.pending = text
        self.query_one(ChatInput).clear()
        self._sync()
        self.wake()

    def action_unfold_all(self) -> None:
        keys = {f"{t.msg.id}:{i}" for t in self.turns for i in range(len(_lines(t)))}
        if not keys:
            self.notify("No tool calls here to unfold.", markup=False, timeout=3)
            return
        self.expanded = set() if keys <= self.expanded else self.expanded | keys
        self._sync()

    def action_reload(self) -> None:
        self.notify("Reading the thread again…", markup=False, timeout=2)
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)
