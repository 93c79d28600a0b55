"""Sync a harvest source: what was fetched is read, planned and written in one transaction,
and the run recorded with the source's new state — or, when the source cannot be read,
nothing published changes and the failure is recorded with its message, to retry later.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from app.database import write_transaction
from app.exchange.errors import ImportFileError
from app.exchange.harvest_rows import plan, read_body, read_features
from app.exchange.harvest_writes import HarvestWrites
from app.extensions import db
from app.harvest.schedule import failed, succeeded
from app.models.harvest import HarvestRun, HarvestSource


@dataclass
class Pulled:
    """What a fetch brought: a body (None for 304 Not Modified), or another Maillage's
    features, and whether it is the whole source (an incremental pull is not)."""

    body: bytes | None = None
    features: list | None = None
    complete: bool = True
    etag: str | None = None
    last_modified: str | None = None


def sync_pulled(source_id: int, pulled: Pulled, now: datetime) -> HarvestRun:
    """Write what the source gave in one transaction; on a file that cannot be read, write
    nothing but the failure."""
    try:
        with write_transaction():
            source = db.session.get(HarvestSource, source_id, populate_existing=True)
            run = HarvestRun(source_id=source.id, started_at=now)
            harvest(source, pulled, run, now)
            succeeded(source, run, now)
            if pulled.complete:
                source.last_full_at = now
    except ImportFileError as error:
        return record_failure(source_id, str(error), now)
    return run


def harvest(source: HarvestSource, pulled: Pulled, run: HarvestRun, now: datetime) -> None:
    """Read, plan and write; a body already read, or a 304, is "unchanged" at once."""
    if pulled.body is None and pulled.features is None:
        run.outcome, run.message = "unchanged", "Non modifiée depuis la dernière lecture (304)."
        return
    source.etag, source.last_modified = pulled.etag, pulled.last_modified
    if pulled.features is not None:
        if not pulled.features and not pulled.complete:
            run.outcome = "unchanged"
            return
        parsed = read_features(pulled.features)
    else:
        content_hash = hashlib.sha256(pulled.body).hexdigest()
        if content_hash == source.content_hash:
            run.outcome, run.message = "unchanged", "Contenu identique à la dernière lecture."
            return
        parsed = read_body(source, pulled.body)
        source.content_hash = content_hash
    HarvestWrites(source, run, now).write(plan(source, parsed), pulled.complete)
    run.outcome = "ok"


def record_failure(source_id: int, message: str, now: datetime) -> HarvestRun:
    """Record on the source and in a run why it could not be read (its own transaction)."""
    with write_transaction():
        source = db.session.get(HarvestSource, source_id, populate_existing=True)
        run = HarvestRun(source_id=source.id, started_at=now)
        failed(source, run, message, now)
    return run
