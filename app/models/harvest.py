"""Harvest sources: URLs fetched again and again, their runs, and what an entry keeps of them."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

# mediation-num: the lieux de médiation numérique CSV; data-inclusion: its JSON list;
# maillage: another Maillage's /api/v1/initiatives.
HARVEST_FORMATS = ("mediation-num", "data-inclusion", "geojson", "umap", "csv", "maillage")
RUN_OUTCOMES = ("running", "ok", "unchanged", "failed")
RUN_COUNTS = ("created", "updated", "unchanged", "archived", "proposed", "conflicts", "errors")


class HarvestSource(db.Model):
    """A URL re-fetched on a schedule, with what the last fetch said (validators, errors)."""

    __tablename__ = "harvest_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    format: Mapped[str] = mapped_column(sa.String(20))
    # target field → column of the file (a CSV's saved mapping; the standards need none).
    column_mapping: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    # Trusted: its changes are published at once; otherwise moderators review them.
    trusted: Mapped[bool] = mapped_column(default=False)
    # Let the fetcher reach loopback and private addresses (SSRF guard lifted by an admin).
    allow_private: Mapped[bool] = mapped_column(default=False)
    paused: Mapped[bool] = mapped_column(default=False)
    interval_seconds: Mapped[int] = mapped_column(default=86_400)
    etag: Mapped[str | None] = mapped_column(sa.String(500))
    last_modified: Mapped[str | None] = mapped_column(sa.String(100))
    # SHA-256 of the last body read: the same bytes again are "unchanged" without parsing.
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time the whole source was read (another Maillage is otherwise asked only
    # for what changed since the last success): entries gone are seen only then.
    last_full_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint(in_check("format", HARVEST_FORMATS), name="format"),
        sa.CheckConstraint("interval_seconds > 0", name="interval"),
    )

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=self.interval_seconds)

    def __repr__(self) -> str:
        return f"<HarvestSource {self.id} {self.name!r} {self.format}>"


class HarvestRun(db.Model):
    """One sync of a source: when, how it went, why, and what it did to the entries."""

    __tablename__ = "harvest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        sa.ForeignKey("harvest_sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(20), default="running")
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    archived: Mapped[int] = mapped_column(default=0)
    proposed: Mapped[int] = mapped_column(default=0)
    conflicts: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint(in_check("outcome", RUN_OUTCOMES), name="outcome"),)

    def __init__(self, **values: Any):
        """A run with its counts at zero (not only once flushed): a sync counts as it goes."""
        super().__init__(**{**dict.fromkeys(RUN_COUNTS, 0), "outcome": "running",
                            "message": "", **values})

    def counts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RUN_COUNTS}

    def __repr__(self) -> str:
        return f"<HarvestRun {self.id} source={self.source_id} {self.outcome}>"


class HarvestColumns:
    """What a harvested entry keeps of its source (mixed into Initiative).

    Written by the harvest with plain UPDATEs, never through the ORM: they are bookkeeping,
    not a change of the entry (no version, no updated_at, no revision).
    """

    @declared_attr
    def harvest_source_id(cls) -> Mapped[int | None]:
        # Sources are paused, never deleted: their entries keep naming them.
        return mapped_column(sa.ForeignKey("harvest_sources.id"))

    # The entry's id at its source (its feature id, id column, uid, or a hash: see the docs).
    harvest_key: Mapped[str | None] = mapped_column(sa.String(200))
    harvest_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the values the source gave last: an unchanged row is left alone.
    harvest_digest: Mapped[str | None] = mapped_column(sa.String(64))
    # The entry's last revision when the harvest last wrote it or found it in step: a later
    # edit is a local one, never overwritten silently.
    harvest_revision: Mapped[int | None] = mapped_column()


# In Initiative's __table_args__: one entry per id of a source (an index: SQLite adds it
# without rebuilding the table).
HARVEST_CONSTRAINTS = (
    sa.Index("uq_initiatives_harvest_key", "harvest_source_id", "harvest_key", unique=True),
)
