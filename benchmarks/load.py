"""Fresh databases through the real schema (`flask db upgrade`), then a fast bulk load.

SQLite: one executemany in one transaction; the migrations' triggers fill the R*Tree.
PostgreSQL: COPY; the migrations' generated `geom` column and its GiST index follow.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from benchmarks import PROJECT_ROOT, postgres

BATCH = 5000


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


def load(database: Database, rows: list[dict]) -> float:
    """Insert the themes and the rows with their theme links; return the seconds taken."""
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
        links = [(row["id"], theme_ids[slug]) for row in rows for slug in row["themes"]]
        if database.dialect == "postgresql":
            copy_postgres(db.engine, rows, links)
        else:
            insert_sqlite(db.engine, rows, links)
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


def with_defaults(row: dict, columns: list[str]) -> dict:
    """The row's values for the columns, a column's plain default where the generator gives
    none (columns newer than the generator: life status, reminders, actors…)."""
    from app.models import Initiative

    table = Initiative.__table__.columns
    return {c: row[c] if c in row else plain_default(table[c]) for c in columns}


def plain_default(column: sa.Column):
    default = column.default
    return default.arg if default is not None and not callable(default.arg) else None


def insert_sqlite(engine: sa.Engine, rows: list[dict], links: list[tuple]) -> None:
    """executemany through SQLAlchemy Core (its types store the timestamps as the app does)."""
    from app.models import Initiative
    from app.models.initiative import initiative_themes

    columns = initiative_columns()
    with engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            batch = [with_defaults(row, columns) for row in rows[start:start + BATCH]]
            connection.execute(Initiative.__table__.insert(), batch)
        connection.execute(initiative_themes.insert(),
                           [{"initiative_id": i, "theme_id": t} for i, t in links])


def copy_postgres(engine: sa.Engine, rows: list[dict], links: list[tuple]) -> None:
    """COPY the rows and links, and move the id sequence past them."""
    columns = initiative_columns()
    naive = {"published_at", "created_at", "updated_at"}  # stored as naive UTC by the app
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY initiatives ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    values = with_defaults(row, columns)
                    copy.write_row([values[c].replace(tzinfo=None) if c in naive and values[c]
                                    else values[c] for c in columns])
            with cursor.copy("COPY initiative_themes (initiative_id, theme_id) FROM STDIN") as copy:
                for link in links:
                    copy.write_row(link)
            cursor.execute("SELECT setval(pg_get_serial_sequence('initiatives', 'id'), "
                           "(SELECT max(id) FROM initiatives))")
        raw.commit()
    finally:
        raw.close()


def settle(engine: sa.Engine) -> None:
    """Leave the tables as a running database keeps them: vacuumed (PostgreSQL; the stored
    features rewrote every row) and with fresh planner statistics. Statistics taken before
    that rewrite made PostgreSQL read the whole table for each page of the collection
    (estimated 312 rows of 100,000; 137 ms a page instead of 9)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")


def prepare(database: Database, rows: list[dict]) -> dict:
    """Migrate then load; return what it took."""
    started = time.perf_counter()
    migrate(database)
    migrated = time.perf_counter() - started
    loaded = load(database, rows)
    return {"migrate_s": migrated, "load_s": loaded, "rows": len(rows)}
