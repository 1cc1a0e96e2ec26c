"""Geometry for the alliance's pictures, computed on the server so they draw without JavaScript: the
platform tree, the power–interest grid and the process timeline. Pure: no database, no templates."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TreeNode:
    key: Any
    x: float
    y: float
    depth: int


@dataclass(frozen=True)
class TreeEdge:
    x1: float
    y1: float
    x2: float
    y2: float


def tree_layout(
    arranged: Sequence[tuple[Any, int]],
    parents: dict[Any, Any | None],
    width: float = 720,
    row: float = 90,
) -> tuple[list[TreeNode], list[TreeEdge], float]:
    """A layered drawing of the tree: one row per depth, each leaf gets its own column and a parent sits
    above the middle of its children. `arranged` is depth-first order (tree.arrange). Returns nodes,
    edges and the drawing's height."""
    if not arranged:
        return [], [], 0
    children: dict[Any, list[Any]] = {}
    depth = dict(arranged)
    for key, _level in arranged:
        parent = parents.get(key)
        if parent in depth:
            children.setdefault(parent, []).append(key)
    leaves = [key for key, _level in arranged if not children.get(key)]
    step = width / max(len(leaves), 1)
    column: dict[Any, float] = {key: step * (index + 0.5) for index, key in enumerate(leaves)}
    for key, _level in reversed(arranged):
        kids = children.get(key)
        if kids:
            column[key] = (column[kids[0]] + column[kids[-1]]) / 2
    nodes = [
        TreeNode(key, round(column[key], 1), round(row * (level + 0.5), 1), level) for key, level in arranged
    ]
    edges = [
        TreeEdge(
            round(column[parent], 1),
            round(row * (depth[parent] + 0.5), 1),
            round(column[key], 1),
            round(row * (level + 0.5), 1),
        )
        for key, level in arranged
        if (parent := parents.get(key)) in depth
    ]
    height = row * (max(level for _key, level in arranged) + 1)
    return nodes, edges, height


@dataclass(frozen=True)
class Point:
    key: Any
    x: float
    y: float
    label: str
    quadrant: str


def grid_points(items: Sequence[tuple[Any, int, int, str, str]], size: float = 400) -> list[Point]:
    """Stakeholders on the grid: `items` are (key, across score, up score, label, quadrant); those sharing a
    cell are spread around its centre so no dot hides another."""
    cell = size / 5
    per_cell = Counter((across, up) for _key, across, up, _label, _q in items)
    placed: Counter[tuple[int, int]] = Counter()
    points = []
    for key, across, up, label, quadrant in items:
        count = per_cell[(across, up)]
        index = placed[(across, up)]
        placed[(across, up)] += 1
        columns = 1
        while columns * columns < count:
            columns += 1
        rows = (count + columns - 1) // columns
        gap = cell / (columns + 1)
        vertical_gap = cell / (rows + 1)
        row_number, column_number = divmod(index, columns)
        x = (across - 1) * cell + gap * (column_number + 1)
        y = size - (up - 1) * cell - vertical_gap * (row_number + 1)
        points.append(Point(key, round(x, 1), round(y, 1), label, quadrant))
    return points


@dataclass(frozen=True)
class Mark:
    key: Any
    x: float
    lane: int
    date: datetime.date


def timeline(
    dated: Sequence[tuple[Any, datetime.date, int]], width: float = 720
) -> tuple[list[Mark], list[tuple[float, str]], datetime.date | None, datetime.date | None]:
    """Marks along a time axis, one lane per platform (`dated` holds key, date, lane); ticks at the first of
    each month (at most 12 labelled). Returns marks, ticks (x, yyyy-mm), first and last date."""
    if not dated:
        return [], [], None, None
    first = min(date for _key, date, _lane in dated)
    last = max(date for _key, date, _lane in dated)
    span = max((last - first).days, 1)
    margin = 10

    def place(date: datetime.date) -> float:
        return round(margin + (width - 2 * margin) * (date - first).days / span, 1)

    marks = [Mark(key, place(date), lane, date) for key, date, lane in dated]
    months = []
    cursor = datetime.date(first.year, first.month, 1)
    while cursor <= last:
        if cursor >= first:
            months.append(cursor)
        if cursor.year == datetime.MAXYEAR and cursor.month == 12:
            break
        cursor = datetime.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    every = max(1, (len(months) + 11) // 12)
    ticks = [(place(month), month.strftime("%Y-%m")) for month in months[::every]]
    return marks, ticks, first, last
