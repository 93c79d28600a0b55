"""Duplicate look-ups that stay fast on large files and small in memory: rows of the same
file near each other, and the existing initiatives near a batch of rows or with their
websites, read through the indexes a batch at a time (never the whole table)."""

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

from app.extensions import db
from app.geo.distances import METRES_PER_DEGREE
from app.geo.spatial import in_any_box
from app.initiatives.duplicates import (
    RADIUS_M,
    box_around,
    distance_m,
    similar_folded,
    website_key,
    with_websites,
)
from app.models import Initiative
from app.text import fold

# Cells of 0.02° (2.2 km of latitude, 1.5 km of longitude in France): every neighbour
# within 1 km is in the 3 × 3 cells around a point, in France.
CELL = 0.02
DUPLICATE_STATUSES = ("pending", "published")  # those find_duplicates looks at
WORLD = (-180.0, -90.0, 180.0, 90.0)


class Existing(NamedTuple):
    """An existing initiative as the duplicate reports name it: a third of a Row's memory."""

    id: int
    name: str


class Neighbours:
    """Things with a name and a point (rows of a file, existing initiatives), by grid cell,
    to find those with a similar name within 1 km. Names are folded once, when their cell
    is first looked at: most cells of a large table never are."""

    def __init__(self, boxed: bool = False):
        self.cells: dict[tuple[int, int], list[tuple[str, float, float, Any]]] = {}
        self.folded: dict[tuple[int, int], int] = {}  # per cell: its first N names are folded
        self.boxed = boxed

    @staticmethod
    def cell(lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / CELL), math.floor(lat / CELL)

    def add(self, name: str, point, item: Any) -> None:
        if point and None not in point:  # a whole territory's entry has no point
            self.cells.setdefault(self.cell(*point), []).append((name, *point, item))

    def entries(self, cell: tuple[int, int]) -> list[tuple[str, float, float, Any]]:
        """A cell's entries, with folded names."""
        entries = self.cells.get(cell, [])
        done = self.folded.get(cell, 0)
        if done < len(entries):
            entries[done:] = [(fold(name), *rest) for name, *rest in entries[done:]]
            self.folded[cell] = len(entries)
        return entries

    def similar(self, name: str, point) -> list:
        """Items with a similar name within 1 km of the point, earliest added first by cell."""
        if not point:
            return []
        folded, (x, y) = fold(name), self.cell(*point)
        minlon, minlat, maxlon, maxlat = box_around(*point) if self.boxed else WORLD
        # A cell is narrower than 1 km far north or south: look as many cells away as needed.
        width = CELL * METRES_PER_DEGREE * max(math.cos(math.radians(point[1])), 0.01)
        reach = max(1, math.ceil(RADIUS_M / width))
        return [item
                for dx in range(-reach, reach + 1) for dy in (-1, 0, 1)
                for other, lon, lat, item in self.entries((x + dx, y + dy))
                if minlon <= lon <= maxlon and minlat <= lat <= maxlat
                and distance_m(*point, lon, lat) <= RADIUS_M and similar_folded(folded, other)]


class ExistingNear:
    """The initiatives find_duplicates would name for a batch of rows: those within reach
    of the rows' points and those with their websites, read through the spatial index and
    the website index. Its memory grows with the batch and with how crowded its places are,
    never with the table."""

    def __init__(self, points: Iterable, websites: Iterable[str | None]):
        # find_duplicates keeps the box around the circle first: a hair narrower than the
        # circle (111,320 m to a degree, the haversine's 111,195), so keep it here too.
        self.grid = Neighbours(boxed=True)
        self.by_site: dict[str, list[Existing]] = {}
        boxes = {box_around(*point) for point in points if point and None not in point}
        sites = {key for url in websites if (key := website_key(url))}
        for row in candidates(sorted(boxes), sorted(sites)):
            existing = Existing(row.id, row.name)
            self.grid.add(row.name, (row.lon, row.lat), existing)  # similar() checks the box
            if (key := website_key(row.website)) in sites:
                self.by_site.setdefault(key, []).append(existing)

    def similar(self, name: str, point) -> list[Existing]:
        """Those within 1 km of the point with a similar name (the point is the batch's)."""
        return self.grid.similar(name, point)

    def matching(self, url: str | None) -> list[Existing]:
        """Those with the same website (the URL is one of the batch's)."""
        return self.by_site.get(website_key(url) or "", [])


def candidates(boxes: list, sites: list[str]) -> list:
    """(id, name, lon, lat, website) of the initiatives in the boxes or on the sites.

    Two statements of the same SQL whatever the batch (its values are parameters), each
    through its index; the status is tested here, as in find_duplicates. Each once.
    """
    columns = (Initiative.id, Initiative.name, Initiative.lon, Initiative.lat,
               Initiative.website, Initiative.status)
    rows = db.session.execute(in_any_box(boxes, *columns)).all() if boxes else []
    if sites:
        rows += db.session.execute(with_websites(sites, *columns)).all()
    return [row for row in {row.id: row for row in rows}.values()
            if row.status in DUPLICATE_STATUSES]
