"""Engine set-up per dialect and the write transaction every writer goes through."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Engine

from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000
MAX_INTEGER = 2**31 - 1  # INTEGER columns: PostgreSQL's int4 (SQLite's are wider)


def configure_engine(engine: Engine) -> None:
    """Give SQLite connections WAL, foreign keys, a busy timeout and explicit BEGINs."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself, so writers can ask for BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        # A writer takes the write lock up front: a deferred transaction that reads and
        # then writes fails with "database is locked" instead of waiting its turn.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def release_session(_error: BaseException | None = None) -> None:
    """End the request's session; a connection the server dropped meanwhile is let go.

    Closing the session rolls its connection back: when PostgreSQL restarts during the
    request, that rollback fails too, after the response was chosen (often a 503). The dead
    connection is then invalidated (the pool opens a new one next time) instead of turning
    the response into a 500. Runs before Flask-SQLAlchemy's own teardown, which then finds
    a fresh session with nothing to close.
    """
    try:
        db.session.remove()
    except sa.exc.DBAPIError as error:
        if not is_unavailable(error):
            raise
        current_app.logger.warning("Database connection lost while ending a request: %s",
                                   error.orig)
        try:
            db.session.registry().invalidate()
        finally:
            db.session.registry.clear()


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block in one write transaction, committed at the end or rolled back."""
    session = db.session()
    if session.in_transaction():
        # End the read transaction the request may have opened (loading the user...),
        # so the write one starts with the lock (SQLite) and a fresh snapshot.
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def is_sqlite() -> bool:
    """Tell whether the app runs on the embedded SQLite database."""
    return db.engine.dialect.name == "sqlite"


def as_integer(value) -> int | None:
    """A non-negative integer fit for an INTEGER column (an id, a version), else None.

    For values typed by people or scripts: "²" or "٣" are digits to str.isdigit() but not to
    int(), and an id beyond the column's range overflows the driver.
    """
    text = "" if value is None else str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_INTEGER)):
        return None
    return int(text) if int(text) <= MAX_INTEGER else None


# Errors meaning "not now" rather than "never": the disk is full, the file locked, the
# server restarting or unreachable. The request fails cleanly with a 503 and may be retried.
SQLITE_UNAVAILABLE = ("database or disk is full", "database is locked", "disk i/o error",
                      "unable to open database")
POSTGRES_UNAVAILABLE = ("08", "53", "57P")  # SQLSTATE: connection, resources, shutdown


def is_unavailable(error: BaseException) -> bool:
    """Tell whether a database error means the database cannot serve for the moment."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if any(text in str(error.orig).lower() for text in SQLITE_UNAVAILABLE):
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate.startswith(POSTGRES_UNAVAILABLE) or (
        isinstance(error, sa.exc.OperationalError) and not sqlstate
        and type(error.orig).__module__.startswith("psycopg"))
