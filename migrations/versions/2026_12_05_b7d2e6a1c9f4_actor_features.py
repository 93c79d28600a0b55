"""Build the stored features again: they carry the lead actor's id and identifiers
(actor_id, actor_siren, actor_siret, actor_rna) and the partners.

Revision ID: b7d2e6a1c9f4
Revises: a4c7e2f9d1b3
Create Date: 2026-12-05 23:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d2e6a1c9f4'
down_revision = 'a4c7e2f9d1b3'
branch_labels = None
depends_on = None


def upgrade():
    from app.initiatives.stored_features import refresh_all

    refresh_all(op.get_bind())


def downgrade():
    pass  # features with more properties than the older code reads are harmless
