"""The unfiltered map's tiles up to zoom 11, read from the totals kept per stored cell by
triggers (migration f3c7a1d9b2e4, app.geo.cell_totals), are those of the live query after
any write, on either database: bulk loads, moves, deletes, unpublishing, points removed."""

import math
import random

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import write_transaction
from app.extensions import db
from app.filters import Filters
from app.geo.cell_totals import UNFILTERED, map_cells
from app.geo.clusters import cell_statement, tile_clusters
from app.geo.spatial import explain
from app.geo.tiles import MAX_LAT, STORED_MAX_ZOOM, Tile
from app.models import Initiative, Theme
from benchmarks.generate import Generator
from benchmarks.load import copy_postgres, insert_sqlite
from tests.test_map_tiles import TOWNS, tile_of

pytestmark = pytest.mark.usefixtures("app")
STATUSES = ("published", "published", "published", "pending", "archived", "rejected")
CLUNY = (4.6594, 46.4336)  # several initiatives at one place: a cluster zooming cannot part
# An initiative covering a whole territory has no point (app.models.scope).
NO_POINT = {"lon": None, "lat": None, "insee": None, "location_precision": "territory",
            "scope": "national", "region": None, "departement": None, "epci": None}


def random_rows(chance: random.Random, count: int, first_id: int) -> list[dict]:
    """Initiatives of every status, some without a point, some anywhere, some at one place."""
    rows = Generator(TOWNS, seed=chance.randrange(1 << 30)).rows(count, first_id)
    for row in rows:
        row["status"] = chance.choice(STATUSES)
        draw = chance.random()
        if draw < 0.1:
            row.update(NO_POINT)
        elif draw < 0.3:
            row["lon"], row["lat"] = chance.uniform(-180, 180), chance.uniform(-89, 89)
        elif draw < 0.4:
            row["lon"], row["lat"] = CLUNY
        else:  # in the towns' few cells, most strictly inside their cell's extent
            row["lon"] += chance.uniform(-0.01, 0.01)
            row["lat"] += chance.uniform(-0.01, 0.01)
    return rows


def bulk_load(rows: list[dict]) -> None:
    """Write the rows as the benchmark's loader does: COPY on PostgreSQL, executemany."""
    theme_ids = dict(db.session.execute(sa.select(Theme.slug, Theme.id)).all())
    db.session.commit()
    load = copy_postgres if db.engine.dialect.name == "postgresql" else insert_sqlite
    load(db.engine, rows, theme_ids)


def next_id() -> int:
    return (db.session.scalar(sa.select(sa.func.max(Initiative.id))) or 0) + 1


