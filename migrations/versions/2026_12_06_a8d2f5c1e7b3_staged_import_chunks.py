"""Keep a staged import's rows in chunks of rows, read one at a time, instead of one blob
that every import step unpacked whole.

Staged imports live an hour: those waiting are dropped (their owners upload them again).

Revision ID: a8d2f5c1e7b3
Revises: f3c7a1d9b2e4
Create Date: 2026-12-06 15:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a8d2f5c1e7b3'
down_revision = 'f3c7a1d9b2e4'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM staged_imports")
    op.create_table('staged_import_chunks',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rows', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['token'], ['staged_imports.token'], name=op.f('fk_staged_import_chunks_token_staged_imports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', 'position', name=op.f('pk_staged_import_chunks'))
    )
    with op.batch_alter_table('staged_imports', schema=None) as batch_op:
        batch_op.drop_column('rows')


def downgrade():
    op.execute("DELETE FROM staged_imports")  # their chunks go with them (cascade)
    with op.batch_alter_table('staged_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rows', sa.LargeBinary(), nullable=False))
    op.drop_table('staged_import_chunks')
