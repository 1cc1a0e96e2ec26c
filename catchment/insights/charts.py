"""Geometry for the pictures the dashboards draw on the server as SVG (no script needed to see them): the
participation "bulb" and weekly bar charts. Pure: numbers in, shapes out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# From the centre of the bulb outwards (lapsed members are listed, not drawn: they are not taking part).
BULB_ORDER = ("core", "active", "occasional", "peripheral", "transactional")
MIN_RING = 6.0  # pixels: a level with few people still shows as a visible ring


@dataclass(frozen=True)
class Ring:
    level: str
    radius: float
    count: int


def bulb(counts: Mapping[str, int], size: float = 300) -> list[Ring]:
    """Concentric rings whose areas grow with the number of people at each level and inside it; outermost
    first, so later rings are drawn on top."""
    total = sum(counts.get(level, 0) for level in BULB_ORDER)
    outer = size / 2 - 4
    rings: list[Ring] = []
    cumulative = 0
    previous = 0.0
    for level in BULB_ORDER:
        count = counts.get(level, 0)
        cumulative += count
        radius = outer * math.sqrt(cumulative / total) if total else 0.0
        if count and radius - previous < MIN_RING:
            radius = previous + MIN_RING
        radius = min(radius, outer)
        rings.append(Ring(level=level, radius=round(radius, 1), count=count))
        previous = radius
    return list(reversed(rings))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: float
    height: float
    top: float  # the value of the top gridline
    ticks: list[tuple[float, float]]  # (y, value) of gridlines


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bars(
    series: Sequence[tuple[str, float]], width: float = 640, height: float = 180, pad: float = 28
) -> BarChart:
    """Vertical bars for a series of (label, value), scaled to a round top value with three gridlines."""
    top = _nice_top(max((value for _label, value in series), default=0))
    plot_height = height - pad
    slot = (width - pad) / max(len(series), 1)
    chart_bars = []
    for index, (label, value) in enumerate(series):
        bar_height = plot_height * value / top if top else 0
        chart_bars.append(
            Bar(
                x=round(pad + index * slot + slot * 0.15, 1),
                y=round(plot_height - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                label=label,
                value=value,
            )
        )
    ticks = [
        (round(plot_height - plot_height * share, 1), round(top * share, 2)) for share in (0.0, 0.5, 1.0)
    ]
    return BarChart(bars=chart_bars, width=width, height=height, top=top, ticks=ticks)
