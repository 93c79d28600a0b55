"""Engine set-up per dialect, the write transaction every writer goes through, and the
single-statement reads of the busiest public answers."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Engine

from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option of a SQLite connection whose statements each stand alone (single_read).
SQLITE_NO_BEGIN = "maillage_sqlite_no_begin"
MAX_INTEGER = 2**31 - 1  # INTEGER columns: PostgreSQL's int4 (SQLite's are wider)


def configure_engine(engine: Engine, ping_after_idle: float) -> None:
    """Give SQLite connections WAL, foreign keys, a busy timeout and explicit BEGINs; ping
    server connections that sat idle."""
    if engine.dialect.name != "sqlite":
        ping_idle_connections(engine, ping_after_idle)
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
        options = connection.get_execution_options()
        if options.get(SQLITE_NO_BEGIN):
            return  # SQLite's own autocommit: the statement is a read transaction of its own
        # A writer takes the write lock up front: a deferred transaction that reads and
        # then writes fails with "database is locked" instead of waiting its turn.
        immediate = options.get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection idle for more than idle_seconds before lending it.

    SQLAlchemy's pool_pre_ping checks every connection at every checkout: on PostgreSQL a
    round trip per request, as much as the query of a busy answer. A connection used a moment
    ago is lent as is; if the server restarted since, its first query fails with a 503 and the
    pool drops every connection older than the failure.
    """

    @sa.event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            raise sa.exc.DisconnectionError("connection found dead after sitting idle")


@contextmanager
def single_read() -> Iterator[sa.Connection]:
    """A connection for one statement that stands on its own (a snapshot of its own).

    An autocommit connection from the pool, outside the request's transaction, which stays
    unopened: on PostgreSQL one round trip instead of three (BEGIN, the statement,
    ROLLBACK); on SQLite no BEGIN either, nor the session's set-up and teardown, a fifth of
    a kept page's time. (SQLite's AUTOCOMMIT level is not used: giving the connection back
    would reset it to the sqlite3 module's implicit transactions.)
    """
    options = ({SQLITE_NO_BEGIN: True} if is_sqlite()
               else {"isolation_level": "AUTOCOMMIT"})
    with db.engine.connect().execution_options(**options) as connection:
        yield connection


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
