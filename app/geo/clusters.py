"""The map's clusters of one tile, aggregated by the database: what a large map loads.

Past a number of points (MAP_CLIENT_POINTS_MAX) the home map stops loading every point: it
asks for the tiles in view, each answered with at most CELLS_PER_TILE² entries (app.geo.tiles).
The spatial index narrows the rows to the tile, one GROUP BY on the cell's column and row
counts them; a cell holding one initiative is a point with its name, one holding several a
cluster with its mean position and its extent. So a tile weighs the same at a thousand or a
million initiatives, and the first view of the map does not grow with the collection.
"""

from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.sql import Select

from app.extensions import db
from app.filters import Filters
from app.geo.cell_totals import reads_totals, totals_statement
from app.geo.points import main_theme_rank, top_categories
from app.geo.spatial import bbox_clause, select_initiatives
from app.geo.tiles import MAX_ZOOM, Tile, cell_columns, in_tile, stored_shift
from app.models import Initiative

# Centres need no more than a metre; points keep the API's six decimals (RFC 7946).
CENTRE_DECIMALS = 5
POINT_DECIMALS = 6
# A cluster that zooming cannot part lists this many of its initiatives (map.js LIST_LIMIT).
LIST_LIMIT = 10


def tile_statement(filters: Filters, tile: Tile, stored: bool = True) -> Select:
    """The public initiatives matching the filters whose point lies in the tile.

    Up to zoom 11 the index of the stored cells narrows the rows (app.geo.tiles), past it
    the spatial index; stored=False takes the spatial index and computed cells whatever the
    zoom (the tests compare both). Those covering a whole territory have no point: they are
    in the map's side panel.
    """
    stmt = select_initiatives(filters).where(Initiative.lon.is_not(None))
    if not stored or stored_shift(tile) is None:
        stmt = stmt.where(bbox_clause(tile.box()))
    return stmt.where(in_tile(tile, stored))


def tile_clusters(filters: Filters, tile: Tile, stored: bool = True) -> bytes:
    """The tile's cells as JSON: {"count", "clusters": [...], "points": [...]}.

    stored=False computes every cell from the initiatives (the tests compare both ways)."""
    cells = cell_rows(filters, tile, stored)
    clusters = [cluster(cell, filters, tile) for cell in cells if cell.count > 1]
    points = named_points([cell.first_id for cell in cells if cell.count == 1])
    return orjson.dumps({"z": tile.z, "x": tile.x, "y": tile.y,
                         "count": sum(cell.count for cell in cells),
                         "clusters": clusters, "points": points})


def cell_rows(filters: Filters, tile: Tile, stored: bool = True) -> list[sa.Row]:
    """Per non-empty cell: count, first id, mean position and extent, in one grouped query."""
    return list(db.session.execute(cell_statement(filters, tile, stored)))


def cell_statement(filters: Filters, tile: Tile, stored: bool = True) -> Select:
    """The grouped query of cell_rows: the unfiltered map up to zoom 11 reads the totals
    kept per stored cell (app.geo.cell_totals), any other tile the initiatives."""
    if stored and reads_totals(filters, tile):
        return totals_statement(tile)
    column, row = cell_columns(tile, stored)
    rows = tile_statement(filters, tile, stored).order_by(None).with_only_columns(
        Initiative.id.label("id"), Initiative.lon.label("lon"), Initiative.lat.label("lat"),
        column.label("cell_column"), row.label("cell_row")).subquery()
    return (sa.select(
        sa.func.count().label("count"), sa.func.min(rows.c.id).label("first_id"),
        sa.func.avg(rows.c.lon).label("lon"), sa.func.avg(rows.c.lat).label("lat"),
        sa.func.min(rows.c.lon).label("west"), sa.func.min(rows.c.lat).label("south"),
        sa.func.max(rows.c.lon).label("east"), sa.func.max(rows.c.lat).label("north"),
    ).group_by(rows.c.cell_column, rows.c.cell_row)
        .order_by(rows.c.cell_row, rows.c.cell_column))


def cluster(cell: sa.Row, filters: Filters, tile: Tile) -> dict[str, Any]:
    """A cell of several initiatives: count, centre, extent, and the first ones' ids when
    zooming cannot part them (one place, or the closest zoom)."""
    box = (cell.west, cell.south, cell.east, cell.north)
    found: dict[str, Any] = {
        "count": cell.count,
        "lon": round(float(cell.lon), CENTRE_DECIMALS),
        "lat": round(float(cell.lat), CENTRE_DECIMALS),
        "bbox": [round(value, POINT_DECIMALS) for value in box],
    }
    if tile.z >= MAX_ZOOM or (cell.west == cell.east and cell.south == cell.north):
        found["ids"] = first_ids(filters, box)
    return found


def first_ids(filters: Filters, box: tuple[float, float, float, float]) -> list[int]:
    """The ids of the first matching initiatives in a cluster's extent (it holds no other)."""
    stmt = (select_initiatives(filters).where(bbox_clause(box)).order_by(None)
            .with_only_columns(Initiative.id).order_by(Initiative.id).limit(LIST_LIMIT))
    return list(db.session.scalars(stmt))


def named_points(ids: list[int]) -> list[dict[str, Any]]:
    """The single initiatives of a tile: id, point, name, kind and top category."""
    if not ids:
        return []
    slugs, rank_by_id = top_categories()
    rows = db.session.execute(sa.select(
        Initiative.id, Initiative.lon, Initiative.lat, Initiative.name, Initiative.kind,
        main_theme_rank(rank_by_id).label("theme"),
    ).where(Initiative.id.in_(ids)).order_by(Initiative.id))
    return [{"id": row.id, "lon": round(row.lon, POINT_DECIMALS),
             "lat": round(row.lat, POINT_DECIMALS), "name": row.name, "kind": row.kind,
             "theme": slugs[row.theme] if row.theme >= 0 else None} for row in rows]
