"""Add harvest sources (URLs fetched again and again), their runs, and on each initiative its
source, its id there, when it was last seen and what the harvest last wrote (issue 17.4).
Adding, changing and pausing a source join the audit trail of admin actions.

Revision ID: b8d4f2a6c1e3
Revises: a1f0c3d5e7b9
Create Date: 2026-12-06 02:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d4f2a6c1e3'
down_revision = 'a1f0c3d5e7b9'
branch_labels = None
depends_on = None

FORMATS = "'mediation-num', 'data-inclusion', 'geojson', 'umap', 'csv', 'maillage'"
OUTCOMES = "'running', 'ok', 'unchanged', 'failed'"
ACTIONS = ("user_create", "role_change", "rename", "password_set", "activate", "deactivate",
           "scope_add", "scope_remove", "theme_create", "theme_update", "theme_delete",
           "reason_create", "reason_update", "erase", "dossier_create", "dossier_update",
           "dossier_delete")
SOURCE_ACTIONS = ("source_create", "source_update", "source_pause", "source_resume",
                  "source_sync")
COUNTS = ("created", "updated", "unchanged", "archived", "proposed", "conflicts", "errors")


def upgrade():
    create_sources()
    op.create_table(
        'harvest_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.CheckConstraint(f"outcome IN ({OUTCOMES})", name=op.f('ck_harvest_runs_outcome')),
        sa.ForeignKeyConstraint(['source_id'], ['harvest_sources.id'], ondelete='CASCADE',
                                name=op.f('fk_harvest_runs_source_id_harvest_sources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_runs')),
    )
    op.create_index(op.f('ix_harvest_runs_source_id'), 'harvest_runs', ['source_id'])
    add_initiative_columns()
    allow_actions(ACTIONS + SOURCE_ACTIONS)


def create_sources():
    op.create_table(
        'harvest_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('column_mapping', sa.JSON(), nullable=True),
        sa.Column('trusted', sa.Boolean(), nullable=False),
        sa.Column('allow_private', sa.Boolean(), nullable=False),
        sa.Column('paused', sa.Boolean(), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('etag', sa.String(length=500), nullable=True),
        sa.Column('last_modified', sa.String(length=100), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('last_success_at', sa.DateTime(), nullable=True),
        sa.Column('last_full_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('consecutive_failures', sa.Integer(), nullable=False),
        sa.Column('next_due_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"format IN ({FORMATS})", name=op.f('ck_harvest_sources_format')),
        sa.CheckConstraint("interval_seconds > 0", name=op.f('ck_harvest_sources_interval')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_harvest_sources_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_sources')),
        sa.UniqueConstraint('name', name=op.f('uq_harvest_sources_name')),
    )
    op.create_index(op.f('ix_harvest_sources_next_due_at'), 'harvest_sources', ['next_due_at'])


def add_initiative_columns():
    """The source's foreign key in the column's own definition on SQLite: rebuilding the
    initiatives table would delete what cascades from it."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE initiatives ADD COLUMN harvest_source_id INTEGER "
                   "CONSTRAINT fk_initiatives_harvest_source_id_harvest_sources "
                   "REFERENCES harvest_sources (id)")
    else:
        op.add_column('initiatives', sa.Column('harvest_source_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_initiatives_harvest_source_id_harvest_sources'),
                              'initiatives', 'harvest_sources', ['harvest_source_id'], ['id'])
    op.add_column('initiatives', sa.Column('harvest_key', sa.String(length=200), nullable=True))
    op.add_column('initiatives', sa.Column('harvest_seen_at', sa.DateTime(), nullable=True))
    op.add_column('initiatives', sa.Column('harvest_digest', sa.String(length=64), nullable=True))
    op.add_column('initiatives', sa.Column('harvest_revision', sa.Integer(), nullable=True))
    op.create_index('uq_initiatives_harvest_key', 'initiatives',
                    ['harvest_source_id', 'harvest_key'], unique=True)


def allow_actions(actions):
    """Let admin_events hold these actions (SQLite rebuilds the table)."""
    quoted = ", ".join(f"'{action}'" for action in actions)
    with op.batch_alter_table('admin_events', recreate='always') as batch_op:
        batch_op.drop_constraint(op.f('ck_admin_events_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_admin_events_action'), f"action IN ({quoted})")


def downgrade():
    op.execute(f"DELETE FROM admin_events WHERE action IN {SOURCE_ACTIONS!r}")
    allow_actions(ACTIONS)
    op.drop_index('uq_initiatives_harvest_key', table_name='initiatives')
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_initiatives_harvest_source_id_harvest_sources'),
                           'initiatives', type_='foreignkey')
    for column in ('harvest_revision', 'harvest_digest', 'harvest_seen_at', 'harvest_key',
                   'harvest_source_id'):
        op.drop_column('initiatives', column)  # SQLite 3.35+ drops them in place
    op.drop_index(op.f('ix_harvest_runs_source_id'), table_name='harvest_runs')
    op.drop_table('harvest_runs')
    op.drop_index(op.f('ix_harvest_sources_next_due_at'), table_name='harvest_sources')
    op.drop_table('harvest_sources')
