"""Keep entries true over time: life status and note, re-confirmation reminders, and a
confirmation date for every published entry (its publication day when it had none).

Revision ID: a7f3c9e1d5b8
Revises: e8b4d2f6a1c3
Create Date: 2026-12-05 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7f3c9e1d5b8'
down_revision = 'e8b4d2f6a1c3'
branch_labels = None
depends_on = None

LIFE_CHECK = "life_status IN ('active', 'permanent', 'ended')"


def upgrade():
    # Plain ADD COLUMNs: no table rebuild on SQLite (its triggers, R*Tree and generated
    # columns stay).
    op.add_column('initiatives', sa.Column(
        'life_status', sa.String(length=12),
        sa.CheckConstraint(LIFE_CHECK, name=op.f('ck_initiatives_life_status')),
        server_default='active', nullable=False))
    op.add_column('initiatives', sa.Column('life_note', sa.Text(), server_default='',
                                           nullable=False))
    op.add_column('initiatives', sa.Column('reminders_sent', sa.Integer(), server_default='0',
                                           nullable=False))
    op.add_column('initiatives', sa.Column('last_reminder_at', sa.DateTime(), nullable=True))
    op.add_column('initiatives', sa.Column('stale_flagged_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_initiatives_life_status'), 'initiatives', ['life_status'],
                    unique=False)
    backfill_confirmation_dates()


def backfill_confirmation_dates():
    """Date the entries published without one from their publication (UTC day)."""
    bind = op.get_bind()
    day = ("CAST(published_at AS DATE)" if bind.dialect.name == 'postgresql'
           else "date(published_at)")
    ids = [row[0] for row in bind.execute(sa.text(
        "SELECT id FROM initiatives WHERE last_verified_on IS NULL "
        "AND published_at IS NOT NULL"))]
    if not ids:
        return
    op.execute(f"UPDATE initiatives SET last_verified_on = {day} "
               "WHERE last_verified_on IS NULL AND published_at IS NOT NULL")
    from app.initiatives.stored_features import refresh_features

    refresh_features(bind, ids)


def downgrade():
    op.drop_index(op.f('ix_initiatives_life_status'), table_name='initiatives')
    for column in ('stale_flagged_at', 'last_reminder_at', 'reminders_sent', 'life_note',
                   'life_status'):
        op.execute(f"ALTER TABLE initiatives DROP COLUMN {column}")
