"""Rewrite the stored public features whose `url` is not their page's canonical URL.

The API built its `url` with a slug of its own (at most 12 words, non-ASCII letters
dropped), the pages with theirs (words up to 80 characters, every other character a word
break): for some names the API's URL answered a redirect. Both now use
app.initiatives.paths, the pages' slug, so page URLs already out there keep working; the
features stored with the API's old slug are built again. The rows are read once, a batch at
a time; only the stale features are written.

Downgrading keeps the features as they are: their URLs answer 200 with the older code too.

Revision ID: a7c3e9f1b2d4
Revises: d9a4f7c2e6b1
Create Date: 2026-12-05 17:20:00.000000

"""
import orjson
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = 'd9a4f7c2e6b1'
branch_labels = None
depends_on = None

BATCH = 1000


def stale_ids(bind) -> list[int]:
    """The initiatives whose stored feature does not hold their canonical path."""
    from app.initiatives.paths import initiative_path

    rows = bind.execute(
        sa.text("SELECT id, name, public_feature FROM initiatives "
                "WHERE public_feature IS NOT NULL ORDER BY id"),
        execution_options={"yield_per": BATCH})
    stale = []
    for batch in rows.partitions(BATCH):
        for initiative_id, name, feature in batch:
            url = b'"url":' + orjson.dumps(initiative_path(initiative_id, name))
            if url not in bytes(feature):
                stale.append(initiative_id)
    return stale


def upgrade():
    from app.initiatives.stored_features import refresh_features

    bind = op.get_bind()
    refresh_features(bind, stale_ids(bind))


def downgrade():
    pass
