"""Compress the stored public features with lz4 on PostgreSQL.

Every collection page reads its stored features whole: at 100,000 initiatives, the server
spent most of a cold whole-collection fetch decompressing them (pglz). lz4 decompresses
several times faster for about the same size. Compression applies to values written after
the change, so every stored feature is written again. SQLite stores them as they come: no-op
there, and on a server built without lz4.

Revision ID: d9a4f7c2e6b1
Revises: b6e2c4d8f1a3
Create Date: 2026-12-04 21:35:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd9a4f7c2e6b1'
down_revision = 'b6e2c4d8f1a3'
branch_labels = None
depends_on = None


def compress_with(method: str) -> None:
    """Set the column's compression, then write every stored value again in it."""
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql' or not bind.scalar(sa.text(
            "SELECT :method = ANY(enumvals) FROM pg_settings "
            "WHERE name = 'default_toast_compression'"), {"method": method}):
        return
    op.execute(f"ALTER TABLE initiatives ALTER COLUMN public_feature SET COMPRESSION {method}")
    # An UPDATE that keeps a value keeps its compressed bytes: the concatenation makes a new
    # value, compressed anew.
    op.execute("UPDATE initiatives SET public_feature = public_feature || ''::bytea "
               "WHERE public_feature IS NOT NULL")
    op.execute("ANALYZE initiatives")


def upgrade():
    compress_with('lz4')


def downgrade():
    compress_with('pglz')
