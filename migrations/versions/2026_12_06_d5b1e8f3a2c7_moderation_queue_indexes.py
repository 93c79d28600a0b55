"""Index the moderation queue's sections in their page order (status, created_at, id): the
first, a deep and the last page of a section walk an index from their cursor, with no sort of
every waiting item (issue 19.2).

Revision ID: d5b1e8f3a2c7
Revises: c4e9a2d7f1b3
Create Date: 2026-12-06 05:50:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5b1e8f3a2c7'
down_revision = 'c4e9a2d7f1b3'
branch_labels = None
depends_on = None

TABLES = ("initiatives", "change_sets", "reports")


def upgrade():
    for table in TABLES:
        op.create_index(f'ix_{table}_queue', table, ['status', 'created_at', 'id'])


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_queue', table_name=table)
