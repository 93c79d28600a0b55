"""Add dossiers: curated, citable collections of initiatives with their own sources.

A dossier has a title, a slug, a Markdown introduction, ordered sources shaped as an
initiative's (issue 15.5) and an ordered list of initiatives. Deleting a dossier or an
initiative removes their links. Their creation, changes and deletion join the audit trail
of admin actions.

Revision ID: d7c3e1a5b9f4
Revises: d7e2b9a4c6f1
Create Date: 2026-12-05 23:05:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7c3e1a5b9f4'
down_revision = 'd7e2b9a4c6f1'
branch_labels = None
depends_on = None

ACTIONS = ("user_create", "role_change", "rename", "password_set", "activate", "deactivate",
           "scope_add", "scope_remove", "theme_create", "theme_update", "theme_delete",
           "reason_create", "reason_update", "erase")
DOSSIER_ACTIONS = ("dossier_create", "dossier_update", "dossier_delete")


def allow_actions(actions):
    """Let admin_events hold these actions (SQLite rebuilds the table)."""
    quoted = ", ".join(f"'{action}'" for action in actions)
    with op.batch_alter_table('admin_events', recreate='always') as batch_op:
        batch_op.drop_constraint(op.f('ck_admin_events_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_admin_events_action'), f"action IN ({quoted})")


def upgrade():
    op.create_table(
        'dossiers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('introduction', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_dossiers_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_dossiers_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
        sa.UniqueConstraint('slug', name=op.f('uq_dossiers_slug')),
    )
    op.create_table(
        'dossier_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('quote', sa.Text(), nullable=True),
        sa.Column('locator', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                                name=op.f('fk_dossier_sources_dossier_id_dossiers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_sources')),
    )
    op.create_index('ix_dossier_sources_dossier_id', 'dossier_sources', ['dossier_id', 'position'])
    op.create_table(
        'dossier_initiatives',
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                                name=op.f('fk_dossier_initiatives_dossier_id_dossiers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'],
                                name=op.f('fk_dossier_initiatives_initiative_id_initiatives'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('dossier_id', 'initiative_id', name=op.f('pk_dossier_initiatives')),
    )
    op.create_index('ix_dossier_initiatives_initiative_id', 'dossier_initiatives',
                    ['initiative_id', 'dossier_id'])
    allow_actions(ACTIONS + DOSSIER_ACTIONS)


def downgrade():
    op.execute(f"DELETE FROM admin_events WHERE action IN {DOSSIER_ACTIONS!r}")
    allow_actions(ACTIONS)
    op.drop_index('ix_dossier_initiatives_initiative_id', table_name='dossier_initiatives')
    op.drop_table('dossier_initiatives')
    op.drop_index('ix_dossier_sources_dossier_id', table_name='dossier_sources')
    op.drop_table('dossier_sources')
    op.drop_table('dossiers')
