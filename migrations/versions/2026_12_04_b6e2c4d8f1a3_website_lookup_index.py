"""Index the lower-cased website, so the duplicate checks find a site without a scan.

find_duplicates and the moderation queue's badges look initiatives up by website: the
lower-cased URL starts with one of four prefixes (http or https, with or without www.).
Expression indexes, which the model does not see: on PostgreSQL in the "C" collation, so
a prefix is a range of the index whatever the database's collation.

Revision ID: b6e2c4d8f1a3
Revises: 7d3f9b2c5e18
Create Date: 2026-12-04 21:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b6e2c4d8f1a3'
down_revision = '7d3f9b2c5e18'
branch_labels = None
depends_on = None


def upgrade():
    key = ('lower(website) COLLATE "C"' if op.get_bind().dialect.name == 'postgresql'
           else 'lower(website)')
    op.execute(f"CREATE INDEX ix_initiatives_website_lower ON initiatives (({key}))")


def downgrade():
    op.execute("DROP INDEX ix_initiatives_website_lower")