def rewrite(chance: random.Random) -> None:
    """Move, unpublish, publish, delete, take the point of, and change the themes of some."""
    with write_transaction():
        initiatives = db.session.scalars(sa.select(Initiative)).all()
        places = [(i.lon, i.lat) for i in initiatives if i.lon is not None]
        themes = db.session.scalars(sa.select(Theme)).all()
        for initiative in chance.sample(initiatives, len(initiatives) // 2):
            draw = chance.random()
            if draw < 0.3:  # often onto another's place: the edge of a cell's extent
                initiative.lon, initiative.lat = chance.choice(places)
                initiative.scope = "local"
            elif draw < 0.4:
                for name, value in NO_POINT.items():
                    setattr(initiative, name, value)
            elif draw < 0.6:
                initiative.status = chance.choice(STATUSES)
            elif draw < 0.7:
                db.session.delete(initiative)
            else:  # no change to the map
                initiative.themes = chance.sample(themes, 2)
                initiative.name = f"{initiative.name} (renamed)"


def bulk_rewrite() -> None:
    """Statements writing many rows at once."""
    with write_transaction():
        # Several rows of a cell in one statement, some on its edges.
        db.session.execute(sa.text("UPDATE initiatives SET status = 'archived' WHERE id % 3 = 0"))
        db.session.execute(sa.text("UPDATE initiatives SET lon = lon / 2, lat = lat / 2 "
                                   "WHERE id % 5 = 0"))
        db.session.execute(sa.text("DELETE FROM initiatives WHERE id % 7 = 0"))


def unpublish_first_of_dense_cells() -> None:
    """The smallest id of a crowded cell, seldom on an edge of its extent, leaves it."""
    firsts = [first for count, first, *_rest in live_totals().values() if count >= 3]
    assert len(firsts) >= 3
    with write_transaction():
        db.session.execute(sa.update(Initiative).where(Initiative.id.in_(firsts))
                           .values(status="pending"))


def live_totals() -> dict[tuple[int, int], tuple]:
    """The totals as counted now from the initiatives."""
    rows = db.session.execute(sa.text(
        "SELECT map_column, map_row, count(*), min(id), sum(lon), sum(lat), min(lon), "
        "min(lat), max(lon), max(lat) FROM initiatives WHERE status = 'published' AND "
        "map_column IS NOT NULL GROUP BY map_column, map_row"))
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def assert_totals_kept() -> None:
    kept = {(row[0], row[1]): tuple(row[2:]) for row in db.session.execute(sa.select(
        *(map_cells.c[name] for name in ("cell_column", "cell_row", "total", "first_id",
                                         "sum_lon", "sum_lat", "west", "south", "east",
                                         "north"))))}
    live = live_totals()
    assert kept.keys() == live.keys()
    for cell, (count, first, sum_lon, sum_lat, *extent) in live.items():
        assert kept[cell][:2] == (count, first) and list(kept[cell][4:]) == extent, cell
        assert math.isclose(kept[cell][2], sum_lon, abs_tol=1e-9), cell
        assert math.isclose(kept[cell][3], sum_lat, abs_tol=1e-9), cell


def assert_tiles_match(points: set[tuple[float, float]]) -> None:
    """Every tile up to zoom 11 holding one of the points: the totals' body is the live one."""
    assert points
    for z in range(STORED_MAX_ZOOM + 1):
        for address in sorted({tile_of(lon, min(max(lat, -MAX_LAT), MAX_LAT), z)
                               for lon, lat in points}):
            tile = Tile(z, min(address[1], 2 ** z - 1), min(address[2], 2 ** z - 1))
            assert tile_clusters(UNFILTERED, tile) == tile_clusters(UNFILTERED, tile, False), tile


def all_points() -> set[tuple[float, float]]:
    return set(db.session.execute(sa.select(Initiative.lon, Initiative.lat)
                                  .where(Initiative.lon.is_not(None),
                                         Initiative.lat.is_not(None))).all())


def test_the_totals_follow_every_write_and_give_the_live_tiles(themes):
    chance = random.Random(1919)
    bulk_load(random_rows(chance, 150, 1))
    assert_totals_kept()
    seen = all_points()
    for _ in range(2):
        rewrite(chance)
        assert_totals_kept()
        seen |= all_points()
    unpublish_first_of_dense_cells()
    assert_totals_kept()
    bulk_load(random_rows(chance, 150, next_id()))
    bulk_rewrite()
    assert_totals_kept()
    assert_tiles_match(seen | all_points())
    with write_transaction():  # a whole cell unpublished, then emptied
        db.session.execute(sa.update(Initiative).where(Initiative.lon == CLUNY[0])
                           .values(status="pending"))
        db.session.execute(sa.delete(Initiative).where(Initiative.status != "published"))
    assert_totals_kept()
    assert_tiles_match(seen)


def test_an_unfiltered_low_zoom_tile_reads_the_totals_not_the_initiatives(themes):
    bulk_load(random_rows(random.Random(7), 60, 1))
    for tile in (Tile(0, 0, 0), Tile(5, 16, 11), Tile(STORED_MAX_ZOOM, 1034, 703)):
        sql = str(cell_statement(UNFILTERED, tile).compile(db.engine))
        plan = explain(cell_statement(UNFILTERED, tile))
        assert "map_cells" in sql and "initiatives" not in sql, sql
        assert "map_cells" in plan and "initiatives" not in plan, plan
    # Past zoom 11, or filtered, the live query.
    archived = Filters(status="archived")
    for filters, tile in ((UNFILTERED, Tile(12, 2068, 1407)), (archived, Tile(0, 0, 0))):
        sql = str(cell_statement(filters, tile).compile(db.engine))
        assert "FROM initiatives" in sql and "FROM map_cells" not in sql, sql


def test_the_world_tile_is_one_grouped_read_of_the_totals(themes):
    bulk_load(random_rows(random.Random(8), 60, 1))
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", record := (
        lambda _conn, _cursor, statement, *_args: statements.append(statement)))
    try:
        tile_clusters(UNFILTERED, Tile(0, 0, 0))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    grouped = [statement for statement in statements if "GROUP BY" in statement]
    assert len(grouped) == 1 and "map_cells" in grouped[0], statements
    assert "FROM initiatives" not in grouped[0]


def test_the_migration_totals_the_rows_already_there(themes):
    chance = random.Random(3)
    bulk_load(random_rows(chance, 80, 1))
    db.session.remove()
    downgrade(revision="e5a1c8f3d9b6")
    bulk_load(random_rows(chance, 40, 81))  # written while no trigger kept the totals
    db.session.remove()
    upgrade()
    assert_totals_kept()
    assert_tiles_match(all_points())
