"""Fetch a source and sync it: its URL with the validators of the last read (ETag,
Last-Modified), or another Maillage's API (only what changed since the last success, and
all of it once a week so that entries gone from it are seen) — then the sync's transaction.

The network is read outside any database transaction: a slow source holds no lock.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app

from app.exchange.harvest_sync import Pulled, record_failure, sync_pulled
from app.extensions import db
from app.harvest.federation import read_maillage
from app.harvest.fetch import FetchError, fetch
from app.harvest.schedule import due_sources
from app.models.base import utcnow
from app.models.harvest import HarvestRun, HarvestSource

FULL_EVERY = timedelta(days=7)
# Asked for what changed since a little before the last success: clocks differ, and a row
# read twice with the same values changes nothing.
OVERLAP = timedelta(hours=1)
UNEXPECTED = ("Erreur inattendue pendant la synchronisation : rien n'a été modifié "
              "(détails dans le journal du serveur).")


def pull(source: HarvestSource, now: datetime, *, full: bool = False,
         fetcher: Callable = fetch, reader: Callable = read_maillage) -> Pulled:
    """What the source serves now; FetchError when it cannot be read."""
    if source.format == "maillage":
        since = None if full or whole_due(source, now) else source.last_success_at - OVERLAP
        got = reader(source.url, since=since, allow_private=source.allow_private)
        return Pulled(features=got.features, complete=got.complete)
    fetched = fetcher(source.url, etag=None if full else source.etag,
                      last_modified=None if full else source.last_modified,
                      allow_private=source.allow_private)
    if fetched.status == 304:
        return Pulled(body=None)
    return Pulled(body=fetched.body, etag=fetched.etag, last_modified=fetched.last_modified)


def whole_due(source: HarvestSource, now: datetime) -> bool:
    """Tell whether another Maillage is to be read in full this time."""
    return (source.last_success_at is None or source.last_full_at is None
            or now - source.last_full_at >= FULL_EVERY)


def sync_source(source_id: int, *, full: bool = False, **fetchers: Callable) -> HarvestRun:
    """Fetch the source, then write what it gave in one transaction (or its failure)."""
    now = utcnow()
    source = db.session.get(HarvestSource, source_id, populate_existing=True)
    db.session.expunge(source)  # its settings as read, with no transaction held open
    db.session.rollback()  # while the network is read
    try:
        pulled = pull(source, now, full=full, **fetchers)
    except FetchError as error:
        return record_failure(source_id, str(error), now)
    return sync_pulled(source_id, pulled, now)


def sync_due_sources(**fetchers: Callable) -> str:
    """The job: sync every due source, each on its own; one that breaks stops no other."""
    outcomes: dict[str, int] = {}
    for source_id in [source.id for source in due_sources(utcnow())]:
        try:
            run = sync_source(source_id, **fetchers)
        except Exception:  # a bug or the database away: recorded, the others still run
            db.session.rollback()
            current_app.logger.exception("Harvest source %s failed", source_id)
            run = record_failure(source_id, UNEXPECTED, utcnow())
        outcomes[run.outcome] = outcomes.get(run.outcome, 0) + 1
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
