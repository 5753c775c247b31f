"""State full of text that must be shown literally: markup, ANSI escapes, huge and deep values."""

from typing import Any, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import START, StateGraph

MARKUP = "[bold red]x[/] [@click=app.quit]q[/] [link=http://example.invalid]l[/link]"
ANSI = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J"
WIDE = "漢字テキスト 🎉👩‍👩‍👧 e\u0301 \u202eevil"
BIG = "A" * 200_000


def _deep(n: int) -> Any:
    node: Any = "bottom"
    for i in range(n):
        node = {f"level{n - i}": node}
    return node


def huge() -> dict[str, Any]:
    """The sizes of issue 5: a 10 MB string (markup inside), 10,000 keys, 100 levels."""
    big = "B" * 5_000_000 + MARKUP + ANSI + "\x00\x07" + "E" * 5_000_000
    return {
        "big": big,
        "many": {f"key{i:05d} {MARKUP}": i for i in range(10_000)},
        "deep": _deep(100),
    }


class State(TypedDict, total=False):
    huge: bool
    many: dict
    markup: str
    ansi: str
    wide: str
    big: str
    deep: Any


def fill(state: State):
    get_stream_writer()({MARKUP: ANSI})
    out = {"markup": MARKUP, "ansi": ANSI, "wide": WIDE, "big": BIG, "deep": _deep(60)}
    if state.get("huge"):
        out.update(huge())
    return out


graph = (
    StateGraph(State)
    .add_node("[bold]fill[/bold]", fill)
    .add_edge(START, "[bold]fill[/bold]")
    .compile()
)
