"""Totals per stored map cell, kept by triggers on every write: the unfiltered map's tiles
up to zoom 11 read them (app.geo.cell_totals) instead of the initiatives.

A row per cell of the finest stored grid (map_column, map_row) holding published points:
their count, smallest id, sums of lon and lat (for the mean) and extent. An insert adds to
its cell; a removal (delete, move, unpublishing) subtracts its count and sums, and when it
bounded the cell (an edge of the extent, or the smallest id) the cell is marked stale, then
counted again from the initiatives through the stored cells' index (only cells whose edge
moved pay that). Additions go first, so a move within one cell compares with the extent that
includes its new place.

PostgreSQL: statement triggers with transition tables for inserts and deletes (a COPY of
100,000 rows updates each touched cell once), a row trigger for the updates that change a
status or a point (UPDATE OF ... WHEN: the other updates, such as the stored features'
rewrite of every row, do not fire it) then a statement trigger counting the stale cells
again (a row trigger sees the statement's final rows), and a truncate clears the totals.
SQLite: row triggers with the same statements, each row settled at once. Created with op.execute beside data_versions' triggers;
a SQLite batch migration rebuilding `initiatives` would drop them (create them again).

Revision ID: f3c7a1d9b2e4
Revises: e5a1c8f3d9b6
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f3c7a1d9b2e4'
down_revision = 'e5a1c8f3d9b6'
branch_labels = None
depends_on = None

COLUMNS = "cell_column, cell_row, total, first_id, sum_lon, sum_lat, west, south, east, north"
TOTALS = ("count(*), min(id), sum(lon), sum(lat), min(lon), min(lat), max(lon), max(lat)")
# What the unfiltered map shows: app.filters.Filters().statuses, with a point.
COUNTED = "status = 'published' AND map_column IS NOT NULL"
# The removed rows of a cell lie strictly inside its extent and after its first id: the
# extent and the first id stay, only the count and the sums change.
INSIDE = ("r.first_id > m.first_id AND r.west > m.west AND r.east < m.east "
          "AND r.south > m.south AND r.north < m.north")
KEY = "m.cell_column = r.cell_column AND m.cell_row = r.cell_row"
ROW = ("(SELECT {0}.id AS id, {0}.status AS status, {0}.lon AS lon, {0}.lat AS lat, "
       "{0}.map_column AS map_column, {0}.map_row AS map_row)")


def totals_of(source: str) -> str:
    """The counted rows of source, totalled per cell."""
    return (f"SELECT map_column AS cell_column, map_row AS cell_row, count(*) AS total, "
            f"min(id) AS first_id, sum(lon) AS sum_lon, sum(lat) AS sum_lat, min(lon) AS west, "
            f"min(lat) AS south, max(lon) AS east, max(lat) AS north FROM {source} AS s "
            f"WHERE {COUNTED} GROUP BY map_column, map_row")


def add(source: str, postgresql: bool) -> str:
    """Add the counted rows of source to their cells' totals."""
    least, greatest = ('least', 'greatest') if postgresql else ('min', 'max')
    merged = ", ".join(
        [f"{name} = map_cells.{name} + excluded.{name}"
         for name in ('total', 'sum_lon', 'sum_lat')]
        + [f"{name} = {least}(map_cells.{name}, excluded.{name})"
           for name in ('first_id', 'west', 'south')]
        + [f"{name} = {greatest}(map_cells.{name}, excluded.{name})" for name in ('east', 'north')])
    # WHERE true: SQLite would read ON CONFLICT as a join's (its documented ambiguity).
    return (f"INSERT INTO map_cells ({COLUMNS}) SELECT * FROM ({totals_of(source)}) AS t "
            f"WHERE true ORDER BY cell_column, cell_row "
            f"ON CONFLICT (cell_column, cell_row) DO UPDATE SET {merged}")


def remove(source: str) -> list[str]:
    """Take the counted rows of source out of their cells' totals: subtract, and mark the
    cells they bounded to be counted again (SETTLE)."""
    removed = f"({totals_of(source)}) AS r"
    cells = KEY.replace('m.', 'map_cells.')
    # No alias for the updated table: SQLite takes none in a trigger.
    return [
        f"UPDATE map_cells SET total = map_cells.total - r.total, "
        f"sum_lon = map_cells.sum_lon - r.sum_lon, sum_lat = map_cells.sum_lat - r.sum_lat "
        f"FROM {removed} WHERE {cells} AND {INSIDE.replace('m.', 'map_cells.')}",
        f"UPDATE map_cells SET stale = true FROM {removed} "
        f"WHERE {cells} AND NOT ({INSIDE.replace('m.', 'map_cells.')})",
    ]


