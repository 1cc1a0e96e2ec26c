"""Geometry for the systems-map pictures drawn on the server as SVG (domain.md §5): the causal-loop map and
the influence / dependence chart. Pure: numbers in, shapes out; the templates only print them.

Each variable is a box with its name inside (rounded ends for the water side, square corners for the
human side), sized from its wrapped label. The layout is deterministic (a spring layout started from a
circle, with a fixed seed, then boxes pushed apart until they no longer crowd each other), so the same map
always looks the same. Arrows are gently curved (a quadratic Bézier bent to the left of the direction of
travel, so the two links of a two-way pair never overlap), leave the source at its box's edge and end with
an arrowhead whose tip stops GAP outside the target's box. systems-map.js repeats the arrow formulas to
redraw a link when someone drags a variable.
"""

from __future__ import annotations

import math
import statistics
import textwrap
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx

GAP = 3.0  # between an arrow's tip and the edge of the box it points at
HEAD_LENGTH = 10.0
HEAD_HALF_WIDTH = 4.5
BEND = 0.12  # how far the control point of a link sits from the straight line, as a share of its length
LABEL_OFFSET = 13.0  # the "+" or "−" sits this far outside the curve, at its middle
DELAY_HALF = 7.0  # half the length of each stroke of the "||" delay mark
DELAY_SPACING = 2.5  # half the distance between the two strokes
DELAY_AT = 0.65  # where along the link (0 at the cause, 1 at the effect) the delay mark sits
LAYOUT_SEED = 7
SPACING_X = 130.0  # about the room a box needs, for the size of the canvas
SPACING_Y = 80.0
CLEARANCE_X = 28.0  # free space kept between two boxes side by side (room for arrows and their signs)
CLEARANCE_Y = 34.0  # and one above the other
LABEL_WIDTH = 18  # characters per line of a box's label
LABEL_LINES = 3
CHARACTER_WIDTH = 6.8  # an estimate for 12 px text: the server knows no font metrics
LINE_HEIGHT = 15.0
PADDING_X = 8.0
PADDING_Y = 6.0
MIN_BOX_WIDTH = 56.0
MARGIN_X = (LABEL_WIDTH * CHARACTER_WIDTH + 2 * PADDING_X) / 2 + 8  # the widest box stays inside
MARGIN_Y = (LABEL_LINES * LINE_HEIGHT + 2 * PADDING_Y) / 2 + 8

WATER_SIDE = frozenset({"hydrological", "ecological"})
HUMAN_SIDE = frozenset({"social", "economic", "governance"})


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Node:
    key: Hashable
    label: str
    domain: str
    x: float  # the centre of its box
    y: float
    lines: tuple[str, ...]  # the label wrapped for the drawing
    half_width: float
    half_height: float

    @property
    def side(self) -> str:
        """Its box has rounded ends on the "water" side, square corners on the "human" side."""
        return "water" if self.domain in WATER_SIDE else "human" if self.domain in HUMAN_SIDE else ""

    @property
    def width(self) -> float:
        return 2 * self.half_width

    @property
    def height(self) -> float:
        return 2 * self.half_height

    @property
    def corner(self) -> float:
        """The corner radius of its box."""
        return self.half_height if self.side == "water" else 3.0

    @property
    def text_y(self) -> float:
        """Where the first line of its label sits (lines are centred on the box's middle)."""
        return round(-(len(self.lines) - 1) * LINE_HEIGHT / 2, 1) + 0.0  # never "-0.0"


def box(lines: Sequence[str]) -> tuple[float, float]:
    """Half the width and half the height of the box that holds these lines."""
    longest = max((len(line) for line in lines), default=0)
    width = max(MIN_BOX_WIDTH, longest * CHARACTER_WIDTH + 2 * PADDING_X)
    height = len(lines) * LINE_HEIGHT + 2 * PADDING_Y
    return round(width / 2, 1), round(height / 2, 1)


@dataclass(frozen=True)
class Arrow:
    key: Hashable
    source: Hashable
    target: Hashable
    polarity: int
    delay: bool
    start: Point  # on the source's edge
    control: Point
    end: Point  # where the line stops: the base of the arrowhead
    tip: Point  # the arrowhead's point, GAP outside the target's edge
    head: tuple[Point, Point, Point]
    label: Point  # where the "+" or "−" goes
    delay_marks: tuple[tuple[Point, Point], ...]  # the two strokes of "||", or none

    @property
    def sign(self) -> str:
        return "+" if self.polarity > 0 else "−"

    @property
    def path(self) -> str:
        return (
            f"M{_n(self.start.x)} {_n(self.start.y)} Q{_n(self.control.x)} {_n(self.control.y)} "
            f"{_n(self.end.x)} {_n(self.end.y)}"
        )

    @property
    def head_points(self) -> str:
        return " ".join(f"{_n(point.x)},{_n(point.y)}" for point in self.head)

    @property
    def delay_path(self) -> str:
        return " ".join(
            f"M{_n(first.x)} {_n(first.y)} L{_n(second.x)} {_n(second.y)}"
            for first, second in self.delay_marks
        )


