"""Record admin actions in an audit trail: accounts, scopes, themes, reasons, erasures.

Revision ID: f2a6c8e4b1d7
Revises: f3a9c6e2b8d4
Create Date: 2026-12-05 20:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2a6c8e4b1d7'
down_revision = 'f3a9c6e2b8d4'
branch_labels = None
depends_on = None

ACTIONS = ("user_create", "role_change", "rename", "password_set", "activate", "deactivate",
           "scope_add", "scope_remove", "theme_create", "theme_update", "theme_delete",
           "reason_create", "reason_update", "erase")


def upgrade():
    op.create_table('admin_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.CheckConstraint("action IN ({})".format(", ".join(f"'{a}'" for a in ACTIONS)),
                       name=op.f('ck_admin_events_action')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                            name=op.f('fk_admin_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_user_id'], ['users.id'],
                            name=op.f('fk_admin_events_target_user_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_events'))
    )
    with op.batch_alter_table('admin_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_events_created_at'), ['created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_admin_events_target_user_id'), ['target_user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('admin_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_events_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_admin_events_created_at'))
    op.drop_table('admin_events')
