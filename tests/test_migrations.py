"""The same migrations build the schema on SQLite and on PostGIS."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import make_app

TABLES = {"initiatives", "themes", "tags", "users", "user_scopes", "revisions",
          "initiative_themes", "initiative_tags"}


def test_migrations_run_up_from_empty_and_back(tmp_path, migrated):
    url = migrated if migrated.startswith("postgresql") else f"sqlite:///{tmp_path / 'fresh.db'}"
    app = make_app(url)
    with app.app_context():
        downgrade(revision="base")
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        upgrade()
        assert TABLES <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_schema_has_spatial_index_of_its_dialect(app):
    if db.engine.dialect.name == "postgresql":
        geom = db.session.execute(sa.text(
            "SELECT udt_name, is_generated FROM information_schema.columns "
            "WHERE table_name = 'initiatives' AND column_name = 'geom'"
        )).one()
        assert tuple(geom) == ("geometry", "ALWAYS")
        index = db.session.execute(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_initiatives_geom'"
        )).scalar_one()
        assert "gist" in index.lower()
    else:
        assert "initiatives_rtree" in sa.inspect(db.engine).get_table_names()


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings only apply to the embedded database")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_status_outside_workflow_is_refused_by_the_database(app, seeded):
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE initiatives SET status = 'deleted'"))


def test_revisions_cannot_be_rewritten(app, seeded):
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE revisions SET reason = 'rewritten history'"))
