"""Record which initiative was inspired by (or copied from) which (issue 16.2).

One row per link: the initiative that followed the example and the one it followed. Never
an initiative with itself; a link is there once (the primary key). Deleting either
initiative removes the link.

Revision ID: e8b4d2f6a1c3
Revises: d7c3e1a5b9f4
Create Date: 2026-12-05 23:55:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e8b4d2f6a1c3'
down_revision = 'd7c3e1a5b9f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'initiative_lineage',
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('inspired_by_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('initiative_id <> inspired_by_id',
                           name=op.f('ck_initiative_lineage_not_self')),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'],
                                name=op.f('fk_initiative_lineage_initiative_id_initiatives'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['inspired_by_id'], ['initiatives.id'],
                                name=op.f('fk_initiative_lineage_inspired_by_id_initiatives'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('initiative_id', 'inspired_by_id',
                                name=op.f('pk_initiative_lineage')),
    )
    op.create_index('ix_initiative_lineage_inspired_by_id', 'initiative_lineage',
                    ['inspired_by_id', 'initiative_id'])


def downgrade():
    op.drop_index('ix_initiative_lineage_inspired_by_id', table_name='initiative_lineage')
    op.drop_table('initiative_lineage')
