"""Chart geometry: figures to the shapes of an inline SVG chart, no I/O.

Charts are drawn at build time as inline SVG (no JavaScript, readable offline and in
print); the template `bars.svg.j2` turns this geometry into markup, escaping labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import ContributionKind

#: One colour per contribution kind, distinguishable on Material's light and dark palettes and in print.
KIND_COLOURS: dict[ContributionKind, str] = {
    "research": "#0072b2",
    "structure": "#56b4e9",
    "drafting": "#009e73",
    "analysis": "#6a51a3",
    "exploration": "#cc79a7",
    "direction": "#e69f00",
    "context": "#d55e00",
    "refinement": "#b8a200",
    "review": "#8c6d31",
    "decision": "#b2182b",
    "other": "#8f8f8f",
}

#: One colour per feedback topic (the record format's `about`), from the same palette.
TOPIC_COLOURS: dict[str, str] = {
    "accuracy": "#0072b2",
    "usefulness": "#009e73",
    "timing": "#e69f00",
    "style": "#cc79a7",
    "process": "#d55e00",
    "other": "#8f8f8f",
}

#: The bar chart is drawn narrow, each row's label on a line above its bar, so that a phone's
#: column (about 358 px at 390 px wide) shows it at nine tenths of its size: FONT_SIZE 13 stays
#: above 11 px on screen. LABEL_CHARS is what fits on a label's line at about 7 px a character.
CHART_WIDTH = 400
FONT_SIZE = 13
LABEL_CHARS = 54
BAR_WIDTH = CHART_WIDTH - 44  # room for the total after the longest bar
LABEL_LINE = 16
ROW_HEIGHT = 40
BAR_HEIGHT = 16
LEGEND_ROW = 20
LEGEND_COLUMN = 130

@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    label: str
    count: int


@dataclass(frozen=True)
class Row:
    y: int
    label: str
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class LegendItem:
    x: int
    y: int
    colour: str
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    rows: tuple[Row, ...]
    legend: tuple[LegendItem, ...]
    bar_height: int = BAR_HEIGHT
    label_line: int = LABEL_LINE
    font_size: int = FONT_SIZE


def stacked_bars(title: str, rows: list[tuple[str, dict[str, int]]], kinds: tuple[str, ...],
                 colours: dict[str, str] = KIND_COLOURS) -> BarChart:  # type: ignore[assignment]
    """Horizontal stacked bars, one row per label (the label above its bar), scaled to the largest
    total; a colour per kind."""
    largest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    shaped = []
    for i, (label, counts) in enumerate(rows):
        x = 0.0
        segments = []
        for kind in kinds:
            n = counts.get(kind, 0)
            if not n:
                continue
            width = round(BAR_WIDTH * n / largest, 2)
            segments.append(Segment(round(x, 2), width, colours.get(kind, "#8f8f8f"), kind, n))
            x += width
        shaped.append(Row(i * ROW_HEIGHT, label, sum(counts.values()), tuple(segments)))
    used = [k for k in kinds if any(counts.get(k) for _, counts in rows)]
    per_line = CHART_WIDTH // LEGEND_COLUMN
    top = len(rows) * ROW_HEIGHT + 6
    legend = tuple(
        LegendItem((i % per_line) * LEGEND_COLUMN, top + (i // per_line) * LEGEND_ROW, colours.get(k, "#8f8f8f"), k)
        for i, k in enumerate(used)
    )
    height = top + ((len(used) + per_line - 1) // per_line) * LEGEND_ROW
    return BarChart(title, CHART_WIDTH, height, tuple(shaped), legend)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    r: float
    label: str


@dataclass(frozen=True)
class Reliability:
    """Stated confidence (x) against how often it held up (y); the diagonal is perfect calibration."""

    title: str
    size: int
    margin: int
    points: tuple[Point, ...]
    ticks: tuple[tuple[float, str], ...]


RELIABILITY_PLOT = 240
RELIABILITY_MARGIN = 44


def reliability(title: str, bands: list[tuple[float, float, int, str]]) -> Reliability:
    """Bands as (stated mean, observed rate, count, label) to points; the area grows with the count."""
    plot, m = RELIABILITY_PLOT, RELIABILITY_MARGIN
    points = tuple(
        Point(round(m + stated * plot, 2), round(m + (1 - observed) * plot, 2), round(3 + 2.5 * n**0.5, 2), label)
        for stated, observed, n, label in bands
    )
    ticks = tuple((round(m + f * plot, 2), f"{f:.0%}") for f in (0, 0.25, 0.5, 0.75, 1))
    return Reliability(title, plot + 2 * m, m, points, ticks)


@dataclass(frozen=True)
class Arrow:
    """One side's handoffs in the flow chart: an SVG path from one node to the other (or back to
    itself), as wide as its share of the largest flow, with its count at `label`."""

    path: str
    width: float
    label_x: float
    label_y: float
    count: int
    name: str  # "human to AI"


@dataclass(frozen=True)
class FlowChart:
    title: str
    width: int
    height: int
    nodes: tuple[tuple[float, str], ...]  # (centre x, "Human" or "AI"), at NODE_Y
    arrows: tuple[Arrow, ...]


FLOW_WIDTH, FLOW_HEIGHT, NODE_Y, NODE_HALF = 420, 200, 100, 46
_NODE_X = {"human": 90.0, "ai": 330.0}


def flow(title: str, sides: list[tuple[str, str, int, str]]) -> FlowChart:
    """Handoffs between the two kinds of partner as arrows between a Human and an AI node: across
    (above for human to AI, below for AI to human) and looping back (human to human, AI to AI).
    `sides` is (from kind, to kind, count, name) for each side with handoffs."""
    largest = max((n for *_, n, _ in sides), default=0) or 1
    arrows = []
    for source, target, n, name in sides:
        a, b = _NODE_X[source], _NODE_X[target]
        if source == target:  # a loop above the node
            x0, x1, top = a - 20, a + 20, NODE_Y - 95
            path, lx, ly = f"M {x0} {NODE_Y - 22} C {x0 - 30} {top}, {x1 + 30} {top}, {x1} {NODE_Y - 22}", a, top + 14
        else:
            bend = -70 if source == "human" else 70  # human to AI above, AI to human below
            sx, ex = (a + NODE_HALF, b - NODE_HALF) if a < b else (a - NODE_HALF, b + NODE_HALF)
            mid = (a + b) / 2
            path, lx, ly = f"M {sx} {NODE_Y} Q {mid} {NODE_Y + bend}, {ex} {NODE_Y}", mid, NODE_Y + bend / 2 + (18 if bend > 0 else -8)
        arrows.append(Arrow(path, round(1.5 + 6 * n / largest, 2), lx, round(ly, 2), n, name))
    nodes = tuple((x, "Human" if kind == "human" else "AI") for kind, x in _NODE_X.items())
    return FlowChart(title, FLOW_WIDTH, FLOW_HEIGHT, nodes, tuple(arrows))
