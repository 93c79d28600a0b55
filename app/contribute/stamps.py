"""Spent form stamps: each serves one accepted submission, whatever the number of workers."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import UsedStamp

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
FORGET_BATCH = 100


def stamp_claimed(nonce: str) -> bool:
    """Tell whether a committed submission spent this stamp."""
    return db.session.get(UsedStamp, nonce) is not None


def claim_stamp(nonce: str, *, forget_before: datetime) -> bool:
    """Record the stamp as spent in the current write transaction; False if it already was.

    INSERT … ON CONFLICT DO NOTHING rather than catching a unique violation: of two posts
    racing with one stamp, the second's insert waits for the first to commit (PostgreSQL's
    unique index, SQLite's write lock), then inserts nothing; no error is raised, so its
    transaction stays usable and nothing else of it is written. Stamps past their lifetime
    cannot come back, so their records go, a batch at a time; on PostgreSQL rows another
    submission is deleting are skipped, so two never wait on each other (nor deadlock).
    """
    expired = sa.select(UsedStamp.nonce).where(UsedStamp.used_at < forget_before).limit(
        FORGET_BATCH).with_for_update(skip_locked=True)
    db.session.execute(sa.delete(UsedStamp).where(UsedStamp.nonce.in_(expired)),
                       execution_options={"synchronize_session": False})
    table = UsedStamp.__table__
    insert = INSERTS[db.engine.dialect.name](table).values(nonce=nonce)
    # RETURNING rather than rowcount, which psycopg does not give for this statement.
    claimed = insert.on_conflict_do_nothing(index_elements=["nonce"]).returning(table.c.nonce)
    return db.session.execute(claimed).first() is not None
