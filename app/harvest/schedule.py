"""When each source is due, and what a run leaves on it: validators, errors, the next try.

A failing source is tried again sooner than its interval, then less and less often
(15 minutes, 30, an hour… at most a day, and never later than its own interval).
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models.harvest import HarvestRun, HarvestSource

FIRST_RETRY = timedelta(minutes=15)
LONGEST_RETRY = timedelta(days=1)
MESSAGE_MAX = 2_000


def due_sources(now: datetime) -> list[HarvestSource]:
    """The sources not paused whose next sync time has come, the most overdue first."""
    return list(db.session.scalars(
        sa.select(HarvestSource)
        .where(~HarvestSource.paused,
               sa.or_(HarvestSource.next_due_at.is_(None), HarvestSource.next_due_at <= now))
        .order_by(HarvestSource.next_due_at.nulls_first(), HarvestSource.id)))


def retry_delay(failures: int, interval: timedelta) -> timedelta:
    """How long after its n-th failure in a row a source is tried again."""
    backoff = FIRST_RETRY * 2 ** min(max(failures - 1, 0), 10)
    return min(backoff, LONGEST_RETRY, max(interval, FIRST_RETRY))


def succeeded(source: HarvestSource, run: HarvestRun, now: datetime) -> None:
    """A run that read the source (changed or not): errors forgotten, due after its interval."""
    source.last_attempt_at = source.last_success_at = now
    source.last_error = None
    source.consecutive_failures = 0
    source.next_due_at = now + source.interval
    finish(run, now)


def failed(source: HarvestSource, run: HarvestRun, message: str, now: datetime) -> None:
    """A run that could not read the source: the message kept on it, tried again later."""
    message = message.strip()[:MESSAGE_MAX] or "Erreur inconnue."
    source.last_attempt_at = now
    source.last_error = message
    source.consecutive_failures += 1
    source.next_due_at = now + retry_delay(source.consecutive_failures, source.interval)
    run.outcome, run.message = "failed", message
    finish(run, now)


def finish(run: HarvestRun, now: datetime) -> None:
    run.finished_at = now
    db.session.add(run)
    db.session.flush()


def runs_of(source: HarvestSource, limit: int = 50) -> list[HarvestRun]:
    """The source's latest runs, newest first."""
    return list(db.session.scalars(
        sa.select(HarvestRun).where(HarvestRun.source_id == source.id)
        .order_by(HarvestRun.started_at.desc(), HarvestRun.id.desc()).limit(limit)))
