"""The benchmark's own PostgreSQL database, `maillage_bench` (never the tests' one)."""

import os
import shutil
import subprocess
from pathlib import Path

from benchmarks import PROJECT_ROOT

# Another name lets two runs share the server (MAILLAGE_BENCH_DB), each with its own database.
BENCH_DB = os.environ.get("MAILLAGE_BENCH_DB", "maillage_bench")
ROLE = os.environ.get("MAILLAGE_PG_ROLE", "maillage")
PASSWORD = os.environ.get("MAILLAGE_PG_PASSWORD", "maillage")
PORT = os.environ.get("PGPORT", "5432")


def server_online() -> bool:
    """Whether Debian's PostgreSQL cluster is installed and running."""
    if shutil.which("pg_lsclusters") is None:
        return False
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)
    return any(" online " in f" {line} " for line in listing.stdout.splitlines())


def start_server() -> None:
    """Install, start and prepare PostgreSQL + PostGIS with the CI script (idempotent)."""
    subprocess.run(["bash", str(Path(PROJECT_ROOT) / ".ci" / "postgres")], check=True,
                   stdout=subprocess.DEVNULL)


def as_postgres(sql: str, database: str = "postgres") -> str:
    """Run one statement as the postgres superuser and return its output."""
    command = ["psql", "-p", PORT, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAc", sql]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    else:
        command = ["sudo", "-u", "postgres", *command]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def fresh_database() -> str:
    """Drop and recreate maillage_bench, owned by the app's role, with PostGIS; return its URL."""
    if not server_online():
        start_server()
    if as_postgres(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'") != "1":
        as_postgres(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}' CREATEDB")
    as_postgres(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    as_postgres(f"CREATE DATABASE {BENCH_DB} OWNER {ROLE}")
    as_postgres("CREATE EXTENSION IF NOT EXISTS postgis", database=BENCH_DB)
    return bench_url()


def bench_url() -> str:
    return f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:{PORT}/{BENCH_DB}"


def kept_database(rows: int, head: str) -> str | None:
    """The URL of maillage_bench when a previous run kept it loaded with exactly `rows`
    initiatives at the migrations' head; None when it must be loaded again."""
    if not server_online():
        return None
    if as_postgres(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'") != "1":
        return None
    try:
        found = as_postgres("SELECT (SELECT count(*) FROM initiatives) || ' ' || "
                            "(SELECT string_agg(version_num, ',') FROM alembic_version)",
                            database=BENCH_DB)
    except subprocess.CalledProcessError:  # no schema: a load cut short
        return None
    return bench_url() if found == f"{rows} {head}" else None


def drop_database() -> None:
    """Remove maillage_bench once the run is over."""
    as_postgres(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def versions() -> str:
    """PostgreSQL and PostGIS versions, as the server reports them."""
    try:
        pg = as_postgres("SHOW server_version")
        postgis = as_postgres("SELECT postgis_lib_version()", database=BENCH_DB)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "not available"
    return f"PostgreSQL {pg}, PostGIS {postgis}"
