"""Duplicate look-ups that stay fast on large files: rows of the same file near each other,
and existing initiatives with the same website."""

import math
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.geo.distances import METRES_PER_DEGREE
from app.initiatives.duplicates import (
    RADIUS_M,
    box_around,
    distance_m,
    similar_folded,
    website_key,
)
from app.models import Initiative
from app.text import fold

# Cells of 0.02° (2.2 km of latitude, 1.5 km of longitude in France): every neighbour
# within 1 km is in the 3 × 3 cells around a point, in France.
CELL = 0.02
DUPLICATE_STATUSES = ("pending", "published")  # those find_duplicates looks at
WORLD = (-180.0, -90.0, 180.0, 90.0)


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

    @classmethod
    def of_initiatives(cls, statuses: tuple[str, ...] = DUPLICATE_STATUSES) -> "Neighbours":
        """Existing initiatives in the grid (one query), as rows (id, name): on large files,
        they answer for every row what find_duplicates would, with no query per row."""
        # find_duplicates keeps the box around the circle first: a hair narrower than the
        # circle (111,320 m to a degree, the haversine's 111,195), so keep it here too.
        grid = cls(boxed=True)
        stmt = sa.select(Initiative.id, Initiative.name, Initiative.lon, Initiative.lat).where(
            Initiative.status.in_(statuses))
        for row in db.session.execute(stmt):
            grid.add(row.name, (row.lon, row.lat), row)
        return grid

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


class WebsiteIndex:
    """Initiatives (pending or published) by website, loaded once per import (ids and names)."""

    def __init__(self):
        self._index: dict[str, list] | None = None

    def matching(self, url: str | None) -> list:
        """Rows (id, name) of the initiatives with the same website."""
        key = website_key(url)
        if not key:
            return []
        if self._index is None:
            self._index = {}
            stmt = sa.select(Initiative.id, Initiative.name, Initiative.website).where(
                Initiative.status.in_(("pending", "published")), Initiative.website.is_not(None))
            for row in db.session.execute(stmt):
                self._index.setdefault(website_key(row.website), []).append(row)
        return self._index.get(key, [])