@dataclass(frozen=True)
class MapDrawing:
    width: float
    height: float
    nodes: list[Node]
    arrows: list[Arrow]
    gap: float = GAP
    head_length: float = HEAD_LENGTH
    head_half_width: float = HEAD_HALF_WIDTH
    bend: float = BEND
    label_offset: float = LABEL_OFFSET
    line_height: float = LINE_HEIGHT


def _n(value: float) -> str:
    """A coordinate for SVG: one decimal, a dot whatever the language, no "-0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def wrap(label: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> tuple[str, ...]:
    """The label in at most `lines` lines of about `width` characters; an ellipsis when it is cut."""
    wrapped = textwrap.wrap(label, width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = [
            *wrapped[: lines - 1],
            textwrap.shorten(" ".join(wrapped[lines - 1 :]), width, placeholder="…"),
        ]
    return tuple(wrapped)


def canvas(count: int) -> tuple[float, float]:
    """A viewBox that gives each box about SPACING_X by SPACING_Y of room and more (the SVG is scaled to
    the page's width, so a big map is drawn smaller)."""
    columns = max(4, math.ceil(math.sqrt(count * 1.6)))
    rows = max(4, math.ceil(count / columns) + 1)
    width = max(760.0, columns * SPACING_X * 1.3 + 2 * MARGIN_X)
    height = max(460.0, rows * SPACING_Y * 1.4 + 2 * MARGIN_Y)
    return round(width), round(height)


def layout(
    keys: Sequence[Hashable],
    edges: Sequence[tuple[Hashable, Hashable]],
    width: float,
    height: float,
    sizes: Sequence[tuple[float, float]] = (),
) -> dict[Hashable, Point]:
    """Positions of the boxes' centres inside the canvas (every box stays inside), the same for the same
    map every time. `sizes` are the boxes' half widths and heights, in the order of `keys`."""
    if not keys:
        return {}
    left, right = MARGIN_X, width - MARGIN_X
    top, bottom = MARGIN_Y, height - MARGIN_Y
    if len(keys) == 1:
        return {keys[0]: Point(round((left + right) / 2, 1), round((top + bottom) / 2, 1))}
    graph = nx.Graph()
    graph.add_nodes_from(keys)
    graph.add_edges_from((source, target) for source, target in edges if source != target)
    start = nx.circular_layout(graph)
    raw = nx.spring_layout(graph, pos=start, seed=LAYOUT_SEED, iterations=100)
    xs = [float(raw[key][0]) for key in keys]
    ys = [float(raw[key][1]) for key in keys]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    xs = [left + (x - min(xs)) / span_x * (right - left) for x in xs]
    ys = [top + (y - min(ys)) / span_y * (bottom - top) for y in ys]
    _separate(xs, ys, list(sizes) or [(SPACING_X / 2, SPACING_Y / 2)] * len(keys), (left, top, right, bottom))
    return {key: Point(round(x, 1), round(y, 1)) for key, x, y in zip(keys, xs, ys, strict=True)}


def _separate(
    xs: list[float],
    ys: list[float],
    sizes: Sequence[tuple[float, float]],
    bounds: tuple[float, float, float, float],
) -> None:
    """Push apart boxes that crowd each other (closer than their half sizes plus the clearances, measured
    as an ellipse), keeping them inside `bounds`. Deterministic: always the same pairs in the same order."""
    left, top, right, bottom = bounds
    count = len(xs)
    rounds = 80 if count <= 60 else 15
    for _round in range(rounds):
        moved = False
        for i in range(count):
            for j in range(i + 1, count):
                room_x = sizes[i][0] + sizes[j][0] + CLEARANCE_X
                room_y = sizes[i][1] + sizes[j][1] + CLEARANCE_Y
                dx = (xs[j] - xs[i]) / room_x
                dy = (ys[j] - ys[i]) / room_y
                distance = math.hypot(dx, dy)
                if distance >= 1:
                    continue
                if distance < 1e-6:  # the same place: part them along a direction that depends on j
                    angle = j * 2.399963  # the golden angle
                    dx, dy, distance = math.cos(angle), math.sin(angle), 1e-6
                push = (1 - distance) / 2 + 0.01
                ux, uy = dx / max(distance, 1e-6), dy / max(distance, 1e-6)
                xs[i] -= ux * push * room_x
                ys[i] -= uy * push * room_y
                xs[j] += ux * push * room_x
                ys[j] += uy * push * room_y
                moved = True
        for index in range(count):
            xs[index] = min(max(xs[index], left), right)
            ys[index] = min(max(ys[index], top), bottom)
        if not moved:
            return


def _towards(origin: Point, target: Point, length: float) -> Point:
    dx, dy = target.x - origin.x, target.y - origin.y
    distance = math.hypot(dx, dy) or 1.0
    return Point(origin.x + dx / distance * length, origin.y + dy / distance * length)


def _unit(first: Point, second: Point) -> tuple[float, float]:
    dx, dy = second.x - first.x, second.y - first.y
    distance = math.hypot(dx, dy) or 1.0
    return dx / distance, dy / distance


def edge(half: tuple[float, float], ux: float, uy: float) -> float:
    """How far from a box's centre its edge is, in the direction (ux, uy) (a unit vector)."""
    half_width, half_height = half
    reaches = [half_width / abs(ux)] if abs(ux) > 1e-9 else []
    if abs(uy) > 1e-9:
        reaches.append(half_height / abs(uy))
    return min(reaches, default=0.0)


def _quadratic(start: Point, control: Point, end: Point, t: float) -> Point:
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
    return Point(a * start.x + b * control.x + c * end.x, a * start.y + b * control.y + c * end.y)


def arrow(
    key: Hashable,
    source: Hashable,
    target: Hashable,
    origin: Point,
    destination: Point,
    polarity: int,
    delay: bool = False,
    source_half: tuple[float, float] = (0.0, 0.0),
    target_half: tuple[float, float] = (0.0, 0.0),
) -> Arrow:
    """A link from the box centred at `origin` to the box centred at `destination` (their half widths and
    heights), bent to the left of its direction; points are rounded to a tenth."""
    ux, uy = _unit(origin, destination)
    normal = (uy, -ux)  # to the left of the direction of travel on screen (y grows downwards)
    distance = math.hypot(destination.x - origin.x, destination.y - origin.y)
    middle = Point((origin.x + destination.x) / 2, (origin.y + destination.y) / 2)
    control = Point(middle.x + normal[0] * BEND * distance, middle.y + normal[1] * BEND * distance)
    leave = _unit(origin, control)
    start = _towards(origin, control, edge(source_half, *leave))
    arrive = _unit(destination, control)
    tip = _towards(destination, control, edge(target_half, *arrive) + GAP)
    ex, ey = _unit(control, tip)
    end = Point(tip.x - ex * HEAD_LENGTH, tip.y - ey * HEAD_LENGTH)
    head = (
        tip,
        Point(end.x - ey * HEAD_HALF_WIDTH, end.y + ex * HEAD_HALF_WIDTH),
        Point(end.x + ey * HEAD_HALF_WIDTH, end.y - ex * HEAD_HALF_WIDTH),
    )
    centre = _quadratic(start, control, end, 0.5)
    label = Point(centre.x + normal[0] * LABEL_OFFSET, centre.y + normal[1] * LABEL_OFFSET)
    marks: tuple[tuple[Point, Point], ...] = ()
    if delay:
        # Past the middle, towards the effect (which comes late), clear of the sign.
        at = _quadratic(start, control, end, DELAY_AT)
        tx, ty = _unit(
            Point(0, 0),
            Point(
                (1 - DELAY_AT) * (control.x - start.x) + DELAY_AT * (end.x - control.x),
                (1 - DELAY_AT) * (control.y - start.y) + DELAY_AT * (end.y - control.y),
            ),
        )  # the direction of the curve there
        nx_, ny_ = ty, -tx
        marks = tuple(
            (
                Point(at.x + tx * shift - nx_ * DELAY_HALF, at.y + ty * shift - ny_ * DELAY_HALF),
                Point(at.x + tx * shift + nx_ * DELAY_HALF, at.y + ty * shift + ny_ * DELAY_HALF),
            )
            for shift in (-DELAY_SPACING, DELAY_SPACING)
        )
    return Arrow(
        key=key,
        source=source,
        target=target,
        polarity=polarity,
        delay=delay,
        start=_round(start),
        control=_round(control),
        end=_round(end),
        tip=_round(tip),
        head=(_round(head[0]), _round(head[1]), _round(head[2])),
        label=_round(label),
        delay_marks=tuple((_round(first), _round(second)) for first, second in marks),
    )


def _round(point: Point) -> Point:
    return Point(round(point.x, 1) + 0.0, round(point.y, 1) + 0.0)


@dataclass(frozen=True)
class VariableIn:
    key: Hashable
    label: str
    domain: str = ""


@dataclass(frozen=True)
class LinkIn:
    key: Hashable
    source: Hashable
    target: Hashable
    polarity: int
    delay: bool = False


def draw(variables: Sequence[VariableIn], links: Sequence[LinkIn]) -> MapDrawing:
    """The whole map: a node per variable (in the given order) and an arrow per link between them."""
    width, height = canvas(len(variables))
    keys = [variable.key for variable in variables]
    lines = {variable.key: wrap(variable.label) for variable in variables}
    sizes = {key: box(lines[key]) for key in keys}
    places = layout(
        keys, [(link.source, link.target) for link in links], width, height, [sizes[k] for k in keys]
    )
    nodes = [
        Node(
            key=variable.key,
            label=variable.label,
            domain=variable.domain,
            x=places[variable.key].x,
            y=places[variable.key].y,
            lines=lines[variable.key],
            half_width=sizes[variable.key][0],
            half_height=sizes[variable.key][1],
        )
        for variable in variables
    ]
    arrows = [
        arrow(
            link.key,
            link.source,
            link.target,
            places[link.source],
            places[link.target],
            link.polarity,
            link.delay,
            sizes[link.source],
            sizes[link.target],
        )
        for link in links
        if link.source in places and link.target in places and link.source != link.target
    ]
    return MapDrawing(width=width, height=height, nodes=nodes, arrows=arrows)


# --- Influence / dependence chart --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    influence: float
    dependence: float
    numbers: tuple[int, ...]  # the rows of the table this dot stands for
    labels: tuple[str, ...]

    @property
    def radius(self) -> float:
        return round(4 + 1.5 * min(len(self.numbers) - 1, 4), 1)


@dataclass(frozen=True)
class Scatter:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    dots: list[Dot]
    influence_median: float
    dependence_median: float
    median_x: float  # where the dependence median crosses the x axis
    median_y: float  # where the influence median crosses the y axis
    x_ticks: list[tuple[float, float]]  # (x, value)
    y_ticks: list[tuple[float, float]]  # (y, value)


def _ticks(top: float) -> list[float]:
    if top <= 6:
        return [float(value) for value in range(int(top) + 1)]
    step = math.ceil(top / 5)
    return [float(value) for value in range(0, int(top) + 1, step)]


def _axis_top(values: Sequence[float]) -> float:
    return float(max(1, math.ceil(max(values, default=0))))


def scatter(
    rows: Sequence[tuple[int, str, float, float]], width: float = 360, height: float = 300, pad: float = 36
) -> Scatter:
    """Influence (up) against dependence (across), as in Godet's MICMAC plane: drivers top left, relays top
    right, dependent variables bottom right, autonomous ones bottom left. `rows` are (number, label,
    influence, dependence); variables in the same place share one dot, which lists them all. The medians are
    the ones the quadrants are split at."""
    influences = [row[2] for row in rows]
    dependences = [row[3] for row in rows]
    influence_median = float(statistics.median(influences)) if rows else 0.0
    dependence_median = float(statistics.median(dependences)) if rows else 0.0
    top_x = _axis_top(dependences)
    top_y = _axis_top(influences)
    left, right, top, bottom = pad, width - 12, 12, height - pad
    room = 1.15  # the highest values stay clear of the edges, with their numbers

    def to_x(value: float) -> float:
        return round(left + (right - left) * value / (top_x * room), 1)

    def to_y(value: float) -> float:
        return round(bottom - (bottom - top) * value / (top_y * room), 1)

    grouped: dict[tuple[float, float], list[tuple[int, str]]] = {}
    for number, label, influence, dependence in rows:
        grouped.setdefault((influence, dependence), []).append((number, label))
    dots = [
        Dot(
            x=to_x(dependence),
            y=to_y(influence),
            influence=influence,
            dependence=dependence,
            numbers=tuple(number for number, _label in members),
            labels=tuple(label for _number, label in members),
        )
        for (influence, dependence), members in sorted(grouped.items())
    ]
    return Scatter(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        dots=dots,
        influence_median=influence_median,
        dependence_median=dependence_median,
        median_x=to_x(dependence_median),
        median_y=to_y(influence_median),
        x_ticks=[(to_x(value), value) for value in _ticks(top_x)],
        y_ticks=[(to_y(value), value) for value in _ticks(top_y)],
    )
