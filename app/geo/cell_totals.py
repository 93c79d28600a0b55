"""The unfiltered map's tiles up to zoom 11, read from totals per stored cell kept on write.

The map every visitor sees first has no filter: published initiatives with a point. Its
tiles would group up to the whole collection (a million rows for the world tile) each time
a write changes the data version. Triggers (migration f3c7a1d9b2e4) keep instead, per cell
of the finest stored grid (app.geo.tiles: zoom 11, 2**13 cells across the world), the count,
smallest id, sums of lon and lat and extent of its initiatives. A tile at zoom 11 or less
groups those rows shifted right: at most the cells holding initiatives (tens of thousands
for the world), whatever the collection's size. Same cells, same counts, same extents, and
means within a rounding of the live query's (tests/test_map_cell_totals.py compares both).
"""

import sqlalchemy as sa
from sqlalchemy.sql import Select

from app.filters import Filters
from app.geo.tiles import Tile, stored_ranges, stored_shift

# Maintained by the migration's triggers, invisible to the model (app.models.unmapped).
map_cells = sa.table(
    "map_cells", sa.column("cell_column", sa.Integer), sa.column("cell_row", sa.Integer),
    sa.column("total", sa.Integer), sa.column("first_id", sa.Integer),
    *(sa.column(name, sa.Float) for name in ("sum_lon", "sum_lat", "west", "south", "east",
                                             "north")))
# What the totals count: the map without a filter (Filters().statuses, with a point).
UNFILTERED = Filters()


def reads_totals(filters: Filters, tile: Tile) -> bool:
    """Whether the tile's cells can be read from the totals: no filter, zoom 11 or less."""
    return filters == UNFILTERED and stored_shift(tile) is not None


def totals_statement(tile: Tile) -> Select:
    """The tile's cells from the totals, as the live grouped query gives them."""
    shift = stored_shift(tile)
    columns, rows = stored_ranges(tile)
    cells = map_cells.c
    column, row = cells.cell_column.op(">>")(shift), cells.cell_row.op(">>")(shift)
    count = sa.func.sum(cells.total)
    floating = sa.cast(count, sa.Double)  # the mean as a double, as avg() gives it
    return (sa.select(
        count.label("count"), sa.func.min(cells.first_id).label("first_id"),
        (sa.func.sum(cells.sum_lon) / floating).label("lon"),
        (sa.func.sum(cells.sum_lat) / floating).label("lat"),
        sa.func.min(cells.west).label("west"), sa.func.min(cells.south).label("south"),
        sa.func.max(cells.east).label("east"), sa.func.max(cells.north).label("north"),
    ).where(cells.cell_column.between(*columns), cells.cell_row.between(*rows))
        .group_by(column, row).order_by(row, column))
