"""Fingerprints of sets of initiatives: what changes whenever their rows or the taxonomy do.

One aggregate query, no row loaded: the ETags of the API and the exports, and the keys of the
per-worker caches (app.caching), are built from them.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql import Select

from app.database import single_read
from app.models import Initiative, Theme


@dataclass(frozen=True)
class Fingerprint:
    """What changes whenever a set of initiatives changes: cheap to compute, no row loaded."""

    count: int
    last_modified: datetime | None
    etag: str


# What a theme shows wherever initiatives are listed or shown, as one string.
THEME_TEXT = (Theme.slug + ":" + Theme.colour + ":" + Theme.label_fr + ":" + Theme.label_en
              + ":" + sa.cast(Theme.position, sa.String))
# Every theme's, in one string: fingerprints change when the taxonomy does.
THEMES_SIGNATURE = sa.select(sa.func.aggregate_strings(THEME_TEXT, ",")).scalar_subquery()


def fingerprint(stmt: Select, salt: str = "") -> Fingerprint:
    """Count, last change, versions and ids of the statement's rows, and the taxonomy, hashed.

    The statement keeps its ORDER BY and LIMIT, so a page is fingerprinted alone. Every
    change of an initiative, its themes and tags included, bumps its version and updated_at
    (app.initiatives.services), so one aggregate query tells whether the rows changed; the
    themes' labels, colours and order ride along in the same statement.
    """
    rows = stmt.with_only_columns(
        Initiative.id, Initiative.updated_at, Initiative.version).subquery()
    with single_read() as connection:
        count, last, versions, ids, themes = connection.execute(sa.select(
            sa.func.count(), sa.func.max(rows.c.updated_at),
            sa.func.coalesce(sa.func.sum(rows.c.version), 0),
            sa.func.coalesce(sa.func.sum(rows.c.id), 0),
            THEMES_SIGNATURE,
        )).one()
    seed = f"{count}|{last}|{versions}|{ids}|{themes}|{salt}"
    return Fingerprint(count, last, hashlib.sha256(seed.encode()).hexdigest()[:32])