# The stale cells counted again from the stored cells' index; those left empty dropped.
SETTLE = [
    "UPDATE map_cells SET total = f.total, first_id = f.first_id, sum_lon = f.sum_lon, "
    "sum_lat = f.sum_lat, west = f.west, south = f.south, east = f.east, north = f.north, "
    "stale = false FROM (SELECT i.map_column AS cell_column, i.map_row AS cell_row, "
    "count(*) AS total, min(i.id) AS first_id, sum(i.lon) AS sum_lon, sum(i.lat) AS sum_lat, "
    "min(i.lon) AS west, min(i.lat) AS south, max(i.lon) AS east, max(i.lat) AS north "
    "FROM map_cells AS m JOIN initiatives AS i ON i.map_column = m.cell_column "
    "AND i.map_row = m.cell_row WHERE m.stale AND i.status = 'published' "
    "GROUP BY i.map_column, i.map_row) AS f "
    "WHERE map_cells.cell_column = f.cell_column AND map_cells.cell_row = f.cell_row",
    "DELETE FROM map_cells WHERE stale",
]


def pg_function(name: str, statements: list[str]) -> str:
    body = ";\n    ".join(statements)
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {body};\n    RETURN NULL;\nEND $$")


CHANGED_PG = ("OLD.status IS DISTINCT FROM NEW.status OR OLD.lon IS DISTINCT FROM NEW.lon "
              "OR OLD.lat IS DISTINCT FROM NEW.lat")
CHANGED_SQLITE = "OLD.status IS NOT NEW.status OR OLD.lon IS NOT NEW.lon OR OLD.lat IS NOT NEW.lat"
PG_TRIGGERS = {
    'initiatives_map_cells_insert': (
        'maillage_map_cells_added', "AFTER INSERT ON initiatives REFERENCING NEW TABLE AS "
        "added_rows FOR EACH STATEMENT"),
    'initiatives_map_cells_delete': (
        'maillage_map_cells_removed', "AFTER DELETE ON initiatives REFERENCING OLD TABLE AS "
        "removed_rows FOR EACH STATEMENT"),
    'initiatives_map_cells_update': (
        'maillage_map_cells_moved', "AFTER UPDATE OF status, lon, lat ON initiatives "
        f"FOR EACH ROW WHEN ({CHANGED_PG})"),
    # After the row triggers: a row trigger sees the statement's final rows, so counting a
    # cell there would miss the removals of the rows not yet handled.
    'initiatives_map_cells_settle': (
        'maillage_map_cells_settled', "AFTER UPDATE OF status, lon, lat ON initiatives "
        "FOR EACH STATEMENT"),
    'initiatives_map_cells_truncate': (
        'maillage_map_cells_cleared', "AFTER TRUNCATE ON initiatives FOR EACH STATEMENT"),
}
SQLITE_TRIGGERS = {
    'initiatives_map_cells_insert': "AFTER INSERT ON initiatives WHEN NEW.status = 'published' "
                                    "AND NEW.map_column IS NOT NULL",
    'initiatives_map_cells_delete': "AFTER DELETE ON initiatives WHEN OLD.status = 'published' "
                                    "AND OLD.map_column IS NOT NULL",
    'initiatives_map_cells_update': f"AFTER UPDATE OF status, lon, lat ON initiatives "
                                    f"WHEN {CHANGED_SQLITE}",
}


def create_table():
    op.create_table(
        'map_cells',
        sa.Column('cell_column', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('cell_row', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(53), nullable=False)
          for name in ('sum_lon', 'sum_lat', 'west', 'south', 'east', 'north')),
        sa.Column('stale', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index('ix_map_cells_stale', 'map_cells', ['stale'],
                    postgresql_where=sa.text('stale'), sqlite_where=sa.text('stale'))


def create_pg_triggers():
    functions = {
        'maillage_map_cells_added': [add('added_rows', True)],
        'maillage_map_cells_removed': remove('removed_rows') + SETTLE,
        'maillage_map_cells_moved': [add(ROW.format('NEW'), True)] + remove(ROW.format('OLD')),
        'maillage_map_cells_settled': SETTLE,
        'maillage_map_cells_cleared': ["DELETE FROM map_cells"],
    }
    for name, statements in functions.items():
        op.execute(pg_function(name, statements))
    for trigger, (function, when) in PG_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {trigger} {when} EXECUTE FUNCTION {function}()")


def create_sqlite_triggers():
    bodies = {
        'initiatives_map_cells_insert': [add(ROW.format('NEW'), False)],
        'initiatives_map_cells_delete': remove(ROW.format('OLD')) + SETTLE,
        'initiatives_map_cells_update': ([add(ROW.format('NEW'), False)]
                                         + remove(ROW.format('OLD')) + SETTLE),
    }
    for trigger, when in SQLITE_TRIGGERS.items():
        body = "; ".join(bodies[trigger])
        op.execute(f"CREATE TRIGGER {trigger} {when} BEGIN {body}; END")


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    create_table()
    op.execute(f"INSERT INTO map_cells ({COLUMNS}) {totals_of('initiatives')}")
    if postgresql:
        create_pg_triggers()
        op.execute("ANALYZE map_cells")
    else:
        create_sqlite_triggers()


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for trigger, (function, _when) in PG_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON initiatives")
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_index('ix_map_cells_stale', table_name='map_cells')
    op.drop_table('map_cells')
