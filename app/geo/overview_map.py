"""A printable overview map: outlines and numbered points drawn as SVG, without tiles.

Printed directories need a map that a PDF engine can draw offline: the gazetteer's outlines
(a territory and its neighbours' borders) and one numbered disc per entry, in plain SVG
written here from the shapely geometries. The projection is equirectangular, scaled by the
cosine of the middle latitude: true enough at the size of a département.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import shapely

# The drawing's own units; the page's CSS scales it to the width of the sheet.
WIDTH, HEIGHT = 700.0, 560.0
MARGIN = 0.06  # of the view's span, around the territory and the points
# Points closer than this (drawing units) are drawn apart, on a spiral round their place:
# entries placed at their commune's reference point would otherwise hide one another.
CROWDED = 1.5
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
# A disc's radius and its number's size, smaller as points multiply.
DISC_SIZES = ((60, 9.0), (200, 6.5), (math.inf, 4.5))
# A lone point (one entry, no outline) still gets a view this wide, in degrees.
MIN_SPAN = 0.05
# Presentation attributes, not CSS: PDF engines draw an inline SVG with its own styles only.
STYLES = {
    "neighbour": 'fill="none" stroke="#8a8a8a" stroke-width="0.7" stroke-linejoin="round"',
    "territory": 'fill="#e8eef8" stroke="#0b3d91" stroke-width="2" stroke-linejoin="round"',
    "disc": 'fill="#c0392b" stroke="#ffffff" stroke-width="0.8"',
    "number": ('fill="#ffffff" font-family="DejaVu Sans, sans-serif" font-weight="bold"'
               ' text-anchor="middle"'),
}


@dataclass(frozen=True)
class MapPoint:
    """An entry on the map: its number in the directory and its place."""

    number: int
    lon: float
    lat: float


@dataclass(frozen=True)
class View:
    """The part of the earth shown and how it maps to the drawing."""

    west: float
    south: float
    scale_x: float
    scale_y: float
    height: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.west) * self.scale_x,
                self.height - (lat - self.south) * self.scale_y)


def overview_svg(area, neighbours: Sequence, points: Sequence[MapPoint], title: str) -> str:
    """The SVG of a territory (shapely geometry or None), its neighbours' outlines and the
    numbered points, fitted to the territory and the points."""
    bounds = view_bounds(area, points)
    view = fit(bounds)
    clipped = [shapely.clip_by_rect(shape, *bounds) for shape in neighbours]
    width = (bounds[2] - bounds[0]) * view.scale_x
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {view.height:.1f}"'
             f' role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    parts.append(path([shape for shape in clipped if not shape.is_empty], view, "neighbour"))
    if area is not None:
        parts.append(path([area], view, "territory"))
    parts += discs(points, view)
    parts.append("</svg>")
    return "".join(parts)


def view_bounds(area, points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    """West, south, east, north around the territory and the points, with a margin."""
    xs = [p.lon for p in points]
    ys = [p.lat for p in points]
    if area is not None and not area.is_empty:
        west, south, east, north = area.bounds
        xs += [west, east]
        ys += [south, north]
    if not xs:  # nothing to show: metropolitan France
        xs, ys = [-5.2, 9.6], [41.3, 51.1]
    span_x = max(max(xs) - min(xs), MIN_SPAN)
    span_y = max(max(ys) - min(ys), MIN_SPAN)
    middle_x, middle_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half_x, half_y = span_x * (0.5 + MARGIN), span_y * (0.5 + MARGIN)
    return middle_x - half_x, middle_y - half_y, middle_x + half_x, middle_y + half_y


def fit(bounds: tuple[float, float, float, float]) -> View:
    """The largest drawing of the bounds within WIDTH × HEIGHT, keeping its proportions."""
    west, south, east, north = bounds
    stretch = math.cos(math.radians((south + north) / 2))
    scale = min(WIDTH / ((east - west) * stretch), HEIGHT / (north - south))
    return View(west, south, scale * stretch, scale, (north - south) * scale)


def path(shapes: Sequence, view: View, style: str) -> str:
    """One SVG path of (multi)polygons, their rings and holes included."""
    commands = []
    for ring in (ring for shape in shapes for ring in rings(shape)):
        coords = [view.xy(lon, lat) for lon, lat in ring]
        commands.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
    return f'<path {STYLES[style]} d="{"".join(commands)}"/>'


def rings(shape) -> Iterable:
    """Every ring of a (multi)polygon or of a collection of them."""
    for part in getattr(shape, "geoms", [shape]):
        if isinstance(part, shapely.Polygon):
            yield part.exterior.coords
            yield from (interior.coords for interior in part.interiors)
        elif hasattr(part, "geoms"):
            yield from rings(part)


def discs(points: Sequence[MapPoint], view: View) -> list[str]:
    """A numbered disc per point, crowded points spread round their place."""
    radius = next(r for limit, r in DISC_SIZES if len(points) <= limit)
    font = radius * 1.05
    drawn = []
    for number, x, y in spread(points, view, radius):
        drawn.append(f'<circle {STYLES["disc"]} cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
                     f'<text {STYLES["number"]} x="{x:.1f}" y="{y + font * 0.36:.1f}"'
                     f' font-size="{font:.1f}">{number}</text>')
    return drawn


def spread(points: Sequence[MapPoint], view: View, radius: float) -> list[tuple[int, float, float]]:
    """Each point's place in the drawing, those sharing a place set on a spiral round it."""
    groups: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    for point in points:
        x, y = view.xy(point.lon, point.lat)
        groups[(round(x / CROWDED), round(y / CROWDED))].append((point.number, x, y))
    placed = []
    for group in groups.values():
        for index, (number, x, y) in enumerate(group):
            distance = radius * 1.9 * math.sqrt(index)
            angle = index * GOLDEN_ANGLE
            placed.append((number, x + distance * math.cos(angle),
                           y + distance * math.sin(angle)))
    return placed
