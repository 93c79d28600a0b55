"""Session tokens: a random token per user, part of every session, so sign-out revokes it.

Existing accounts get a token each; sessions opened before this migration no longer match
(their cookie holds the bare id) and their holders sign in again.

Revision ID: fa597cbda21e
Revises: 69a5d8d356ef
Create Date: 2026-11-22 01:12:00.796656

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fa597cbda21e'
down_revision = '69a5d8d356ef'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))


def upgrade():
    # A plain ADD COLUMN (no table rebuild on SQLite: rebuilding users with foreign keys on
    # would cascade to its children). The empty default is never a valid token.
    op.add_column('users', sa.Column('session_token', sa.String(length=64), nullable=False,
                                     server_default=''))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(
            session_token=secrets.token_hex(16)))


def downgrade():
    # ALTER TABLE DROP COLUMN (SQLite 3.35+), again without rebuilding the table.
    op.drop_column('users', 'session_token')
