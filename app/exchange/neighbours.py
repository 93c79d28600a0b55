"""Duplicate look-ups that stay fast on large files: rows of the same file near each other,
and existing initiatives with the same website."""

import math

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.duplicates import (
    METRES_PER_DEGREE,
    RADIUS_M,
    distance_m,
    similar,
    website_key,
)
from app.models import Initiative

# Cells of 0.02° (2.2 km of latitude, 1.5 km of longitude in France): every neighbour
# within 1 km is in the 3 × 3 cells around a point, in France.
CELL = 0.02
DUPLICATE_STATUSES = ("pending", "published")  # those find_duplicates looks at


class Neighbours:
    """The accepted rows of a file, by grid cell, to find a similar name within 1 km."""

    def __init__(self):
        self.cells: dict[tuple[int, int], list[tuple[str, float, float, str]]] = {}

    @staticmethod
    def cell(lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / CELL), math.floor(lat / CELL)

    def add(self, name: str, point, label: str) -> None:
        if point:
            self.cells.setdefault(self.cell(*point), []).append((name, *point, label))

    @classmethod
    def of_initiatives(cls, statuses: tuple[str, ...] = DUPLICATE_STATUSES) -> "Neighbours":
        """Existing initiatives in the grid (one query), labelled by id: a cheap first pass
        before asking find_duplicates about the few rows that may have a duplicate."""
        grid = cls()
        stmt = sa.select(Initiative.id, Initiative.name, Initiative.lon, Initiative.lat).where(
            Initiative.status.in_(statuses))
        for initiative_id, name, lon, lat in db.session.execute(stmt):
            grid.add(name, (lon, lat), str(initiative_id))
        return grid

    def similar(self, name: str, point) -> list[str]:
        """Labels of earlier rows with a similar name within 1 km of the point."""
        if not point:
            return []
        x, y = self.cell(*point)
        # A cell is narrower than 1 km far north or south: look as many cells away as needed.
        width = CELL * METRES_PER_DEGREE * max(math.cos(math.radians(point[1])), 0.01)
        reach = max(1, math.ceil(RADIUS_M / width))
        return [label
                for dx in range(-reach, reach + 1) for dy in (-1, 0, 1)
                for other, lon, lat, label in self.cells.get((x + dx, y + dy), ())
                if distance_m(*point, lon, lat) <= RADIUS_M and similar(name, other)]


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
