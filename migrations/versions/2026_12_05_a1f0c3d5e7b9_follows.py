"""Let anyone follow a territory, a category, an actor or an initiative by e-mail: followers,
their follows, and the outbox's own headers (List-Unsubscribe) and follower.

Revision ID: a1f0c3d5e7b9
Revises: 27371f083d1a
Create Date: 2026-12-05 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a1f0c3d5e7b9'
down_revision = '27371f083d1a'
branch_labels = None
depends_on = None

TARGETS = "'commune', 'epci', 'departement', 'region', 'theme', 'actor', 'initiative'"


def upgrade():
    op.create_table(
        'followers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('secret', sa.String(length=32), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_followers')),
        sa.UniqueConstraint('email', name=op.f('uq_followers_email')),
    )
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('follower_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=20), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('last_sent_at', sa.DateTime(), nullable=True),
        sa.Column('seen_revision_id', sa.Integer(), nullable=False),
        sa.CheckConstraint(f"target IN ({TARGETS})", name=op.f('ck_follows_target')),
        sa.CheckConstraint("frequency IN ('weekly', 'immediate')",
                           name=op.f('ck_follows_frequency')),
        sa.ForeignKeyConstraint(['follower_id'], ['followers.id'], ondelete='CASCADE',
                                name=op.f('fk_follows_follower_id_followers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
        sa.UniqueConstraint('follower_id', 'target', 'code',
                            name=op.f('uq_follows_follower_id')),
    )
    op.create_index('ix_follows_follower_id', 'follows', ['follower_id'])
    op.create_index('ix_follows_confirmed_at', 'follows', ['confirmed_at'])
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('headers', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('follower_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_outbox_messages_follower_id_followers'),
                                 'followers', ['follower_id'], ['id'], ondelete='CASCADE')
        batch.create_index('ix_outbox_messages_follower_id', ['follower_id'])


def downgrade():
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_index('ix_outbox_messages_follower_id')
        batch.drop_constraint(op.f('fk_outbox_messages_follower_id_followers'),
                              type_='foreignkey')
        batch.drop_column('follower_id')
        batch.drop_column('headers')
    op.drop_index('ix_follows_confirmed_at', table_name='follows')
    op.drop_index('ix_follows_follower_id', table_name='follows')
    op.drop_table('follows')
    op.drop_table('followers')
