"""Duplicate look-ups that stay fast on large files and small in memory: rows of the same
file near each other, and the existing initiatives near a batch of rows or with their
websites, read through the indexes a batch at a time (never the whole table)."""

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

import sqlalchemy as sa

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
                and similar_folded(folded, other) and distance_m(*point, lon, lat) <= RADIUS_M]


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
            if row.website and (key := website_key(row.website)) in sites:
                self.by_site.setdefault(key, []).append(existing)

    def similar(self, name: str, point) -> list[Existing]:
        """Those within 1 km of the point with a similar name (the point is the batch's)."""
        return self.grid.similar(name, point)

    def matching(self, url: str | None) -> list[Existing]:
        """Those with the same website (the URL is one of the batch's)."""
        return self.by_site.get(website_key(url) or "", [])


class ExistingDuplicates:
    """find_duplicates' answer for each row of a large file, found before the rows are
    planned: the rows' names, points and websites are taken first (a few short fields a
    row), then looked up in the order of their places, a batch at a time. Rows near each
    other on the ground, however far apart in the file, share one read of their
    neighbourhood: at a million initiatives, a batch of 200 rows of a 10,000-row file read
    70,000 initiatives in file order (a few hundred for each row, in dense towns) and
    13,500 on average in place order; each name read is folded once per batch."""

    def __init__(self, rows: Iterable[tuple[int, str, Any, str | None]], size: int,
                 kept: int):
        """rows: (number, name, point or None, website or None) of each readable row; a
        row keeps the first `kept` ids it may be (by id) and how many there are."""
        self.found: dict[int, tuple[int, tuple[int, ...]]] = {}  # a row's number: see of()
        self.names: dict[int, str] = {}  # each initiative kept named once, however many rows
        pending = sorted(rows, key=place_order)
        while pending:  # from the end, so the rows looked up are let go as the answers grow
            group = pending[-size:]
            del pending[-size:]
            near = ExistingNear((point for _, _, point, _ in group),
                                (website for *_, website in group))
            for number, name, point, website in group:
                found = {existing.id: existing.name for existing in near.similar(name, point)}
                for existing in near.matching(website):
                    found.setdefault(existing.id, existing.name)
                if found:
                    first = sorted(found)[:kept]
                    self.found[number] = (len(found), tuple(first))
                    self.names.update((id_, found[id_]) for id_ in first)

    def of(self, number: int) -> tuple[list[Existing], int]:
        """The first initiatives (by id) the row numbered so may duplicate, and how many
        it may duplicate in all."""
        total, first = self.found.get(number, (0, ()))
        return [Existing(id_, self.names[id_]) for id_ in first], total


# Places are ordered by blocks of 10 × 10 grid cells, then by cell: a batch of rows in that
# order covers a few neighbouring blocks, not a thin strip across the country.
BLOCK = 10


def place_order(row: tuple) -> tuple:
    """The sort key of a row (number, name, point, website): rows without a point last."""
    point = row[2]
    if not point or None in point:
        return (1,)
    x, y = Neighbours.cell(*point)
    return 0, x // BLOCK, y // BLOCK, x, y


class Candidate(NamedTuple):
    id: int
    name: str
    lon: float | None
    lat: float | None
    website: str | None


def candidates(boxes: list, sites: list[str]) -> list[Candidate]:
    """The initiatives in the boxes or on the sites, each once.

    A statement through each index; the status is tested here, as in find_duplicates.
    Those in the boxes come without their website (seventy thousand websites a batch at a
    million initiatives, read for nothing): only their names are compared.
    """
    placed = (Initiative.id, Initiative.name, Initiative.lon, Initiative.lat, Initiative.status)
    if db.engine.dialect.name == "postgresql":
        # Compiling these statements (JIT) takes PostgreSQL 170 ms and saves it nothing: the
        # costs it guesses for a batch's ranges pass the threshold; each range reads a row.
        db.session.execute(sa.text("SET LOCAL jit = off"))
    found = {row.id: Candidate(row.id, row.name, row.lon, row.lat, None)
             for row in (db.session.execute(in_any_box(boxes, *placed)) if boxes else ())
             if row.status in DUPLICATE_STATUSES}
    if sites:
        for row in db.session.execute(with_websites(sites, *placed, Initiative.website)):
            if row.status in DUPLICATE_STATUSES:
                found[row.id] = Candidate(row.id, row.name, row.lon, row.lat, row.website)
    return list(found.values())
