"""Each initiative's cell of the map's finest stored grid, computed by the database, indexed.

A map tile at zoom 11 or less groups its initiatives by these columns shifted right, read
from one index (app.geo.tiles): no logarithm per row, no visit of the wide rows.

Revision ID: e5a1c8f3d9b6
Revises: d7e3b9a5c2f8
Create Date: 2026-12-06 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e5a1c8f3d9b6'
down_revision = 'd7e3b9a5c2f8'
branch_labels = None
depends_on = None

# Frozen here: app.geo.tiles.STORED_CELL_LEVEL, MAX_LAT and cell_columns() when written; the
# same operations in the same order, so the cell is the same double rounded down.
LEVEL_CELLS = 2 ** 13
MAX_LAT = '85.0511287798066'
QUARTER_PI = '0.7853981633974483'
PI = '3.141592653589793'
INDEX = 'ix_initiatives_map_cells'


def as_double(literal: str) -> str:
    return f"CAST({literal} AS DOUBLE PRECISION)"


def expressions(postgresql: bool) -> tuple[str, str]:
    """The column and row of an initiative's cell at the stored level, as SQL."""
    least, greatest = ('least', 'greatest') if postgresql else ('min', 'max')
    clamped = f"{least}({greatest}(lat, -{as_double(MAX_LAT)}), {as_double(MAX_LAT)})"
    mercator = f"ln(tan(radians({clamped}) / 2 + {as_double(QUARTER_PI)}))"
    column = f"CAST(floor((lon + 180) / 360 * {LEVEL_CELLS}) AS INTEGER)"
    row = f"CAST(floor((1 - {mercator} / {as_double(PI)}) / 2 * {LEVEL_CELLS}) AS INTEGER)"
    # SQLAlchemy gives SQLite connections a floor() of Python's, which refuses NULL.
    return tuple(f"CASE WHEN lon IS NULL OR lat IS NULL THEN NULL ELSE {value} END"
                 for value in (column, row))


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    # Stored on PostgreSQL, which indexes no virtual column; virtual on SQLite, which adds
    # no stored column without rebuilding the table (as the list's sort keys).
    stored = True if postgresql else None
    column, row = expressions(postgresql)
    op.add_column('initiatives', sa.Column('map_column', sa.Integer(), sa.Computed(
        column, persisted=stored)))
    op.add_column('initiatives', sa.Column('map_row', sa.Integer(), sa.Computed(
        row, persisted=stored)))
    if postgresql:
        op.create_index(INDEX, 'initiatives', ['map_column', 'map_row'],
                        postgresql_include=['status', 'id', 'lon', 'lat'])
        op.execute("ANALYZE initiatives")
    else:
        op.create_index(INDEX, 'initiatives',
                        ['map_column', 'map_row', 'status', 'id', 'lon', 'lat'])
        op.execute("ANALYZE")


def downgrade():
    op.drop_index(INDEX, table_name='initiatives')
    op.execute("ALTER TABLE initiatives DROP COLUMN map_row")
    op.execute("ALTER TABLE initiatives DROP COLUMN map_column")
