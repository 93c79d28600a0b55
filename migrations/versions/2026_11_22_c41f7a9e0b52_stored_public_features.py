"""Store each initiative's public GeoJSON feature, serialised, and fill it for existing rows.

The API's collections join these bytes instead of building every feature per request
(app.initiatives.stored_features keeps them current on every write). The backfill builds
them with the app's own code, on this migration's connection.

Revision ID: c41f7a9e0b52
Revises: 3b8e51c2a7d4
Create Date: 2026-11-22 03:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41f7a9e0b52'
down_revision = '3b8e51c2a7d4'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: no table rebuild on SQLite (its triggers and children stay).
    op.add_column('initiatives', sa.Column('public_feature', sa.LargeBinary(), nullable=True))
    from app.initiatives.stored_features import refresh_all

    bind = op.get_bind()
    refresh_all(bind)
    if bind.dialect.name == 'postgresql':
        # Every row was rewritten: until autovacuum gets to it, the planner would misjudge
        # the table (a collection page estimated 312 rows of 100,000 and read them all).
        # SQLite needs nothing: its statistics, if any, describe indexes the backfill kept.
        op.execute("ANALYZE initiatives")


def downgrade():
    op.drop_column('initiatives', 'public_feature')
