"""Build the stored features again: they carry the slugs of the initiative's dossiers.

Revision ID: c4e9a2d7f1b3
Revises: b8d4f2a6c1e3
Create Date: 2026-12-06 02:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e9a2d7f1b3'
down_revision = 'b8d4f2a6c1e3'
branch_labels = None
depends_on = None


def upgrade():
    from app.initiatives.stored_features import refresh_all

    refresh_all(op.get_bind())


def downgrade():
    pass  # features with more properties than the older code reads are harmless
