"""Fixtures of the security suite: accounts, a moderator's client, table counts."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.factories import login


@pytest.fixture
def moderator(app, accounts):
    """A client signed in as the national moderator (all of France)."""
    client = app.test_client()
    assert login(client, accounts.national).status_code == 302
    return client


@pytest.fixture
def admin(app, accounts):
    """A client signed in as an admin."""
    client = app.test_client()
    assert login(client, accounts.admin).status_code == 302
    return client


def table_counts() -> dict[str, int]:
    """The number of rows of every table: a refused write must leave them all unchanged."""
    db.session.rollback()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}
