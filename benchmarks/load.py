"""Fresh databases through the real schema (`flask db upgrade`), then a fast bulk load.

SQLite: executemany in transactions of 50,000 rows, indexes built after, the R*Tree filled in
one statement. PostgreSQL: COPY in chunks; the migrations' generated `geom` column is computed
as rows arrive, its GiST index and the others built after, then VACUUM ANALYZE.
"""

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from benchmarks import PROJECT_ROOT, postgres

BATCH = 5000  # rows per executemany (SQLite)
TRANSACTION_ROWS = 50_000  # rows per transaction
SQLITE_CACHE_KB = 256 * 1024  # page cache of the loading connection
PG_INDEX_MEMORY = "512MB"  # maintenance_work_mem while the indexes are built again


@dataclass(frozen=True)
class Database:
    dialect: str  # "sqlite" or "postgresql"
    url: str

    @property
    def label(self) -> str:
        return "SQLite" if self.dialect == "sqlite" else "PostgreSQL + PostGIS"


def fresh_sqlite(directory: Path, scale: int) -> Database:
    """An empty SQLite file for this scale (any previous one removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{scale}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Database("sqlite", f"sqlite:///{path.resolve()}")


def fresh_postgres() -> Database:
    """The maillage_bench database, dropped and created again."""
    return Database("postgresql", postgres.fresh_database())


def kept_postgres(scale: int) -> Database | None:
    """maillage_bench as a previous run kept it (--keep-database), when it holds this scale's
    rows at the migrations' head; None when it must be loaded afresh."""
    url = postgres.kept_database(scale, migration_head())
    return Database("postgresql", url) if url else None


def migration_head() -> str:
    """The revision `flask db upgrade` brings a database to."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def flask_env(database: Database) -> dict:
    """The environment of a `flask --app app` command or a server on this database (a
    production one: PUBLIC_URL is required outside debug mode)."""
    return {"PUBLIC_URL": "http://127.0.0.1", **os.environ, "DATABASE_URL": database.url,
            "PYTHONPATH": str(PROJECT_ROOT)}


def migrate(database: Database) -> None:
    """Create the schema with the project's migrations, as `flask db upgrade` does."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                   cwd=PROJECT_ROOT, env=flask_env(database), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def bench_app(database: Database):
    """The app bound to this database, for in-process work (load, floors, plans)."""
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database.url, "RATELIMIT_ENABLED": False,
                       "PUBLIC_URL": "http://localhost"})


def load(database: Database, rows: Iterable[dict]) -> float:
    """Insert the themes and the rows with their theme links; return the seconds taken.

    The rows are read as they come (a generator of a million keeps a few thousand in memory)
    and written with the secondary indexes dropped; they are built again once the rows, and
    their stored features, are in: one sort per index instead of a million random inserts.
    """
    from app.database import write_transaction
    from app.extensions import db
    from app.initiatives import stored_features
    from app.initiatives.taxonomy import ensure_default_themes
    from app.models import Theme

    started = time.perf_counter()
    app = bench_app(database)
    with app.app_context():
        with write_transaction():
            ensure_default_themes()
        theme_ids = dict(db.session.execute(sa.select(Theme.slug, Theme.id)).all())
        with deferred_indexes(db.engine):
            if database.dialect == "postgresql":
                copy_postgres(db.engine, rows, theme_ids)
            else:
                insert_sqlite(db.engine, rows, theme_ids)
            with db.engine.begin() as connection:
                # Bulk rows bypass the session that stores each feature when the app writes it.
                stored_features.refresh_all(connection)
        settle(db.engine)
        db.engine.dispose()
    return time.perf_counter() - started


def initiative_columns() -> list[str]:
    from app.models import Initiative

    # The stored feature is built after the load (stored_features.refresh_all).
    return [column.name for column in Initiative.__table__.columns
            if column.name != "public_feature"]


def column_defaults(columns: list[str]) -> dict:
    """Each column's plain default, for the columns the generator does not give (those
    newer than it: life status, reminders, actors…)."""
    from app.models import Initiative

    table = Initiative.__table__.columns
    return {column: plain_default(table[column]) for column in columns}


def plain_default(column: sa.Column):
    default = column.default
    return default.arg if default is not None and not callable(default.arg) else None


def chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """The rows, `size` at a time."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def theme_links(chunk: list[dict], theme_ids: dict[str, int]) -> list[dict]:
    return [{"initiative_id": row["id"], "theme_id": theme_ids[slug]}
            for row in chunk for slug in row["themes"]]


def insert_sqlite(engine: sa.Engine, rows: Iterable[dict], theme_ids: dict[str, int]) -> None:
    """executemany through SQLAlchemy Core (its types store the timestamps as the app does),
    committed every TRANSACTION_ROWS rows so the WAL is checkpointed as it goes."""
    from app.models import Initiative
    from app.models.initiative import initiative_themes

    columns = initiative_columns()
    defaults = column_defaults(columns)
    for transaction in chunks(rows, TRANSACTION_ROWS):
        with engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
            for chunk in chunks(transaction, BATCH):
                connection.execute(Initiative.__table__.insert(),
                                   [{**defaults, **{c: row[c] for c in columns if c in row}}
                                    for row in chunk])
                connection.execute(initiative_themes.insert(), theme_links(chunk, theme_ids))


def copy_postgres(engine: sa.Engine, rows: Iterable[dict], theme_ids: dict[str, int]) -> None:
    """COPY the rows and their links, TRANSACTION_ROWS at a time, then move the id sequence
    past them."""
    columns = initiative_columns()
    defaults = column_defaults(columns)
    naive = {"published_at", "created_at", "updated_at"}  # stored as naive UTC by the app
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            for chunk in chunks(rows, TRANSACTION_ROWS // 5):
                with cursor.copy(f"COPY initiatives ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in chunk:
                        values = {**defaults, **row}
                        copy.write_row([values[c].replace(tzinfo=None) if c in naive
                                        and values[c] else values[c] for c in columns])
                with cursor.copy("COPY initiative_themes (initiative_id, theme_id) "
                                 "FROM STDIN") as copy:
                    for link in theme_links(chunk, theme_ids):
                        copy.write_row((link["initiative_id"], link["theme_id"]))
                raw.commit()
            cursor.execute("SELECT setval(pg_get_serial_sequence('initiatives', 'id'), "
                           "(SELECT max(id) FROM initiatives))")
        raw.commit()
    finally:
        raw.close()


@contextmanager
def deferred_indexes(engine: sa.Engine) -> Iterator[None]:
    """Drop the bulk-loaded tables' secondary indexes (and SQLite's R*Tree insert trigger)
    for the block, then build them again from their own definitions and fill the R*Tree in
    one statement. Constraint indexes (primary keys, unique) stay: they check the rows."""
    dropped = secondary_indexes(engine)
    with engine.begin() as connection:
        for kind, name, _definition in dropped:
            connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    yield
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET maintenance_work_mem = '{PG_INDEX_MEMORY}'")
        else:
            connection.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
            connection.exec_driver_sql(
                "INSERT INTO initiatives_rtree SELECT id, lon, lon, lat, lat FROM initiatives "
                "WHERE lon IS NOT NULL AND lat IS NOT NULL")
        for _kind, _name, definition in dropped:
            connection.exec_driver_sql(definition)


def secondary_indexes(engine: sa.Engine) -> list[tuple[str, str, str]]:
    """(kind, name, CREATE statement) of the indexes on the bulk-loaded tables that no
    constraint owns; on SQLite, the R*Tree insert trigger too (filled after the load)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return [("index", *row) for row in connection.execute(sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                "('initiatives', 'initiative_themes') AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)"))]
        return [tuple(row) for row in connection.execute(sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
            "(type = 'index' AND tbl_name IN ('initiatives', 'initiative_themes')) "
            "OR (type = 'trigger' AND name = 'initiatives_rtree_insert'))"))]


def settle(engine: sa.Engine) -> None:
    """Leave the tables as a running database keeps them: vacuumed (PostgreSQL; the stored
    features rewrote every row) and with fresh planner statistics. Statistics taken before
    that rewrite made PostgreSQL read the whole table for each page of the collection
    (estimated 312 rows of 100,000; 137 ms a page instead of 9)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")


def prepare(database: Database, rows: Iterable[dict], count: int) -> dict:
    """Migrate then load `count` rows; return what it took."""
    started = time.perf_counter()
    migrate(database)
    migrated = time.perf_counter() - started
    loaded = load(database, rows)
    return {"migrate_s": migrated, "load_s": loaded, "rows": count}
