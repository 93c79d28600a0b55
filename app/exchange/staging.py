"""Imports waiting between their steps: the rows parsed at upload, kept in the database.

The file is parsed once, at upload. The mapping, the dry run and the commit read its rows back
under a random token from any app process sharing the database (a folder would tie them to
one machine). The rows are kept in chunks of CHUNK_ROWS, written as they are parsed and read
back one chunk at a time at each pass: no step holds the whole file. The commit locks the
file, reads it while it writes, then deletes it in the same write transaction, so a file is
written at most once however often its button is pressed. Each user keeps STAGED_PER_USER
files at most (the oldest goes first), none outlives IMPORT_TTL_SECONDS, and each is bounded
by IMPORT_MAX_BYTES and IMPORT_MAX_ROWS. Services: flush only.
"""

import itertools
import re
import secrets
import zlib
from collections.abc import Iterator
from datetime import timedelta

import orjson
import sqlalchemy as sa
from flask import current_app

from app.exchange.errors import ImportFileError
from app.exchange.sources import RawRow, Source, batches
from app.extensions import db
from app.models import StagedImport, StagedImportChunk
from app.models.base import utcnow

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
STAGED_PER_USER = 3
CHUNK_ROWS = 1000  # a chunk: about 100 kB compressed for a CSV's rows, a few MB as objects
FAST = 1  # zlib level: rows compress about tenfold even so, in a fraction of the time


class UploadMissing(LookupError):
    """The token is unknown, expired, already imported, or belongs to someone else."""


class StagedRows:
    """A staged file's rows, read from the database a chunk at a time at each pass."""

    def __init__(self, token: str, count: int):
        self.token, self.count = token, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[RawRow]:
        read = 0
        for position in itertools.count():
            data = chunk_at(self.token, position)
            if data is None:
                break
            rows = unpack(data)
            read += len(rows)
            yield from rows
        if read < self.count:  # committed or purged meanwhile: never plan half a file
            raise UploadMissing(self.token)


def chunk_at(token: str, position: int) -> bytes | None:
    """A chunk's packed rows, read on the session's connection without flushing its pending
    writes (the commit reads the file while it writes the rows)."""
    return db.session.connection().scalar(sa.select(StagedImportChunk.rows).where(
        StagedImportChunk.token == token, StagedImportChunk.position == position))


def store(source: Source, owner_id: int) -> str:
    """Keep a parsed file for its owner, a chunk at a time as its rows are read; return its
    token."""
    purge(owner_id)
    token = secrets.token_urlsafe(24)
    db.session.add(StagedImport(
        token=token, owner_id=owner_id, filename=source.filename[:200], format=source.format,
        columns=source.columns, row_count=len(source.rows)))
    db.session.flush()
    for position, rows in enumerate(batches(source.rows, CHUNK_ROWS)):
        db.session.execute(sa.insert(StagedImportChunk).values(
            token=token, position=position, rows=pack(rows)))
    return token


def load(token: str, owner_id: int, *, claim: bool = False) -> Source:
    """The staged file behind a token, for its owner only; raise UploadMissing otherwise.
    Its rows are read from the database as they are iterated.

    claim (inside a write transaction) locks it until that transaction ends: call forget()
    once the commit wrote its rows; a second commit of the same file waits, then finds
    nothing.
    """
    if not TOKEN.match(token or ""):
        raise UploadMissing(token)
    query = sa.select(StagedImport).where(
        StagedImport.token == token, StagedImport.owner_id == owner_id,
        StagedImport.created_at > oldest_kept())
    staged = db.session.scalar(query.with_for_update() if claim else query)
    if staged is None:
        raise UploadMissing(token)
    return Source(staged.format, staged.filename, StagedRows(token, staged.row_count),
                  list(staged.columns))


def forget(token: str) -> None:
    """Delete a staged file and its chunks (the commit's, in its write transaction)."""
    db.session.execute(sa.delete(StagedImport).where(StagedImport.token == token),
                       execution_options={"synchronize_session": False})


def oldest_kept():
    return utcnow() - timedelta(seconds=current_app.config["IMPORT_TTL_SECONDS"])


def purge(owner_id: int) -> None:
    """Delete the files nobody finished in time, and the owner's oldest beyond the bound
    (their chunks go with them: ON DELETE CASCADE)."""
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
