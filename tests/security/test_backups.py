"""`flask backup` makes a consistent copy while the site writes; `flask restore` puts it back
and refuses any file that is not one of our backups."""

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.data_versions import data_version
from app.models import Initiative, User
from tests.conftest import PROJECT_ROOT, make_app
from tests.factories import make_initiative


def snapshot() -> dict[str, list]:
    """Every row of every table, in primary key order."""
    db.session.rollback()
    return {table.name: [tuple(row) for row in db.session.execute(
        sa.select(table).order_by(*table.primary_key.columns))]
        for table in db.metadata.sorted_tables}


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def test_backup_then_restore_gives_back_every_row(app, runner, seeded, accounts, tmp_path):
    make_initiative("Proposition en attente")
    before = snapshot()
    target = tmp_path / "sauvegarde.db"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # e-mails and password hashes
    with write_transaction():
        db.session.execute(sa.delete(Initiative).where(Initiative.status == "pending"))
        db.session.get(User, accounts.admin.id).display_name = "Changé après la sauvegarde"
        make_initiative("Écrite après la sauvegarde", status="published")
    assert snapshot() != before
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    if is_sqlite():
        with sqlite3.connect(db.engine.url.database) as live:
            assert live.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert live.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_restored_database_never_takes_a_data_version_seen_before(
        app, runner, seeded, tmp_path):
    target = tmp_path / "sauvegarde.db"
    at_backup = data_version()
    assert runner.invoke(args=["backup", "-o", str(target)]).exit_code == 0
    make_initiative("Écrite après la sauvegarde", status="published")
    after_write = data_version()
    assert runner.invoke(args=["restore", str(target), "--yes"]).exit_code == 0
    restored = data_version()
    make_initiative("Écrite après la restauration", status="published")
    assert len({at_backup, after_write, restored, data_version()}) == 4


def test_restore_asks_before_replacing_the_database(runner, seeded, tmp_path):
    target = tmp_path / "sauvegarde.db"
    runner.invoke(args=["backup", "-o", str(target)])
    make_initiative("Garder celle-ci", status="published")
    before = snapshot()
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert snapshot() == before


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="concurrent writers on one SQLite file; PostgreSQL's pg_dump is "
                    "consistent by design (one snapshot)")
def test_backup_is_consistent_while_writes_go_on(app, runner, migrated, themes, tmp_path):
    """Each proposal writes an initiative and its revision in one transaction: a snapshot
    has as many of one as of the other, however the backup falls among the writes."""
    stop, written = threading.Event(), []

    def writer():
        other = make_app(migrated)
        with other.app_context():
            while not stop.is_set():
                written.append(make_initiative(f"Écriture {len(written)}", description="x" * 2_000,
                                               private_email=None, themes=None).id)
            db.engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = [copy_counts(runner, tmp_path / f"copy{index}.db") for index in range(4)]
    finally:
        stop.set()
        thread.join()
    assert all(initiatives == revisions for initiatives, revisions in counts), counts
    assert counts[-1][0] > 0 and len(written) > counts[0][0]


def copy_counts(runner, target: Path) -> tuple[int, int]:
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (copy.execute("SELECT count(*) FROM initiatives").fetchone()[0],
                copy.execute("SELECT count(*) FROM revisions").fetchone()[0])


def damaged(path: Path) -> None:
    """Keep the first half of the file."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def unknown_schema(path: Path) -> None:
    with sqlite3.connect(path) as copy:
        copy.execute("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'")


def not_marked(path: Path) -> None:
    with sqlite3.connect(path) as copy:
        copy.execute("PRAGMA application_id = 0")


FOREIGN_FILES = {
    "text": lambda path: path.write_text("ceci n'est pas une sauvegarde"),
    "empty": lambda path: path.write_bytes(b""),
    "sqlite header only": lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84),
    "another sqlite file": lambda path: path.write_bytes(
        (PROJECT_ROOT / "geodata" / "build" / "gazetteer.sqlite").read_bytes()[:1 << 20]),
    "damaged": damaged,
    "unknown schema": unknown_schema,
    "not made by flask backup": not_marked,
}


@pytest.mark.parametrize("kind", FOREIGN_FILES)
def test_restore_refuses_what_is_not_one_of_our_backups(runner, seeded, tmp_path, kind):
    target = tmp_path / "sauvegarde.db"
    assert runner.invoke(args=["backup", "-o", str(target)]).exit_code == 0
    if not is_sqlite() and kind in ("unknown schema", "not made by flask backup"):
        pytest.skip("SQLite backups only")
    FOREIGN_FILES[kind](target)
    before = snapshot()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1, result.output
    assert "Nothing restored" in result.output
    assert snapshot() == before


def test_backup_never_leaves_a_partial_file(runner, app, tmp_path, monkeypatch):
    """A backup that fails leaves neither a half-written target nor its temporary file."""
    from app import backup as backups

    def broken(*_args):
        raise backups.BackupError("disque plein")

    monkeypatch.setattr(backups, "sqlite_backup", broken)
    monkeypatch.setattr(backups, "postgres_backup", broken)
    target = tmp_path / "sauvegarde.db"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 1 and "disque plein" in result.output
    assert list(tmp_path.iterdir()) == []
