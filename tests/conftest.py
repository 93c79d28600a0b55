"""Fixtures: a real database (SQLite file, or PostGIS from DATABASE_URL), migrated once, and
what the tests put in it: themes, accounts, the seed."""

import os
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.config import normalise_database_url
from app.database import write_transaction
from app.extensions import db
from tests.factories import Accounts, account
from tests.harvest_server import (  # noqa: F401 (fixtures of the harvest tests)
    harvest_server,
    maillage_peer,
    maillage_peer_database,
    self_signed_server,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The first seed: 53 entries, every one a point (the corpus v2 has 18 points, its 69 other
# entries cover whole territories). Map clusters, spatial plans and old migrations need it.
POINTS_SEED = PROJECT_ROOT / "geodata" / "seed_initiatives.geojson"
# The scripts of the running interpreter's environment (pybabel, gunicorn), wherever it is.
VENV_BIN = Path(sys.executable).parent
PEERS_UMAP = PROJECT_ROOT.parent / "shared" / "peers" / "umap"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_configure(config):
    """Refuse xdist workers on PostgreSQL: they would all empty and migrate one database."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")) and getattr(config.option, "numprocesses", 0):
        raise pytest.UsageError("The tests share one PostgreSQL database: run them without -n.")


def pytest_report_header(config):
    return f"database: {describe(os.environ.get('DATABASE_URL') or 'sqlite (temporary file)')}"


def describe(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True) if "://" in url else url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The database of this run: DATABASE_URL when it is PostgreSQL, else a fresh SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        name = sa.engine.make_url(normalise_database_url(url)).database or ""
        if "test" not in name:
            pytest.exit(f"Refusing to wipe database {name!r}: its name must contain 'test'.")
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'maillage-test.db'}"


class VisitorClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as on a server.

    The `app` fixture keeps one app context (and its database session) open for the test's
    own code; a request reusing it would share its `g`, where Flask-Login keeps the signed-in
    user, so one client would act as the user another signed in. What the test wrote is
    committed first, so the request sees it, and the test reads afresh afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
         "RATELIMIT_ENABLED": False, "JOBS_IN_PROCESS": False, **overrides}
    )
    app.test_client_class = VisitorClient
    return app


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """Empty the database and run every migration once for the session."""
    app = make_app(database_url)
    with app.app_context():
        drop_everything()
        upgrade()
        db.engine.dispose()
    return database_url


def drop_everything() -> None:
    """Drop our tables, keeping what PostGIS owns."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return  # a new SQLite file is empty already
    with engine.begin() as connection:
        tables = connection.scalars(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'spatial_ref_sys'"
        )).all()
        for table in tables:
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        connection.execute(sa.text("DROP FUNCTION IF EXISTS revisions_append_only() CASCADE"))


@pytest.fixture
def app(migrated: str, tmp_path):
    """The app on the session's database, emptied after each test; page files of its own,
    so no test reads what another kept on disk."""
    app = make_app(migrated, API_PAGE_FILES_DIR=str(tmp_path / "page-files"))
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))
            forget_statistics(connection)


def forget_statistics(connection) -> None:
    """Drop what ANALYZE left in the SQLite file: the next test's plans (several assert an
    index) must not depend on the statistics of the rows an earlier test had."""
    if connection.scalar(sa.text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        connection.execute(sa.text("DELETE FROM sqlite_stat1"))
        connection.execute(sa.text("ANALYZE sqlite_master"))  # reload: no statistics


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def themes(app):
    from app.initiatives.taxonomy import ensure_default_themes

    with write_transaction():
        ensure_default_themes()


@pytest.fixture
def accounts(app, themes) -> Accounts:
    """An admin, a contributor, moderators of Saône-et-Loire (71), Gironde (33), all France."""
    from app.accounts.services import add_scope

    with write_transaction():
        found = Accounts(
            admin=account("admin@example.fr", "admin", "Admin"),
            contributor=account("agent@example.fr", "contributor", "Agent"),
            moderator_71=account("moderation71@example.fr", "moderator", "M71"),
            moderator_33=account("moderation33@example.fr", "moderator", "M33"),
            national=account("national@example.fr", "moderator", "National"),
        )
        db.session.flush()
        add_scope(found.moderator_71, "departement", "71")
        add_scope(found.moderator_33, "departement", "33")
    return found


@pytest.fixture
def fast_forms(app):
    """Forms may be sent at once (the minimum fill time has its own tests)."""
    app.config["FORM_MIN_SECONDS"] = 0


@pytest.fixture
def seeded(app):
    """The seed initiatives, loaded as `flask seed` does."""
    from app.initiatives.seed import load_seed

    with write_transaction():
        return load_seed(Path(app.config["SEED_PATH"]))


@pytest.fixture
def seeded_points(app):
    """The first seed (53 entries, every one a point), for the tests that downgrade below
    Initiative.scope, whose downgrade refuses entries without a point."""
    from app.initiatives.seed import load_seed

    with write_transaction():
        return load_seed(POINTS_SEED)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright: one for the whole run."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test does it).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def clock():
    """The app's clock stopped at noon in Paris on 1 June 2026; move it with `.advance(days=)`."""
    from datetime import UTC, datetime

    from app.clock import frozen_at

    with frozen_at(datetime(2026, 6, 1, 10, 0, tzinfo=UTC)) as hands:
        yield hands
