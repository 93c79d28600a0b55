"""The same migrations build the schema on SQLite and on PostGIS."""

import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.filters import parse_filters
from app.geo.spatial import explain, select_initiatives
from app.initiatives.geojson import PUBLIC_COLUMNS
from app.models.unmapped import include_object
from tests.conftest import make_app
from tests.factories import make_initiative
from tests.test_spatial import spread_copies

TABLES = {"initiatives", "themes", "tags", "users", "user_scopes", "revisions",
          "initiative_themes", "initiative_tags"}
# The public filters and the index each uses, at the stored-feature migration's revision.
BACKFILL_PLANS = {
    (("bbox", "-5,47,-1,49"),): {"postgresql": "ix_initiatives_geom",
                                 "sqlite": "initiatives_rtree"},
    (("kind", "place"),): {"postgresql": "ix_initiatives_kind", "sqlite": "ix_initiatives_kind"},
    (("departement", "71"),): {"postgresql": "ix_initiatives_departement",
                               "sqlite": "ix_initiatives_departement"},
}


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


def test_stored_feature_backfill_leaves_postgresql_fresh_statistics(app, seeded_points):
    """The backfill rewrites every row: without an ANALYZE the planner misjudges the table
    until autovacuum passes (a collection page read all 100,000 rows for 312 estimated)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's statistics describe indexes the backfill does not change")
    db.session.remove()
    downgrade(revision="3b8e51c2a7d4")
    upgrade(revision="c41f7a9e0b52")  # not further: a later migration analyses too
    with db.engine.connect() as connection:
        rows = connection.scalar(sa.text("SELECT count(*) FROM initiatives"))
        estimated = connection.scalar(sa.text(
            "SELECT reltuples FROM pg_class WHERE relname = 'initiatives'"))
        analysed = connection.scalars(sa.text(
            "SELECT attname FROM pg_stats WHERE tablename = 'initiatives'")).all()
    upgrade()
    db.engine.dispose()
    assert rows > 0 and estimated == rows
    assert "public_feature" in analysed  # added by this migration, so analysed after it


@pytest.mark.slow
def test_public_queries_use_their_indexes_right_after_the_backfill(app, seeded_points):
    spread_copies(400)
    db.session.commit()
    db.session.remove()
    downgrade(revision="3b8e51c2a7d4")
    upgrade(revision="c41f7a9e0b52")
    # The columns the public queries read that exist at that revision (later ones do not).
    existing = {column["name"] for column in sa.inspect(db.engine).get_columns("initiatives")}
    columns = [column for column in PUBLIC_COLUMNS if column.key in existing]
    plans = {args: explain(select_initiatives(parse_filters(MultiDict(args)))
                           .with_only_columns(*columns))
             for args in BACKFILL_PLANS}
    db.session.remove()
    upgrade()
    db.engine.dispose()
    for args, indexes in BACKFILL_PLANS.items():
        assert indexes[db.engine.dialect.name] in plans[args], plans[args]


def test_models_and_migrations_describe_the_same_schema(app):
    with db.engine.connect() as connection, warnings.catch_warnings():
        # Reflection cannot read PostGIS's geometry type or SQLite's expression indexes:
        # both are among the objects the comparison leaves out.
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        context = MigrationContext.configure(connection, opts={
            "include_object": include_object, "compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_stored_features_are_compressed_with_lz4_on_postgresql(app, themes):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not compress stored values")
    initiative_id = make_initiative("Maison du vélo",
                                    description="Des ateliers de réparation chaque semaine. " * 200,
                                    kind="place", status="published", private_email=None,
                                    themes=None).id
    feature_and_method = sa.text(
        "SELECT public_feature, pg_column_compression(public_feature) FROM initiatives "
        "WHERE id = :id")

    def stored() -> tuple[bytes, str]:
        with db.engine.connect() as connection:
            return tuple(connection.execute(feature_and_method, {"id": initiative_id}).one())

    db.session.remove()
    downgrade(revision="b6e2c4d8f1a3")
    before, method_before = stored()
    upgrade()
    after, method_after = stored()
    db.engine.dispose()
    assert (method_before, method_after) == ("pglz", "lz4")
    assert bytes(after) == bytes(before)
