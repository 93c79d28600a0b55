"""Imports waiting between their steps: the rows parsed at upload, kept in the database.

The file is parsed once, at upload. The mapping, the dry run and the commit read its rows back
under a random token from any app process sharing the database (a folder would tie them to
one machine). The commit deletes them in its own write transaction, so a file is written at
most once however often its button is pressed. Each user keeps STAGED_PER_USER files at most
(the oldest goes first), none outlives IMPORT_TTL_SECONDS, and each is bounded by
IMPORT_MAX_BYTES and IMPORT_MAX_ROWS. Services: flush only.
"""

import re
import secrets
import zlib
from datetime import timedelta

import orjson
import sqlalchemy as sa
from flask import current_app

from app.exchange.errors import ImportFileError
from app.exchange.sources import RawRow, Source
from app.extensions import db
from app.models import StagedImport
from app.models.base import utcnow

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
STAGED_PER_USER = 3
FAST = 1  # zlib level: rows compress about tenfold even so, in a fraction of the time


class UploadMissing(LookupError):
    """The token is unknown, expired, already imported, or belongs to someone else."""


def store(source: Source, owner_id: int) -> str:
    """Keep a parsed file for its owner; return its token."""
    purge(owner_id)
    token = secrets.token_urlsafe(24)
    db.session.add(StagedImport(
        token=token, owner_id=owner_id, filename=source.filename[:200], format=source.format,
        columns=source.columns, row_count=len(source.rows), rows=pack(source.rows)))
    db.session.flush()
    return token


def load(token: str, owner_id: int, *, claim: bool = False) -> Source:
    """The parsed file behind a token, for its owner only; raise UploadMissing otherwise.

    claim (inside a write transaction) locks it and deletes it with that transaction: a
    second commit of the same file waits, then finds nothing.
    """
    if not TOKEN.match(token or ""):
        raise UploadMissing(token)
    query = sa.select(StagedImport).where(
        StagedImport.token == token, StagedImport.owner_id == owner_id,
        StagedImport.created_at > oldest_kept())
    staged = db.session.scalar(query.with_for_update() if claim else query)
    if staged is None:
        raise UploadMissing(token)
    source = Source(staged.format, staged.filename, unpack(staged.rows), list(staged.columns))
    if claim:
        db.session.delete(staged)
        db.session.flush()
    return source


def oldest_kept():
    return utcnow() - timedelta(seconds=current_app.config["IMPORT_TTL_SECONDS"])


def purge(owner_id: int) -> None:
    """Delete the files nobody finished in time, and the owner's oldest beyond the bound."""
    db.session.execute(sa.delete(StagedImport).where(StagedImport.created_at <= oldest_kept()))
    kept = sa.select(StagedImport.token).where(StagedImport.owner_id == owner_id).order_by(
        StagedImport.created_at.desc()).limit(STAGED_PER_USER - 1)
    db.session.execute(sa.delete(StagedImport).where(
        StagedImport.owner_id == owner_id, StagedImport.token.not_in(kept.scalar_subquery())))


def pack(rows: list[RawRow]) -> bytes:
    """The rows as compressed JSON arrays, in the order of RawRow's fields."""
    try:
        encoded = orjson.dumps([[row.number, row.label, row.properties, row.geometry,
                                 row.feature_id, row.label_key, row.problem] for row in rows])
    except orjson.JSONEncodeError as error:  # nesting deeper than orjson writes
        raise ImportFileError(f"Structure trop imbriquée pour être importée : {error}.") from None
    return zlib.compress(encoded, FAST)


def unpack(data: bytes) -> list[RawRow]:
    return [RawRow(*fields) for fields in orjson.loads(zlib.decompress(data))]
