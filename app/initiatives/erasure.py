"""RGPD erasure: really remove an initiative and whatever names its proposer.

Archiving is the ordinary way to take an initiative off the map. Erasure is for a person's
request: the initiative, its revisions (they hold the private e-mail), change sets, reports,
follow-up links and e-mails go; one audit revision without personal data remains.
"""

import sqlalchemy as sa

from app.database import is_sqlite
from app.extensions import db
from app.models import ChangeSet, FollowUp, Initiative, OutboxMessage, Report, Revision, User

# Children first: follow-up links point at change sets.
DEPENDANTS = (FollowUp, OutboxMessage, Report, ChangeSet, Revision)


def erase_initiative(initiative: Initiative, *, admin: User, reason: str) -> Revision:
    """Delete an initiative and its traces, then write the audit revision; flush only."""
    initiative_id = initiative.id
    if is_sqlite():
        # Freed pages are overwritten with zeros instead of keeping the deleted text.
        db.session.execute(sa.text("PRAGMA secure_delete = ON"))
    for model in DEPENDANTS:
        db.session.execute(sa.delete(model).where(model.initiative_id == initiative_id))
    db.session.delete(initiative)
    db.session.flush()
    audit = Revision(initiative_id=None, author_id=admin.id, action="erase",
                     reason=reason.strip() or "Effacement RGPD",
                     before={"initiative_id": initiative_id}, after=None)
    db.session.add(audit)
    db.session.flush()
    return audit


def purge_deleted_rows() -> None:
    """After the commit, leave no copy of the deleted rows in the database files.

    SQLite: VACUUM rewrites the file without its free space (older copies of the rows, left
    by updates made before secure_delete), then the WAL is emptied. PostgreSQL: VACUUM marks
    the dead rows' space for reuse (the disk may keep bytes until it is reused).
    """
    if is_sqlite():
        connection = db.engine.raw_connection()
        try:
            connection.cursor().execute("VACUUM")
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for model in (Initiative, *DEPENDANTS):
            connection.exec_driver_sql(f"VACUUM {model.__tablename__}")
