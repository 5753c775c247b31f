"""Draw a LangGraph graph in the terminal: boxes in layers, edges routed with box-drawing lines.

A small Sugiyama-style drawing: layers from :mod:`lgtui.graph_layout`, edges that skip layers
pass through one-column "dummy" stops, the order inside each layer is improved by barycenter
sweeps, nodes are placed over the mean of their neighbours, and the edges between two layers
are routed on horizontal tracks in the gap between them (edges that share a source or a target
share a track and meet in a junction). Edges that go back up (loops) leave below their source,
run up a lane on the right and come down into their target.

No Textual here: the graph screen shows the :class:`rich.text.Text` this returns, and tests
read it directly. Labels are untrusted (node names come from the server) and go through
:func:`lgtui.preview.safe_text`; nothing is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len

from lgtui.graph_layout import END, START, layout
from lgtui.preview import safe_text
from lgtui.ui.text import Text

GAP = 3  # columns between two boxes of a layer
LABEL_MAX = 40  # cells of a node's name shown in its box
MAX_SWEEPS = 8

# connection bits of a line cell
UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
GLYPHS = {
    UP | DOWN: "│",
    LEFT | RIGHT: "─",
    DOWN | RIGHT: "╭",
    DOWN | LEFT: "╮",
    UP | RIGHT: "╰",
    UP | LEFT: "╯",
    UP | DOWN | RIGHT: "├",
    UP | DOWN | LEFT: "┤",
    DOWN | LEFT | RIGHT: "┬",
    UP | LEFT | RIGHT: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
    UP: "│",
    DOWN: "│",
    LEFT: "─",
    RIGHT: "─",
}
DASHED = {UP | DOWN: "╎", LEFT | RIGHT: "╌", UP: "╎", DOWN: "╎", LEFT: "╌", RIGHT: "╌"}
EDGE_STYLE, COND_STYLE = "cyan", "yellow"
STATUS_STYLE = {
    "running": ("bold yellow", "▶"),
    "last": ("bold green", "✓"),
    "done": ("green", "✓"),
    "todo": ("", " "),
}
BORDERS = {  # top-left, top, top-right, side, bottom-left, bottom, bottom-right, exit
    "light": "┌─┐│└─┘┬",
    "heavy": "┏━┓┃┗━┛┳",
    "round": "╭─╮│╰─╯┬",
}


@dataclass
class _Node:
    id: str
    layer: int
    width: int
    prefix: str = ""  # the label in its box (see _label)
    name: str = ""
    dummy: bool = False  # a one-column stop of an edge that skips this layer
    cond: bool = False  # (a dummy) the edge it carries is conditional
    x: int = 0

    @property
    def center(self) -> int:
        return self.x + self.width // 2


@dataclass
class _Part:
    """A piece of an edge inside one gap: from column ``xs`` (a stub under a source, or a lane
    coming down) to ``xt`` (an arrow over a target, or a lane going up)."""

    xs: int
    xt: int
    cond: bool
    src: str  # what it may share a track with: the same source ...
    dst: str  # ... or the same target
    kind: str  # "down" (box to box), "exit" (box to a lane going up), "entry" (lane to box)
    arrow: bool  # ends in an arrow over a real node (else: a line on through a dummy)
    track: int = -1  # its horizontal track in the gap; -1: straight down, no track
    row: int = -1  # the canvas row of that track

    @property
    def span(self) -> tuple[int, int]:
        return min(self.xs, self.xt), max(self.xs, self.xt)


@dataclass
class _Gap:
    parts: list[_Part] = field(default_factory=list)
    tracks: int = 0

    @property
    def height(self) -> int:
        if not self.parts:
            return 0
        return 2 + self.tracks  # the stub row, the tracks, the arrow row


def _label(node_id: str) -> tuple[str, str]:
    """(dim prefix, name) shown in a box: ``research:ask_model`` -> ("research:", "ask_model")."""
    prefix, _, name = node_id.rpartition(":")
    if name in (START, END):
        name = name.strip("_")
    prefix = safe_text(prefix + ":", LABEL_MAX // 2) if prefix else ""
    return prefix, safe_text(name, LABEL_MAX)


def _is_terminal(node_id: str) -> bool:
    return node_id.rpartition(":")[2] in (START, END)


MAX_NODES = 400  # a bigger graph is listed: a drawing of it would not fit a screen anyway
MAX_EDGES = 1200


def draw_graph(
    graph: dict[str, Any],
    running: Collection[str] = (),
    finished: Collection[str] = (),
    last: str | None = None,
    max_cells: int = 400_000,
) -> Text | None:
    """The graph drawn as box art; ``running`` nodes highlighted, ``finished`` ticked.

    None when the drawing would be bigger than ``max_cells`` (a huge graph: list it instead);
    a graph of more than ``MAX_NODES`` nodes or ``MAX_EDGES`` edges is not even laid out.
    """
    nodes_in = graph.get("nodes") if isinstance(graph, dict) else None
    edges_in = graph.get("edges") if isinstance(graph, dict) else None
    if (isinstance(nodes_in, list) and len(nodes_in) > MAX_NODES) or (
        isinstance(edges_in, list) and len(edges_in) > MAX_EDGES
    ):
        return None
    lay = layout(graph)
    if not lay.layers:
        return Text("(the graph has no nodes)", style="dim italic")
    depth = {n: i for i, layer in enumerate(lay.layers) for n in layer}
    nodes: dict[str, _Node] = {}
    for n, d in depth.items():
        prefix, name = _label(n)
        width = cell_len(prefix) + cell_len(name) + (4 if _is_terminal(n) else 6)
        nodes[n] = _Node(n, d, width, prefix, name)
    layers: list[list[str]] = [list(layer) for layer in lay.layers]

    # forward edges become chains of one-layer segments through dummies; the rest go back up
    segments: list[tuple[str, str, bool]] = []
    back: list[tuple[str, str, bool]] = []
    for src, outs in lay.edges.items():
        for dst, cond in outs:
            if depth[dst] <= depth[src]:
                back.append((src, dst, cond))
                continue
            prev = src
            for d in range(depth[src] + 1, depth[dst]):
                dummy = f"\0{src}\0{dst}\0{d}"
                nodes[dummy] = _Node(dummy, d, 1, dummy=True, cond=cond)
                layers[d].append(dummy)
                segments.append((prev, dummy, cond))
                prev = dummy
            segments.append((prev, dst, cond))
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    pred: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b, _ in segments:
        succ[a].append(b)
        pred[b].append(a)

    layers = _order(layers, succ, pred, segments, {n: v.layer for n, v in nodes.items()})
    _place(layers, nodes, succ, pred)

    # route: gap g lies above layer g (gap len(layers) below the last one)
    gaps = [_Gap() for _ in range(len(layers) + 1)]
    for a, b, cond in segments:
        na, nb = nodes[a], nodes[b]
        gaps[nb.layer].parts.append(
            _Part(na.center, nb.center, cond, a, b, "down", arrow=not nb.dummy)
        )
    right = max(n.x + n.width for n in nodes.values())
    lanes: list[tuple[_Part, _Part]] = []  # (exit part, entry part): the lane is exit's xt
    lane_spans: list[list[tuple[int, int]]] = []  # per lane column: the layer spans it holds
    for i, (src, dst, cond) in enumerate(back):
        ns, nd = nodes[src], nodes[dst]
        span = (nd.layer, ns.layer + 1)
        free = (
            k
            for k, spans in enumerate(lane_spans)
            if all(hi < span[0] or span[1] < lo for lo, hi in spans)
        )
        column = next(free, len(lane_spans))
        if column == len(lane_spans):
            lane_spans.append([])
        lane_spans[column].append(span)
        lane = right + 2 + 2 * column
        key = f"\0back{i}"
        exit_, entry = (
            _Part(ns.center, lane, cond, src, key, "exit", arrow=False),
            _Part(lane, nd.center, cond, key, dst, "entry", arrow=True),
        )
        gaps[ns.layer + 1].parts.append(exit_)
        gaps[nd.layer].parts.append(entry)
        lanes.append((exit_, entry))
    for gap in gaps:
        _assign_tracks(gap)

    # rows: gap 0, layer 0, gap 1, layer 1, ..., gap n
    gap_top: list[int] = []
    layer_top: list[int] = []
    row = 0
    for i in range(len(layers)):
        gap_top.append(row)
        row += gaps[i].height
        layer_top.append(row)
        row += 3
    gap_top.append(row)
    row += gaps[-1].height
    width = right + 2 * len(lane_spans) + 1

    if row * width > max_cells:
        return None
    canvas = _Canvas(row, width)
    for g, gap in enumerate(gaps):
        top, bottom = gap_top[g], gap_top[g] + gap.height - 1  # stub row, arrow row
        for p in gap.parts:
            through = not p.arrow  # into a dummy: the line goes on
            if p.track < 0:  # straight down
                canvas.vline(p.xs, top, bottom, p.cond, up=True, down=through)
            else:
                tr = p.row = top + 1 + p.track
                if p.kind == "entry":
                    canvas.bits(tr, p.xs, DOWN, p.cond)  # the lane comes up to here
                else:
                    canvas.vline(p.xs, top, tr, p.cond, up=True)
                canvas.hline(tr, p.xs, p.xt, p.cond)
                if p.kind == "exit":
                    canvas.bits(tr, p.xt, UP, p.cond)  # and turns up the lane
                else:
                    canvas.vline(p.xt, tr, bottom, p.cond, down=through)
            if p.arrow:
                canvas.mark(bottom, p.xt, "▼", COND_STYLE if p.cond else EDGE_STYLE)
    for exit_, entry in lanes:
        lane, cond, high, low = exit_.xt, exit_.cond, entry.row, exit_.row
        canvas.vline(lane, high, low, cond)
        if low - high >= 4:
            canvas.mark((high + low) // 2, lane, "▲", COND_STYLE if cond else EDGE_STYLE)

    exits = {a for a, _, _ in segments} | {s for s, _, _ in back}
    for box in nodes.values():
        top = layer_top[box.layer]
        if box.dummy:
            canvas.vline(box.center, top, top + 2, box.cond, up=True, down=True)
            continue
        status = (
            "running"
            if box.id in running
            else "last"
            if box.id == last
            else "done"
            if box.id in finished
            else "todo"
        )
        canvas.box(box, top, status, box.id in exits)
    return canvas.text()


def _order(
    layers: list[list[str]],
    succ: dict[str, list[str]],
    pred: dict[str, list[str]],
    segments: list[tuple[str, str, bool]],
    layer_of: dict[str, int],
) -> list[list[str]]:
    """Fewer crossings: barycenter sweeps down and up, keeping the best order seen."""

    def crossings(order: list[list[str]]) -> int:
        pos = {n: i for layer in order for i, n in enumerate(layer)}
        pairs: dict[int, list[tuple[int, int]]] = {}
        for a, b, _ in segments:
            pairs.setdefault(layer_of[a], []).append((pos[a], pos[b]))
        total = 0
        for ps in pairs.values():
            ps.sort()
            for i, (a1, b1) in enumerate(ps):
                total += sum(1 for a2, b2 in ps[i + 1 :] if b2 < b1 and a2 != a1)
        return total

    best = [list(layer) for layer in layers]
    if len(segments) > 3000:  # a huge graph: keep the layout's order
        return best
    best_cross = crossings(best)
    order = [list(layer) for layer in layers]
    for sweep in range(MAX_SWEEPS):
        if not best_cross:
            break
        down = sweep % 2 == 0
        rng = range(1, len(order)) if down else range(len(order) - 2, -1, -1)
        for i in rng:
            ref = order[i - 1] if down else order[i + 1]
            pos = {n: k for k, n in enumerate(ref)}
            links = pred if down else succ
            keyed = []
            for k, n in enumerate(order[i]):
                near = [pos[m] for m in links[n] if m in pos]
                keyed.append((sum(near) / len(near) if near else k, k, n))
            order[i] = [n for *_, n in sorted(keyed)]
        cross = crossings(order)
        if cross < best_cross:
            best, best_cross = [list(layer) for layer in order], cross
    return best


def _place(
    layers: list[list[str]],
    nodes: dict[str, _Node],
    succ: dict[str, list[str]],
    pred: dict[str, list[str]],
) -> None:
    """Columns: each node over the mean of its neighbours' centers, boxes never closer than GAP."""
    for layer in layers:
        x = 0
        for n in layer:
            nodes[n].x = x
            x += nodes[n].width + GAP
    for sweep in range(6):
        down = sweep % 2 == 0
        rng = range(1, len(layers)) if down else range(len(layers) - 2, -1, -1)
        for i in rng:
            links = pred if down else succ
            want = []
            for n in layers[i]:
                near = [nodes[m].center for m in links[n]]
                node = nodes[n]
                want.append(round(sum(near) / len(near)) - node.width // 2 if near else node.x)
            _pack(layers[i], nodes, want)
    low = min(n.x for n in nodes.values())
    for placed in nodes.values():
        placed.x -= low


def _pack(layer: list[str], nodes: dict[str, _Node], want: list[int]) -> None:
    """Place a layer's boxes as near ``want`` as their order and the gaps allow."""
    w = [nodes[n].width for n in layer]
    from_left, x = [], None
    for i, target in enumerate(want):
        x = target if x is None else max(target, x)
        from_left.append(x)
        x += w[i] + GAP
    from_right, x = [0] * len(layer), None
    for i in range(len(layer) - 1, -1, -1):
        x = want[i] if x is None else min(want[i], x - GAP - w[i])
        from_right[i] = x
    x = None
    for i, n in enumerate(layer):
        pos = (from_left[i] + from_right[i]) // 2
        x = pos if x is None else max(pos, x)
        nodes[n].x = x
        x += w[i] + GAP


class _Canvas:
    def __init__(self, height: int, width: int) -> None:
        self.height, self.width = height, width
        self.lines: dict[tuple[int, int], list[Any]] = {}  # (row, col) -> [bits, all dashed]
        self.cells: dict[tuple[int, int], tuple[str, str]] = {}  # fixed glyphs: boxes, arrows

    def bits(self, row: int, col: int, bits: int, cond: bool) -> None:
        cell = self.lines.setdefault((row, col), [0, True])
        cell[0] |= bits
        cell[1] = cell[1] and cond

    def vline(
        self, col: int, top: int, bottom: int, cond: bool, up: bool = False, down: bool = False
    ) -> None:
        """From ``top`` down to ``bottom``; ``up``/``down``: joined to what is above / below."""
        if top > bottom:
            top, bottom = bottom, top
        for r in range(top, bottom + 1):
            bits = (UP if r > top or up else 0) | (DOWN if r < bottom or down else 0)
            self.bits(r, col, bits, cond)

    def hline(self, row: int, a: int, b: int, cond: bool) -> None:
        lo, hi = min(a, b), max(a, b)
        if lo == hi:
            return
        self.bits(row, lo, RIGHT, cond)
        for c in range(lo + 1, hi):
            self.bits(row, c, LEFT | RIGHT, cond)
        self.bits(row, hi, LEFT, cond)

    def mark(self, row: int, col: int, glyph: str, style: str) -> None:
        self.cells[(row, col)] = (glyph, style)

    def box(self, node: _Node, top: int, status: str, exits: bool) -> None:
        style, mark = STATUS_STYLE[status]
        terminal = _is_terminal(node.id)
        kind = "round" if terminal else "heavy" if status in ("running", "last") else "light"
        tl, t, tr, side, bl, b, br, exit_glyph = tuple(BORDERS[kind])
        border = "dim" if terminal else (style or "bright_black")
        x, w = node.x, node.width
        self.cells[(top, x)] = (tl, border)
        self.cells[(top, x + w - 1)] = (tr, border)
        self.cells[(top + 2, x)] = (bl, border)
        self.cells[(top + 2, x + w - 1)] = (br, border)
        for c in range(x + 1, x + w - 1):
            self.cells[(top, c)] = (t, border)
            self.cells[(top + 2, c)] = (b, border)
        if exits:
            self.cells[(top + 2, node.center)] = (exit_glyph, border)
        self.cells[(top + 1, x)] = (side, border)
        self.cells[(top + 1, x + w - 1)] = (side, border)
        c = x + 1
        for text, st in (
            (" ", ""),
            (node.prefix, "dim"),
            (node.name, "dim" if terminal else (style or "bold")),
            *(() if terminal else ((" ", ""), (mark, style))),
        ):
            for ch in text:
                self.cells[(top + 1, c)] = (ch, st)
                c += cell_len(ch)
                if cell_len(ch) == 2:
                    self.cells[(top + 1, c - 1)] = ("", st)
        while c < x + w - 1:
            self.cells[(top + 1, c)] = (" ", "")
            c += 1

    def text(self) -> Text:
        ends = [0] * self.height
        for r, c in (*self.cells, *self.lines):
            ends[r] = max(ends[r], c + 1)
        out = Text(no_wrap=True, overflow="ignore")
        for r in range(self.height):
            run: list[str] = []
            run_style = ""
            for c in range(ends[r]):
                fixed = self.cells.get((r, c))
                if fixed is not None:
                    ch, st = fixed
                elif (line := self.lines.get((r, c))) is not None:
                    bits, dashed = line
                    ch = (DASHED if dashed else GLYPHS).get(bits) or GLYPHS.get(bits, " ")
                    st = COND_STYLE if dashed else EDGE_STYLE
                else:
                    ch, st = " ", ""
                if st != run_style and run:
                    out.append("".join(run), style=run_style or None)
                    run = []
                run_style = st
                run.append(ch)
            if run:
                out.append("".join(run), style=run_style or None)
            if r < self.height - 1:
                out.append("\n")
        return out


def _assign_tracks(gap: _Gap) -> None:
    """Horizontal tracks: parts that overlap get different ones unless they share an end."""
    taken: list[list[_Part]] = []
    for p in sorted(gap.parts, key=lambda p: p.span):
        if p.xs == p.xt:
            continue  # straight down: no track (lanes lie right of every box)
        lo, hi = p.span
        for t, on in enumerate(taken):
            if all(
                q.span[1] + 1 < lo or hi + 1 < q.span[0] or q.src == p.src or q.dst == p.dst
                for q in on
            ):
                on.append(p)
                p.track = t
                break
        else:
            p.track = len(taken)
            taken.append([p])
    gap.tracks = len(taken)
