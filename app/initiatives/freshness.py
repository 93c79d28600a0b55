"""When an entry was last confirmed, whether it is stale, and confirming it again; flush only.

An entry is stale when nobody confirmed it for STALE_AFTER_DAYS: counted from its
last_verified_on, or from its publication when it has none. A seeded entry's date is its
source's: its facts date from then and nobody has confirmed them since.
"""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.extensions import db
from app.initiatives.history import record, snapshot
from app.initiatives.seed_values import SEED_PREFIX
from app.models import Initiative, User

# The seed texts are working notes from 2020 (../shared/seeds/README.md); some give no day.
SEED_DOCUMENTS_YEAR = 2020


def stale_after_days() -> int:
    return current_app.config.get("STALE_AFTER_DAYS", 365)


def stale_cutoff() -> date:
    """Entries last confirmed before this day are stale."""
    return clock.today() - timedelta(days=stale_after_days())


def stale_clause() -> sa.ColumnElement[bool]:
    """A condition keeping the stale entries, on either database."""
    cutoff = stale_cutoff()
    cutoff_moment = datetime.combine(cutoff, time(), tzinfo=clock.LOCAL_ZONE).astimezone(UTC)
    undated_since = sa.func.coalesce(Initiative.published_at, Initiative.created_at)
    return sa.or_(Initiative.last_verified_on < cutoff,
                  sa.and_(Initiative.last_verified_on.is_(None), undated_since < cutoff_moment))


def verified_on(initiative: Initiative) -> date | None:
    """The day the entry's facts were last confirmed (its publication day without a date)."""
    if initiative.last_verified_on:
        return initiative.last_verified_on
    moment = initiative.published_at or initiative.created_at
    return moment.astimezone(clock.LOCAL_ZONE).date() if moment else None


def is_stale(initiative: Initiative) -> bool:
    day = verified_on(initiative)
    return day is not None and day < stale_cutoff()


def source_date(initiative: Initiative) -> date | None:
    """The date of the entry's first dated source."""
    return next((source.published_on for source in initiative.sources
                 if source.published_on), None)


def seed_source_year(initiative: Initiative) -> int | None:
    """The year a seeded entry's facts date from while nobody has confirmed them since
    seeding: its first dated source's, or the seed documents' for an undated one (which the
    model dated from its publication); None for any other entry."""
    if not (initiative.external_id or "").startswith(SEED_PREFIX):
        return None
    source_day = source_date(initiative)
    if source_day is not None:
        return source_day.year if initiative.last_verified_on == source_day else None
    published = initiative.published_at
    unconfirmed = published is not None and initiative.last_verified_on == (
        published.astimezone(clock.LOCAL_ZONE).date())
    return SEED_DOCUMENTS_YEAR if unconfirmed else None


def confirm(initiative: Initiative, *, author: User | None, reason: str) -> Initiative:
    """Record that the entry's facts are still true today; its reminders start over."""
    before = snapshot(initiative)
    initiative.last_verified_on = clock.today()
    clear_reminders(initiative)
    initiative.updated_at = clock.now()
    record(initiative, "update", author=author, reason=reason, before=before)
    return initiative


def clear_reminders(initiative: Initiative) -> None:
    initiative.reminders_sent = 0
    initiative.last_reminder_at = None
    initiative.stale_flagged_at = None


def stale_entries(*conditions: sa.ColumnElement[bool], limit: int = 200) -> list[Initiative]:
    """The published stale entries meeting the conditions: flagged ones first, then the
    longest unconfirmed."""
    stmt = (sa.select(Initiative)
            .where(Initiative.status == "published", stale_clause(), *conditions)
            .order_by(Initiative.stale_flagged_at.is_(None), Initiative.last_verified_on,
                      Initiative.id)
            .limit(limit))
    return list(db.session.scalars(stmt))
