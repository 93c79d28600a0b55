"""Fixtures of the security suite: accounts, a moderator's client, table counts."""

import pytest
import sqlalchemy as sa
from flask import g

from app.extensions import db
from tests.contribution_fixtures import *  # noqa: F403
from tests.contribution_fixtures import login


@pytest.fixture(autouse=True)
def separate_visitors(app):
    """Each request loads its own user, as on a real server.

    The `app` fixture keeps one app context for the whole test, and Flask-Login caches the
    user in `g`: without this, one test client would act as the user another signed in.
    """
    @app.before_request
    def forget_cached_user():
        g.pop("_login_user", None)


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
