"""Rewrite the stored public features whose description held a `<`.

The `description` of the API and the exports was cleaned of HTML by one regular expression
pass, which `<<b>img src=x onerror=…>` rebuilt into a working tag (issue 13). It is now the
text an HTML parser finds (app.initiatives.plain_text): only descriptions holding a `<` come
out differently, so only their features are built again.

Downgrading keeps the new features: they are safe for the older code too.

Revision ID: e4b8d1f6a9c2
Revises: c4e8a2f6d1b9
Create Date: 2026-12-05 18:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4b8d1f6a9c2'
down_revision = 'c4e8a2f6d1b9'
branch_labels = None
depends_on = None

WITH_ANGLE_BRACKET = sa.text(
    "SELECT id FROM initiatives WHERE public_feature IS NOT NULL "
    "AND description LIKE '%<%' ORDER BY id")


def upgrade():
    from app.initiatives.stored_features import refresh_features

    bind = op.get_bind()
    refresh_features(bind, bind.scalars(WITH_ANGLE_BRACKET).all())


def downgrade():
    pass
