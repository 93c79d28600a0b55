"""The stored cells (issue 19): a tile up to zoom 11 read from the indexed columns
map_column and map_row gives exactly the answer computed per row, on either database."""

import random
from urllib.parse import parse_qsl

import orjson
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.database import write_transaction
from app.extensions import db
from app.filters import parse_filters
from app.geo.clusters import cell_statement, tile_clusters
from app.geo.spatial import explain
from app.geo.tiles import MAX_LAT, STORED_MAX_ZOOM, Tile, cell_columns
from app.models import Initiative, Theme
from benchmarks.generate import Generator
from benchmarks.load import copy_postgres, insert_sqlite, settle
from tests.test_map_tiles import TOWNS, tile_of

pytestmark = pytest.mark.usefixtures("app")
ROWS = 150
# Points on the edges: the antimeridian, the equator and Greenwich, the poles beyond Web
# Mercator, and cell boundaries of the finest stored grid.
EDGES = [(-180.0, 0.0), (180.0, 0.0), (0.0, 0.0), (0.0, 90.0), (0.0, -90.0),
         (10.0, MAX_LAT), (10.0, -MAX_LAT)] + [(-180 + 360 * j / 8192, 45.0) for j in (1, 4097)]


@pytest.fixture
def scattered(themes):
    """Published initiatives at random points of the world (and on its edges), bulk-loaded."""
    theme_ids = dict(db.session.execute(sa.select(Theme.slug, Theme.id)).all())
    chance = random.Random(19)
    points = EDGES + [(chance.uniform(-180, 180), chance.uniform(-90, 90)) for _ in range(ROWS)]
    # A cluster at one place, and one near France where the tiles are dense.
    points += [(4.6594, 46.4336)] * 3 + [(chance.gauss(2.5, 2), chance.gauss(46.5, 2))
                                         for _ in range(ROWS)]
    rows = [{**row, "lon": lon, "lat": lat} for row, (lon, lat) in
            zip(Generator(TOWNS, seed=19).rows(len(points)), points, strict=True)]
    db.session.commit()
    load = copy_postgres if db.engine.dialect.name == "postgresql" else insert_sqlite
    load(db.engine, rows, theme_ids)
    settle(db.engine)  # statistics, as the benchmark's loader leaves them
    return points


def both_cells(z: int) -> list[tuple]:
    """Each initiative's cell at zoom z, stored then computed."""
    tile = Tile(z, 0, 0)
    stored, computed = cell_columns(tile), cell_columns(tile, stored=False)
    return db.session.execute(sa.select(Initiative.id, *stored, *computed)
                              .where(Initiative.lon.is_not(None))).all()


def test_the_stored_cell_of_every_point_is_the_computed_one_at_every_zoom(scattered):
    for z in range(STORED_MAX_ZOOM + 1):
        rows = both_cells(z)
        assert len(rows) == len(scattered)
        assert [row[1:3] for row in rows] == [row[3:5] for row in rows], z


@pytest.mark.parametrize("query", ["", "kind=place", "theme=gestion-de-crise"])
def test_every_tile_read_from_the_stored_cells_is_the_one_computed(scattered, query):
    filters = parse_filters(MultiDict(parse_qsl(query)))
    for z in range(STORED_MAX_ZOOM + 1):
        for address in sorted({tile_of(lon, min(max(lat, -MAX_LAT), MAX_LAT), z)
                               for lon, lat in scattered}):
            tile = Tile(z, min(address[1], 2 ** z - 1), min(address[2], 2 ** z - 1))
            stored, computed = tile_clusters(filters, tile), tile_clusters(filters, tile, False)
            assert stored == computed, tile
    world = orjson.loads(tile_clusters(filters, Tile(0, 0, 0)))
    assert world["count"] > 0


def test_a_moved_or_unpublished_initiative_leaves_its_stored_cell(scattered):
    tile, everything = Tile(6, *tile_of(4.6594, 46.4336, 6)[1:]), parse_filters(MultiDict())
    before = orjson.loads(tile_clusters(everything, tile))["count"]
    with write_transaction():
        moved = db.session.scalar(sa.select(Initiative).where(Initiative.lon == 4.6594)
                                  .order_by(Initiative.id).limit(1))
        moved.lon, moved.lat = -0.5792, 44.8378  # to Bordeaux, another zoom-6 tile
    with write_transaction():
        db.session.scalar(sa.select(Initiative).where(Initiative.lon == 4.6594)
                          .order_by(Initiative.id).limit(1)).status = "archived"
    assert orjson.loads(tile_clusters(everything, tile))["count"] == before - 2
    assert tile_clusters(everything, tile) == tile_clusters(everything, tile, False)


def test_a_low_zoom_tile_is_read_from_the_index_of_the_stored_cells(scattered):
    if db.engine.dialect.name == "postgresql":  # a few hundred rows: a scan is cheaper there
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    else:  # SQLite weighs its indexes by the statistics of these rows
        db.session.execute(sa.text("ANALYZE"))
    # Filtered: the unfiltered map reads the cells' totals (tests/test_map_cell_totals.py).
    filters = parse_filters(MultiDict({"status": "all"}))
    plan = explain(cell_statement(filters, Tile(5, 16, 11)))
    assert "ix_initiatives_map_cells" in plan, plan
