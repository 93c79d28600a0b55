"""Duplicate look-ups that stay fast on large files: rows of the same file near each other,
and existing initiatives with the same website."""

import math
from typing import Any, NamedTuple

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
# Rows read by batches of this many: a server-side cursor on PostgreSQL, so a large table is
# never wholly in the driver's buffers on top of the grid.
READ_BATCH = 2000


class Existing(NamedTuple):
    """An existing initiative as the duplicate reports name it: a third of a Row's memory."""

    id: int
    name: str


def existing_rows(*columns) -> Any:
    """The id, name and given columns of the initiatives find_duplicates looks at, streamed."""
    stmt = sa.select(Initiative.id, Initiative.name, *columns).where(
        Initiative.status.in_(DUPLICATE_STATUSES))
    return db.session.execute(stmt, execution_options={"yield_per": READ_BATCH})


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
    def of_initiatives(cls, websites: "WebsiteIndex | None" = None) -> "Neighbours":
        """Existing initiatives in the grid (one query), as Existing (id, name): on large
        files, they answer for every row what find_duplicates would, with no query per row.
        The same read fills the website index, which then shares their Existing.

        Its memory grows with the table (about 0.3 kB an initiative): plain tuples, not the
        Rows, are kept."""
        # find_duplicates keeps the box around the circle first: a hair narrower than the
        # circle (111,320 m to a degree, the haversine's 111,195), so keep it here too.
        grid = cls(boxed=True)
        index = websites.start() if websites is not None else None
        for id_, name, lon, lat, website in existing_rows(
                Initiative.lon, Initiative.lat, Initiative.website):
            existing = Existing(id_, name)
            grid.add(name, (lon, lat), existing)
            if index is not None and website is not None:
                index.setdefault(website_key(website), []).append(existing)
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
        self._index: dict[str, list[Existing]] | None = None

    def start(self) -> dict[str, list[Existing]]:
        """The empty index, for a reader of the initiatives to fill (Neighbours)."""
        self._index = {}
        return self._index

    def matching(self, url: str | None) -> list[Existing]:
        """The initiatives with the same website, as Existing (id, name)."""
        key = website_key(url)
        if not key:
            return []
        if self._index is None:
            index = self.start()
            for id_, name, website in existing_rows(Initiative.website):
                if website is not None:
                    index.setdefault(website_key(website), []).append(Existing(id_, name))
        return self._index.get(key, [])
