"""Map tiles (the Web Mercator z/x/y scheme Leaflet and OpenStreetMap use) and their grid.

Each tile is cut into CELLS_PER_TILE × CELLS_PER_TILE cells: on a 256-pixel tile, a cell is
64 pixels wide, the distance under which static/js/map.js groups the points it holds. The
cell of a point is computed by the database with the same formula at every zoom, so the
cells of neighbouring tiles never overlap and every point falls in exactly one.
"""

import math
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative

CELLS_PER_TILE = 4
# The finest grid stored per initiative (migration e5a1c8f3d9b6: generated columns map_column
# and map_row, indexed): 2**13 cells across the world, those of the tiles of zoom 11. A tile
# at that zoom or less reads its cells there, shifted right, instead of computing them.
STORED_CELL_LEVEL = 13
STORED_MAX_ZOOM = STORED_CELL_LEVEL - 2  # log2(CELLS_PER_TILE)
map_column = sa.literal_column("initiatives.map_column", sa.Integer)
map_row = sa.literal_column("initiatives.map_row", sa.Integer)
MAX_ZOOM = 18  # app.geo.maps.MAX_ZOOM: a street; no map of ours goes closer
# Web Mercator stops short of the poles: the latitude of a square world.
MAX_LAT = math.degrees(math.atan(math.sinh(math.pi)))
# The index narrows a tile with a box a little wider than it: the cell formula decides.
BOX_MARGIN_DEG = 1e-6


class TileError(ValueError):
    """A tile address that is not one: which part, and why."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def __str__(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"

    @property
    def cells_per_world(self) -> int:
        return CELLS_PER_TILE << self.z

    def box(self) -> tuple[float, float, float, float]:
        """The tile's extent as minlon, minlat, maxlon, maxlat, widened by a hair."""
        side = 1 << self.z
        west, east = self.x / side * 360 - 180, (self.x + 1) / side * 360 - 180
        north, south = tile_lat(self.y, side), tile_lat(self.y + 1, side)
        return (west - BOX_MARGIN_DEG, south - BOX_MARGIN_DEG,
                east + BOX_MARGIN_DEG, north + BOX_MARGIN_DEG)


def tile_lat(y: float, side: int) -> float:
    """The latitude of a tile row's northern edge."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / side))))


def parse_tile(z: str, x: str, y: str) -> Tile:
    """Read a z/x/y address; raise TileError unless every part is a whole number in range."""
    zoom = whole_number("z", z, MAX_ZOOM)
    side = 1 << zoom
    return Tile(zoom, whole_number("x", x, side - 1), whole_number("y", y, side - 1))


def whole_number(param: str, text: str, highest: int) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or int(text) > highest:
        raise TileError(param, f"a whole number from 0 to {highest}.")
    return int(text)


def stored_shift(tile: Tile) -> int | None:
    """How far the stored cells shift right to the tile's (None: finer than stored)."""
    return STORED_MAX_ZOOM - tile.z if tile.z <= STORED_MAX_ZOOM else None


def cell_columns(tile: Tile, stored: bool = True) -> tuple[sa.ColumnElement[int],
                                                          sa.ColumnElement[int]]:
    """Each initiative's cell at the tile's zoom: column and row in the world's grid.

    From the stored cells when they are as fine or finer (stored=False: computed, as the
    finer zooms are). Both give the same cell: the stored one is the same double scaled by
    a power of two, which is exact, rounded down, and shifting rounds down again.
    """
    shift = stored_shift(tile) if stored else None
    if shift is not None:
        return map_column.op(">>")(shift), map_row.op(">>")(shift)
    return computed_cells(tile.cells_per_world)


def computed_cells(cells: int) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    """Each initiative's cell in a grid of `cells` across the world, computed per row."""
    # Clamped: the database may test the cell before the box, and ln(0) fails on PostgreSQL.
    lat = sa.func.radians(clamped(Initiative.lat, MAX_LAT))
    mercator = sa.func.ln(sa.func.tan(lat / 2 + math.pi / 4))  # y on a sphere of radius 1
    column = sa.func.floor((Initiative.lon + 180) / 360 * cells)
    row = sa.func.floor((1 - mercator / math.pi) / 2 * cells)
    return sa.cast(column, sa.Integer), sa.cast(row, sa.Integer)


def clamped(column: sa.ColumnElement[float], limit: float) -> sa.ColumnElement[float]:
    """The column's value, kept within ±limit."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.least(sa.func.greatest(column, -limit), limit)
    return sa.func.min(sa.func.max(column, -limit), limit)  # SQLite's scalar min and max


def in_tile(tile: Tile, stored: bool = True) -> sa.ColumnElement[bool]:
    """Whether an initiative's cell lies in the tile (the box of the index is wider).

    With the stored cells, a range of them, which their index answers alone.
    """
    if stored and stored_shift(tile) is not None:
        columns, rows = stored_ranges(tile)
        return sa.and_(map_column.between(*columns), map_row.between(*rows))
    first_column, first_row = tile.x * CELLS_PER_TILE, tile.y * CELLS_PER_TILE
    column, row = cell_columns(tile, stored=False)
    return sa.and_(column.between(first_column, first_column + CELLS_PER_TILE - 1),
                   row.between(first_row, first_row + CELLS_PER_TILE - 1))


def stored_ranges(tile: Tile) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last columns, then rows, of the stored cells inside the tile."""
    shift = stored_shift(tile)
    if shift is None:
        raise ValueError(f"tile {tile} is finer than the stored cells")
    first_column, first_row = tile.x * CELLS_PER_TILE, tile.y * CELLS_PER_TILE
    return ((first_column << shift, ((first_column + CELLS_PER_TILE) << shift) - 1),
            (first_row << shift, ((first_row + CELLS_PER_TILE) << shift) - 1))
