"""Record the form stamps spent on accepted submissions, so each stamp serves once.

Revision ID: f2a9c6e1d3b7
Revises: f2a6c8e4b1d7
Create Date: 2026-12-05 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2a9c6e1d3b7'
down_revision = 'f2a6c8e4b1d7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'used_stamps',
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('nonce'),
    )
    op.create_index('ix_used_stamps_used_at', 'used_stamps', ['used_at'])


def downgrade():
    op.drop_index('ix_used_stamps_used_at', table_name='used_stamps')
    op.drop_table('used_stamps')
