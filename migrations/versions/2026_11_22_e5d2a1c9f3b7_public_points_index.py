"""Cover the map's points and the fingerprints with one index.

The map loads id, lon, lat and kind of every public initiative, and each API answer first
fingerprints its rows (count, updated_at, version): with the descriptions and the stored
features in the same rows, both read the whole table. An index holding these columns after
the status answers both from the index alone (a covering index on SQLite, an index-only
scan on PostgreSQL).

Revision ID: e5d2a1c9f3b7
Revises: c41f7a9e0b52
Create Date: 2026-11-22 03:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5d2a1c9f3b7'
down_revision = 'c41f7a9e0b52'
branch_labels = None
depends_on = None

COLUMNS = ['status', 'id', 'lon', 'lat', 'kind', 'version', 'updated_at']


def upgrade():
    op.create_index('ix_initiatives_public_points', 'initiatives', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_initiatives_public_points', table_name='initiatives')
