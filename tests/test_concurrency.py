"""Concurrent writers from several processes: no "database is locked", no lost row."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative, Revision

WRITERS = 6
WRITES_EACH = 15


def write_initiatives(database_url: str, writer: int) -> list[str]:
    """In a process of its own: read, then write, as a request does; return the errors."""
    from app.database import write_transaction
    from app.initiatives.services import create_initiative
    from app.models import Theme
    from tests.conftest import make_app

    errors = []
    app = make_app(database_url)
    with app.app_context():
        for n in range(WRITES_EACH):
            try:
                # A read first opens a read transaction, as loading the user does.
                db.session.scalars(sa.select(Theme)).all()
                with write_transaction():
                    create_initiative(
                        {"name": f"Écrit par {writer}, n° {n}", "kind": "initiative",
                         "insee": "71137", "themes": ["gestion-de-crise"]},
                    )
            except Exception as error:  # noqa: BLE001 - reported to the test
                errors.append(f"{type(error).__name__}: {error}")
        db.engine.dispose()
    return errors


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(app, themes, migrated):
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WRITERS, mp_context=context) as pool:
        results = list(pool.map(write_initiatives, [migrated] * WRITERS, range(WRITERS)))
    errors = [error for result in results for error in result]
    assert errors == []
    db.session.rollback()
    names = db.session.scalars(sa.select(Initiative.name)).all()
    assert len(names) == len(set(names)) == WRITERS * WRITES_EACH
    revisions = db.session.scalar(sa.select(sa.func.count()).select_from(Revision))
    assert revisions == WRITERS * WRITES_EACH
