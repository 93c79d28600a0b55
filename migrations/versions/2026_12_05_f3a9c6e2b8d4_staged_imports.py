"""Keep an import's parsed rows in the database between its steps, for every app process.

Revision ID: f3a9c6e2b8d4
Revises: f2a7c5e9b3d1
Create Date: 2026-12-05 20:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a9c6e2b8d4'
down_revision = 'f2a7c5e9b3d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staged_imports',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('rows', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_staged_imports_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_staged_imports'))
    )
    with op.batch_alter_table('staged_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_imports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_imports_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staged_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_imports_owner_id'))
        batch_op.drop_index(batch_op.f('ix_staged_imports_created_at'))

    op.drop_table('staged_imports')
