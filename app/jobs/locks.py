"""One runner per job across every app server: a PostgreSQL advisory lock, or a file lock
next to the SQLite database (whose servers share its disk)."""

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.database import is_sqlite
from app.extensions import db


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Hold the job's lock for the block when nobody else holds it; yield whether we do."""
    lock = file_lock(lock_path(name)) if is_sqlite() else advisory_lock(name)
    with lock as held:
        yield held


def advisory_key(name: str) -> int:
    """The job's advisory lock key: a stable signed 64-bit number from its name."""
    digest = hashlib.sha256(f"maillage.jobs.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def advisory_lock(name: str) -> Iterator[bool]:
    """PostgreSQL: a transaction-level advisory lock on a connection of its own.

    It ends with that transaction, so it never stays behind on a pooled connection, and the
    server frees it if this process dies.
    """
    with db.engine.connect() as connection:
        try:
            yield bool(connection.scalar(
                sa.select(sa.func.pg_try_advisory_xact_lock(advisory_key(name)))))
        finally:
            connection.rollback()


def lock_path(name: str) -> Path:
    """<database file>.<job>.lock beside the SQLite file (in the instance folder for :memory:)."""
    database = db.engine.url.database
    if database and database != ":memory:":
        path = Path(database)
        return path.with_name(f"{path.name}.{name}.lock")
    return Path(current_app.instance_path) / f"jobs.{name}.lock"


@contextmanager
def file_lock(path: Path) -> Iterator[bool]:
    """An exclusive flock on the file, not waiting; the system frees it if the process dies.

    flock (unlike lockf) locks per open file, so two threads of one process exclude each
    other too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
