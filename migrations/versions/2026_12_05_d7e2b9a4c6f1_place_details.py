"""Give initiatives the practical details the national standards ask for.

Street address and postcode, phone (E.164), public e-mails, opening hours (OpenStreetMap
syntax), services, publics, fees, access and support modes (codes of
app.initiatives.place_vocabulary), booking and accessibility links (issue 17). All optional.
The stored features are built again: they carry the new properties.

Revision ID: d7e2b9a4c6f1
Revises: c7e2a4f9d1b3
Create Date: 2026-12-05 23:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7e2b9a4c6f1'
down_revision = 'c7e2a4f9d1b3'
branch_labels = None
depends_on = None

COLUMNS = (
    ('street_address', sa.String(length=300)), ('postcode', sa.String(length=5)),
    ('phone', sa.String(length=16)), ('emails', sa.JSON()),
    ('opening_hours', sa.String(length=500)), ('services', sa.JSON()), ('publics', sa.JSON()),
    ('fees', sa.JSON()), ('access_modes', sa.JSON()), ('support_modes', sa.JSON()),
    ('booking_url', sa.String(length=500)), ('accessibility_url', sa.String(length=500)),
)


def upgrade():
    # Plain ALTER TABLE on both dialects: a batch copy of the table cannot rebuild the
    # generated sort columns SQLite holds (migration 7d3f9b2c5e18).
    for name, type_ in COLUMNS:
        op.add_column('initiatives', sa.Column(name, type_, nullable=True))
    op.create_index('ix_initiatives_phone', 'initiatives', ['phone'])
    from app.initiatives.stored_features import refresh_all

    refresh_all(op.get_bind())


def downgrade():
    op.drop_index('ix_initiatives_phone', table_name='initiatives')
    for name, _type in reversed(COLUMNS):
        op.drop_column('initiatives', name)
    from app.initiatives.stored_features import refresh_all

    refresh_all(op.get_bind())
