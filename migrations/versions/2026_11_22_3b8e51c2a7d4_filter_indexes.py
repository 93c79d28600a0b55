"""Index initiative_themes by theme, for the theme filter of the map and the API.

The theme filter looks initiative ids up by theme in initiative_themes, whose only index
(its primary key) starts with initiative_id: SQLite scanned the whole table. The other
filters (kind, actor type, territory, status, updated_at) already have their index.

Revision ID: 3b8e51c2a7d4
Revises: fa597cbda21e
Create Date: 2026-11-22 03:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b8e51c2a7d4'
down_revision = 'fa597cbda21e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_initiative_themes_theme_id', 'initiative_themes',
                    ['theme_id', 'initiative_id'], unique=False)


def downgrade():
    op.drop_index('ix_initiative_themes_theme_id', table_name='initiative_themes')
