"""Backups of the whole database, consistent while the site keeps writing, and their restore.

SQLite: VACUUM INTO copies one snapshot of the live file (writers go on meanwhile), the copy
is marked as ours (application_id), checked (integrity_check, schema version) and renamed
into place. Restoring goes through SQLite's backup API: the live file is replaced in one
transaction, so a running server sees the old data or the new, never a mix.
PostgreSQL: pg_dump --format=custom, checked with pg_restore --list; restored by pg_restore
in a single transaction.
Backups hold private e-mails and password hashes: they are written readable by their owner
only.
"""

import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with argument lists, no shell
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import URL

from app.extensions import db
from app.initiatives.data_versions import draw_epoch

APPLICATION_ID = 0x4D41494C  # "MAIL", in the SQLite header of our backups
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
REQUIRED_TABLES = ("alembic_version", "initiatives", "users", "revisions")
TABLE_DATA = re.compile(r" TABLE DATA \S+ (\S+)")
PG_TOOLS = {"pg_dump": "/usr/bin/pg_dump", "pg_restore": "/usr/bin/pg_restore"}


class BackupError(Exception):
    """A backup that cannot be made, or a file that is not a backup of ours."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    schema_version: str


def backup(target: Path) -> BackupInfo:
    """Write a consistent copy of the database to target (replaced only once complete)."""
    target = target.resolve()
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    create_private(temporary)
    try:
        if db.engine.dialect.name == "sqlite":
            version = sqlite_backup(live_sqlite_path(), temporary)
        else:
            version = postgres_backup(db.engine.url, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return BackupInfo(target, target.stat().st_size, version)


def restore(source: Path) -> BackupInfo:
    """Replace the whole database with a backup of ours; refuse any other file."""
    source = source.resolve()
    if db.engine.dialect.name == "sqlite":
        version = sqlite_restore(source, live_sqlite_path())
    else:
        version = postgres_restore(source, db.engine.url)
    db.engine.dispose()  # no pooled connection keeps the old database's state
    draw_epoch()
    return BackupInfo(source, source.stat().st_size, version)


def create_private(path: Path) -> None:
    """An empty file only its owner may read (a backup holds personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def live_sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:" or not Path(database).is_file():
        raise BackupError(f"No database file at {database!r}: run `flask db upgrade` first.")
    return Path(database).resolve()


def migration_scripts() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def known_revision(version: str) -> bool:
    """Whether the schema version is one of our migrations (not another app's, not newer)."""
    return version in {script.revision for script in migration_scripts().walk_revisions()}


def is_latest(version: str) -> bool:
    """Whether a backup's schema is this code's (else `flask db upgrade` brings it up)."""
    return version == migration_scripts().get_current_head()


# SQLite


def sqlite_backup(live: Path, copy: Path) -> str:
    """VACUUM INTO a snapshot of the live file, then mark and check the copy."""
    connection = sqlite3.connect(live, timeout=30)
    try:
        connection.execute("VACUUM INTO ?", (str(copy),))
    finally:
        connection.close()
    marked = sqlite3.connect(copy)
    try:
        marked.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    finally:
        marked.close()
    version = check_sqlite_backup(copy)
    with open(copy, "rb") as handle:
        os.fsync(handle.fileno())
    return version


def check_sqlite_backup(path: Path) -> str:
    """The schema version of a SQLite backup of ours; raise BackupError for anything else."""
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path.name} is not a Maillage backup (not a SQLite file).")
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return check_sqlite_contents(connection, path.name)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path.name} is damaged: {error}.") from None
    finally:
        connection.close()


def check_sqlite_contents(connection: sqlite3.Connection, name: str) -> str:
    if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise BackupError(f"{name} is not a Maillage backup (made by `flask backup`).")
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{name} is damaged: {'; '.join(problems[:3])}.")
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if missing := [table for table in REQUIRED_TABLES if table not in tables]:
        raise BackupError(f"{name} lacks the tables {', '.join(missing)}.")
    version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if version is None or not known_revision(version[0]):
        raise BackupError(f"{name} has a schema this version of Maillage does not know.")
    return version[0]


def sqlite_restore(backup_file: Path, live: Path) -> str:
    """Copy the live file's content over from a checked copy of the backup, atomically."""
    version = check_sqlite_backup(backup_file)
    staged = live.with_name(f".{live.name}.restore-{secrets.token_hex(4)}")
    shutil.copyfile(backup_file, staged)
    try:
        source = sqlite3.connect(staged)
        target = sqlite3.connect(live, timeout=30)
        try:
            source.backup(target)  # one step: readers see the old database or the new one
            target.execute("PRAGMA application_id = 0")  # the live file is not a backup
            target.commit()
        finally:
            source.close()
            target.close()
    finally:
        staged.unlink(missing_ok=True)
    return version


# PostgreSQL


def pg_environment(url: URL) -> dict[str, str]:
    """libpq's variables for the URL (the password stays out of the command line)."""
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def run_pg(tool: str, arguments: list[str], url: URL) -> str:
    """Run pg_dump or pg_restore; raise BackupError with its message when it fails."""
    executable = shutil.which(tool) or PG_TOOLS[tool]
    result = subprocess.run([executable, *arguments], env=pg_environment(url),  # noqa: S603
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[:500]}")
    return result.stdout


def postgres_backup(url: URL, copy: Path) -> str:
    run_pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={copy}",
                       "--exclude-table-data=public.spatial_ref_sys"], url)
    return check_postgres_backup(copy, url)


def postgres_contents(path: Path, url: URL) -> list[str]:
    """The table of contents of a custom-format dump; BackupError for anything else."""
    with open(path, "rb") as handle:
        if handle.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
            raise BackupError(f"{path.name} is not a Maillage backup (not a pg_dump archive).")
    return run_pg("pg_restore", ["--list", str(path)], url).splitlines()


def check_postgres_backup(path: Path, url: URL) -> str:
    """The schema version of a dump of ours; raise BackupError for anything else."""
    contents = postgres_contents(path, url)
    tables = {match[1] for line in contents if (match := TABLE_DATA.search(line))}
    if missing := [table for table in REQUIRED_TABLES if table not in tables]:
        raise BackupError(f"{path.name} lacks the tables {', '.join(missing)}.")
    data = run_pg("pg_restore", ["--data-only", "--table=alembic_version", "--file=-",
                                 str(path)], url)
    copied = data.partition("FROM stdin;\n")[2].partition("\\.")[0]  # COPY's rows
    versions = copied.split()
    if len(versions) != 1 or not known_revision(versions[0]):
        raise BackupError(f"{path.name} has a schema this version of Maillage does not know.")
    return versions[0]


def postgres_restore(backup_file: Path, url: URL) -> str:
    """Restore every object but the extensions (PostGIS stays installed) in one transaction."""
    version = check_postgres_backup(backup_file, url)
    contents = postgres_contents(backup_file, url)
    # PostGIS (its extension, its reference table) and the public schema stay as they are.
    kept = [line for line in contents if not any(
        part in line for part in (" EXTENSION ", " SCHEMA - public ", " spatial_ref_sys "))]
    listing = backup_file.with_name(f".{backup_file.name}.{secrets.token_hex(4)}.list")
    listing.write_text("\n".join(kept) + "\n")
    db.session.remove()  # no connection of ours holds a lock on the tables to replace
    db.engine.dispose()
    try:
        run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                              "--single-transaction", "--exit-on-error",
                              f"--use-list={listing}", f"--dbname={url.database}",
                              str(backup_file)], url)
    finally:
        listing.unlink(missing_ok=True)
    return version
