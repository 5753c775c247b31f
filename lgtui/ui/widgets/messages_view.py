"""Messages assembled from streamed chunks, one block per message id, following the bottom."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from textual.containers import VerticalScroll
from textual.widgets import Static

from lgtui.conversation import conversation
from lgtui.messages import Message
from lgtui.preview import safe_multiline, safe_text
from lgtui.session import Session
from lgtui.tokens import answer_usage
from lgtui.ui.keys import keymap, vim_keys
from lgtui.ui.text import Text

ROLE_STYLES = {"ai": "blue", "human": "green", "tool": "yellow", "system": "magenta"}
MAX_TEXT = 20_000  # characters of one message drawn; the full text is in the event payload
WINDOW = 300  # messages drawn at most: the newest (as of the cursor, in a replay)


def render_message(
    msg: Message, ns_label: str, streaming: bool, first_new: bool = False
) -> Panel | Group:
    role_style = ROLE_STYLES.get(msg.role, "white")
    title = Text()
    title.append(safe_text(msg.role, 20), style=f"bold {role_style}")
    if msg.name:
        title.append(f" {safe_text(msg.name, 40)}", style=role_style)
    if msg.node:
        title.append(f" · {safe_text(msg.node, 40)}", style="dim")
    if msg.ns:
        title.append(f" · {ns_label}", style="italic cyan")
    if streaming:
        title.append(" · streaming…", style="italic dim")
    body: list[Text] = []
    if msg.reasoning:
        thought = msg.reasoning if len(msg.reasoning) <= MAX_TEXT else msg.reasoning[:MAX_TEXT]
        body.append(Text("thinking: " + safe_multiline(thought), style="dim italic"))
    text = msg.text
    if text:
        shown = text if len(text) <= MAX_TEXT else text[:MAX_TEXT]
        body.append(Text(safe_multiline(shown)))
        if len(text) > MAX_TEXT:
            body.append(Text(f"… {len(text) - MAX_TEXT:,} more characters", style="dim italic"))
    for call in msg.tool_calls:
        line = Text("⚙ ", style="yellow")
        line.append(safe_text(call.name or "?", 60), style="bold yellow")
        line.append("(" + safe_text(call.args, 400) + ")")
        if call.id:
            line.append(f"  id={safe_text(call.id, 60)}", style="dim")
        body.append(line)
    if msg.tool_call_id:
        body.append(Text(f"↳ result of {safe_text(msg.tool_call_id, 60)}", style="dim"))
    if msg.usage:
        body.append(Text(safe_text(answer_usage(msg.usage), 120), style="dim"))
    if not body:
        body.append(Text("(empty)", style="dim italic"))
    subtitle = Text(
        f"{msg.chunks} chunk{'s' if msg.chunks != 1 else ''}" if msg.chunks else "in the state",
        style="dim",
    )
    panel = Panel(
        Group(*body),
        title=title,
        title_align="left",
        subtitle=subtitle,
        subtitle_align="right",
        border_style=role_style,
        padding=(0, 1),
    )
    if first_new:
        return Group(Text("── this run ──", style="bold green", justify="center"), panel)
    return panel


@keymap("messages")
class MessagesView(VerticalScroll):
    """Redraws only the messages that changed since the last refresh."""

    HELP = """\
## Messages

The conversation: the state's `messages` (your input, earlier turns of the thread,
tool results) with the LLM token chunks (messages-tuple or messages mode) assembled
by message id as they stream: role, node, text, tool calls with their arguments, tool
results, and the token usage the model reported. **── this run ──** marks where this
run's messages begin. In a replay, messages are shown as they stood at the cursor: one
still streaming is half there.
"""

    BINDINGS = vim_keys("messages", down="scroll_down", up="scroll_up")

    DEFAULT_CSS = """
    MessagesView > .message { height: auto; margin: 0 0 0 0; }
    MessagesView > #no-messages { color: $text-muted; padding: 1 2; }
    MessagesView > #earlier { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None
        self._seen: dict[str, tuple[tuple[int, int, bool, bool], Static]] = {}
        self._order: list[str] = []
        self.can_focus = True
        self.ns_filter: tuple[str, ...] | None = None  # one agent's transcript
        self._as_of: int | None = None

    def compose(self):
        yield Static("", id="earlier")
        yield Static(
            "No messages yet (a state with messages: values or debug mode; tokens as they "
            "stream: messages-tuple or messages).",
            id="no-messages",
        )

    def _follow_bottom(self) -> None:
        """Follow the newest message once they fill the view; until then they start at the
        top (an anchored view would push a few messages to the bottom)."""
        overflowing = self.virtual_size.height > self.container_size.height
        if overflowing and not self.is_anchored:
            self.anchor()
        elif not overflowing and self.is_anchored:
            self.anchor(False)
            self.scroll_to(y=0, animate=False, immediate=True)

    def attach(self, session: Session | None) -> None:
        self.session = session
        self._seen.clear()
        self._order = []
        self.query(".message").remove()
        self.query_one("#no-messages").display = True
        self.query_one("#earlier").display = False

    def show_as_of(self, as_of: int | None) -> None:
        self._as_of = as_of
        self.sync(as_of)

    def settled(self) -> bool:
        return True  # everything it shows is drawn when synced

    def set_namespace(self, ns: tuple[str, ...] | None) -> None:
        """Show one agent's transcript (None: the whole conversation)."""
        if ns == self.ns_filter:
            return
        self.ns_filter = ns
        for _, widget in self._seen.values():
            widget.remove()
        self._seen.clear()
        self._order = []
        self.sync(self._as_of)

    def follow_newest(self) -> None:
        self.scroll_end(animate=False)
        self.anchor()

    def sync(self, as_of: int | None = None) -> None:
        """Show the conversation; in a replay, as it stood after event ``as_of``."""
        if self.session is None:
            return
        session = self.session
        running = session.status == "running"
        talk = conversation(session, as_of, self.ns_filter or ())
        messages = talk.messages
        first_new = messages[talk.first_new].id if talk.first_new is not None else None
        self.query_one("#no-messages").display = not messages
        earlier = self.query_one("#earlier", Static)
        earlier.display = len(messages) > WINDOW
        if len(messages) > WINDOW:
            hidden = len(messages) - WINDOW
            messages = messages[-WINDOW:]
            earlier.update(
                Text(
                    f"… {hidden:,} earlier messages not drawn (the newest {WINDOW} are); "
                    "their events are in the All tab",
                    style="italic",
                )
            )
        order = [m.id for m in messages]
        if order[: len(self._order)] != self._order:
            # a message of the state came in between (an input, a tool result): redraw
            for _, widget in self._seen.values():
                widget.remove()
            self._seen.clear()
        self._order = order
        new_widgets = []
        for msg in messages:
            if as_of is None:
                streaming = running and bool(msg.chunks) and not msg.complete
            else:  # cut by the replay cursor: still streaming at that point
                live = session.messages.get(msg.id)
                streaming = live is not None and msg.chunks < live.chunks
            mark = msg.id == first_new
            stamp = (msg.last_seq, msg.chunks, streaming, mark)
            seen = self._seen.get(msg.id)
            if seen is not None and seen[0] == stamp:
                continue
            picture = render_message(msg, session.ns_label(msg.ns), streaming, mark)
            if seen is None:
                widget = Static(picture, classes="message")
                new_widgets.append(widget)
            else:
                widget = seen[1]
                widget.update(picture)
            self._seen[msg.id] = (stamp, widget)
        if new_widgets:
            self.mount_all(new_widgets)
        self.call_after_refresh(self._follow_bottom)
