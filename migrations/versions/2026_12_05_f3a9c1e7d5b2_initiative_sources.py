"""Give initiatives an ordered list of sources, the seed's free-text source its first one.

Every entry must say where its facts come from (issue 15): a title, an optional web address
and date, the exact passage quoted and where it is in the document. The seed named its
document in the free-text `source`; that text becomes the seeded entries' first source (and
leaves `source`, which keeps saying where an imported row came from). The stored features
are built again: they carry `sources`.

Downgrading puts the first source's title back into the seeded entries' `source`.

Revision ID: f3a9c1e7d5b2
Revises: b1d7e3a9c5f2
Create Date: 2026-12-05 20:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a9c1e7d5b2'
down_revision = 'b1d7e3a9c5f2'
branch_labels = None
depends_on = None

SEEDED_WITH_SOURCE = ("FROM initiatives WHERE external_id LIKE 'seed:%' AND source <> ''")


def upgrade():
    op.create_table(
        'initiative_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('quote', sa.Text(), nullable=True),
        sa.Column('locator', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'],
                                name=op.f('fk_initiative_sources_initiative_id_initiatives'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_sources')),
    )
    op.create_index('ix_initiative_sources_initiative_id', 'initiative_sources',
                    ['initiative_id', 'position'])
    op.execute("INSERT INTO initiative_sources (initiative_id, position, title) "
               f"SELECT id, 0, substr(source, 1, 300) {SEEDED_WITH_SOURCE}")
    op.execute(f"UPDATE initiatives SET source = '' WHERE id IN (SELECT id {SEEDED_WITH_SOURCE})")
    from app.initiatives.stored_features import refresh_all

    refresh_all(op.get_bind())


def downgrade():
    op.execute("UPDATE initiatives SET source = (SELECT s.title FROM initiative_sources s "
               "WHERE s.initiative_id = initiatives.id ORDER BY s.position LIMIT 1) "
               "WHERE external_id LIKE 'seed:%' AND source = '' AND EXISTS "
               "(SELECT 1 FROM initiative_sources s WHERE s.initiative_id = initiatives.id)")
    op.drop_index('ix_initiative_sources_initiative_id', table_name='initiative_sources')
    op.drop_table('initiative_sources')
