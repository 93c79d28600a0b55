"""Record when each periodic job last ran, so `flask jobs run` runs only the due ones.

Revision ID: f2a7c5e9b3d1
Revises: e4b8d1f6a9c2
Create Date: 2026-12-05 19:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2a7c5e9b3d1'
down_revision = 'e4b8d1f6a9c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.CheckConstraint("outcome IN ('running', 'done', 'failed')", name=op.f('ck_job_runs_outcome')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs'))
    )


def downgrade():
    op.drop_table('job_runs')
