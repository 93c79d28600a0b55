"""Count failed sign-ins per account and the time before the next attempt is heard.

Revision ID: c4e8a2f6d1b9
Revises: a7c3e9f1b2d4
Create Date: 2026-12-05 18:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e8a2f6d1b9'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('sign_in_delayed_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('sign_in_delayed_until')
        batch_op.drop_column('failed_sign_ins')
