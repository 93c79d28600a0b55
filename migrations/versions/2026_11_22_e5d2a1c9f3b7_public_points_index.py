"""Cover the map's points, the fingerprints and the per-kind counts with indexes.

The map loads id, lon, lat and kind of every public initiative, and each API answer first
fingerprints its rows (count, updated_at, version): with the descriptions and the stored
features in the same rows, both read the whole table. An index holding these columns after
the status answers both from the index alone (a covering index on SQLite, an index-only
scan on PostgreSQL). The per-kind counts of the filter form scan the kind index in order:
with the status in it too, they no longer visit every row.

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
    op.drop_index('ix_initiatives_kind', table_name='initiatives')
    op.create_index('ix_initiatives_kind', 'initiatives', ['kind', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_initiatives_kind', table_name='initiatives')
    op.create_index('ix_initiatives_kind', 'initiatives', ['kind'], unique=False)
    op.drop_index('ix_initiatives_public_points', table_name='initiatives')
