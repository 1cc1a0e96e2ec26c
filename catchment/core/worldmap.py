"""A world choropleth drawn as SVG on the server from the Natural Earth boundaries in world-atlas.

The TopoJSON file comes from the pinned npm package `world-atlas` (copied into static/vendor by
`make assets`); no tile server or CDN is involved, and the picture works without JavaScript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django_countries import countries

WIDTH = 960
HEIGHT = 440
# Equirectangular, cropped to the inhabited latitudes so the map is not mostly Antarctica.
NORTH, SOUTH = 84.0, -58.0


@dataclass(frozen=True)
class CountryShape:
    code: str  # ISO 3166-1 alpha-2
    path: str  # SVG path data


def _project(lon: float, lat: float) -> tuple[int, int]:
    x = (lon + 180.0) / 360.0 * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return round(x), round(y)


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    translate_x, translate_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def _ring(arc_indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180; draw them continuously
    past the right edge instead, where the viewBox clips them, so no line is drawn across the world."""
    crosses = any(abs(a[0] - b[0]) > 180 for a, b in pairwise(ring))
    if not crosses:
        return ring
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]


def _ring_path(ring: list[tuple[float, float]]) -> str:
    projected: list[tuple[int, int]] = []
    for lon, lat in _unwrap(ring):
        point = _project(lon, max(min(lat, NORTH), SOUTH))
        if not projected or projected[-1] != point:
            projected.append(point)
    if len(projected) < 3:
        return ""
    start_x, start_y = projected[0]
    parts = [f"M{start_x} {start_y}"]
    previous = projected[0]
    for x, y in projected[1:]:
        parts.append(f"l{x - previous[0]} {y - previous[1]}")
        previous = (x, y)
    return "".join(parts) + "z"


@lru_cache(maxsize=2)
def load_shapes(path: Path | None = None) -> tuple[CountryShape, ...]:
    """Country outlines keyed by ISO alpha-2, decoded once per process."""
    source = Path(path or settings.WORLD_ATLAS_PATH)
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        code = countries.alpha2(int(numeric)) if numeric and str(numeric).isdecimal() else ""
        if not code or code == "AQ":  # Antarctica lies below the cropped latitudes
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        outline = "".join(_ring_path(_ring(ring, arcs)) for polygon in polygons for ring in polygon)
        if outline:
            shapes.append(CountryShape(code=code, path=outline))
    return tuple(shapes)


SHADES = ("#e8f1f8", "#b9d5ea", "#7fb2d9", "#3f86bf", "#165a94", "#0b3a66")


def shade_for(count: int, maximum: int) -> str:
    """The fill for a country with `count` members when the busiest country has `maximum`."""
    if count <= 0 or maximum <= 0:
        return SHADES[0]
    steps = len(SHADES) - 1
    # Square-root scale: a few countries hold most members, and a linear scale would blank the rest.
    level = 1 + int((count / maximum) ** 0.5 * (steps - 1) + 0.5)
    return SHADES[min(level, steps)]


def render_choropleth(
    counts: dict[str, int],
    *,
    title: str,
    label_for: dict[str, str],
    legend_labels: tuple[str, str] = ("none", "most:"),
) -> str:
    """An SVG document with one shaded path per country and a <title> naming it and its count."""
    maximum = max(counts.values(), default=0)
    body = []
    for shape in load_shapes():
        count = counts.get(shape.code, 0)
        name = escape(label_for.get(shape.code, shape.code))
        body.append(
            f'<path d="{shape.path}" fill="{shade_for(count, maximum)}"><title>{name}: {count}</title></path>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7fbff"/>'
        f'<g stroke="#ffffff" stroke-width="0.5">{"".join(body)}</g>'
        f"{_legend(maximum, legend_labels)}</svg>"
    )


def _legend(maximum: int, labels: tuple[str, str]) -> str:
    """Shade swatches from none to the busiest country, bottom left."""
    y = HEIGHT - 30
    swatches = "".join(
        f'<rect x="{20 + index * 22}" y="{y}" width="20" height="12" fill="{shade}" stroke="#4a5866" '
        'stroke-width="0.5"/>'
        for index, shade in enumerate(SHADES)
    )
    none_label, most_label = labels
    return (
        f'<g font-family="sans-serif" font-size="11" fill="#16212b">{swatches}'
        f'<text x="20" y="{y + 26}">{escape(none_label)}</text>'
        f'<text x="{20 + len(SHADES) * 22}" y="{y + 26}" text-anchor="end">'
        f"{escape(most_label)} {maximum}</text></g>"
    )
