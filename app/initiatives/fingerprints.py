"""Fingerprints of sets of initiatives: what changes whenever their rows or the taxonomy do.

Taken from the data version (app.initiatives.data_versions), not from the rows: one query
over a few rows, whatever the collection's size (at 1,000,000 initiatives on PostgreSQL the
aggregate over the rows they replaced took 145 ms of the home page's 165). The ETags of the
API, the exports and the feeds, and the keys of the per-worker caches (app.caching), are
built from them.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql import Select

from app.database import single_read
from app.extensions import db
from app.initiatives.data_versions import data_version
from app.models import Initiative, Theme


@dataclass(frozen=True)
class Fingerprint:
    """What changes whenever a set of initiatives changes; last_modified only where it is
    known without reading the set (one initiative, the few entries of a feed)."""

    etag: str
    last_modified: datetime | None = None


# What a theme shows wherever initiatives are listed or shown, as one string.
THEME_TEXT = (Theme.slug + ":" + Theme.colour + ":" + Theme.label_fr + ":" + Theme.label_en
              + ":" + sa.cast(Theme.position, sa.String))


def fingerprint(stmt: Select, salt: str = "") -> Fingerprint:
    """The data version, the statement (its SQL and parameters) and the salt, hashed.

    Every write the public data depend on bumps the data version in its transaction,
    whatever wrote it: the initiatives, their themes, partners and dossiers, the themes
    (labels, colours, order), the actors. The statement's parameters hold what else its rows
    depend on (the cutoff day of the freshness filter, a cursor, updated_since), so two
    statements, or one on two days, never share a fingerprint. The version is read before
    the rows: a body kept under it is never older than it.
    """
    return Fingerprint(hashed(data_version(), statement_text(stmt), salt))


def statement_text(stmt: Select) -> str:
    """The statement's SQL and its parameters' values, as the database would receive them."""
    compiled = stmt.compile(dialect=db.engine.dialect)
    return f"{compiled}|{sorted(compiled.params.items())!r}"


def hashed(*parts: str) -> str:
    """An ETag: the parts joined and hashed."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def newest_change(stmt: Select) -> datetime | None:
    """The last update of the statement's rows: for a statement of a few rows (a LIMIT)."""
    rows = stmt.with_only_columns(Initiative.updated_at).subquery()
    with single_read() as connection:
        return connection.scalar(sa.select(sa.func.max(rows.c.updated_at)))


def count_up_to(stmt: Select, most: int) -> int:
    """How many rows the statement gives, counting no further than `most`: what a
    fingerprint no longer tells, at a cost bounded whatever the collection's size."""
    rows = stmt.with_only_columns(Initiative.id).order_by(None).limit(most).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows))
