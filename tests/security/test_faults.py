"""Faults: a server killed in the middle of an import, a full disk, many writers at once on
SQLite, PostgreSQL restarted under load. The database stays whole and the app recovers."""

import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import pytest
import requests
import sqlalchemy as sa

from app.accounts.services import create_user
from app.database import write_transaction
from app.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD, proposal_data
from tests.security.conftest import table_counts
from tests.security.servers import (
    csrf_token,
    form_value,
    fresh_database,
    signed_in,
    start_server,
)

pytestmark = pytest.mark.slow
IMPORT_ROWS = 1_500


def big_geojson(rows: int) -> bytes:
    """Distinct initiatives spread over Burgundy, each with a long description."""
    features = [{"type": "Feature", "id": f"kill-{index}",
                 "geometry": {"type": "Point", "coordinates": [
                     round(3.5 + (index % 50) * 0.04, 5), round(46.2 + (index // 50) * 0.03, 5)]},
                 "properties": {"name": f"Initiative importée numéro {index}",
                                "description": f"Ligne {index}. " + "texte " * 400}}
                for index in range(rows)]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def sqlite_state(url: str) -> tuple[str, int, int, list]:
    """integrity_check, initiatives, create revisions and foreign key problems of a file."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return (connection.execute("PRAGMA integrity_check").fetchone()[0],
                connection.execute("SELECT count(*) FROM initiatives").fetchone()[0],
                connection.execute(
                    "SELECT count(*) FROM revisions WHERE action = 'create'").fetchone()[0],
                connection.execute("PRAGMA foreign_key_check").fetchall())


def wal_size(url: str) -> int:
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def start_import(server, folder: Path) -> tuple[requests.Session, str, dict]:
    """Sign in, upload the file and fill the mapping: what the commit button posts."""
    session = signed_in(server, "admin@example.fr", PASSWORD)
    page = session.get(server.url + "/import", timeout=30)
    uploaded = session.post(server.url + "/import", timeout=60, allow_redirects=False, files={
        "file": ("grand.geojson", big_geojson(IMPORT_ROWS))}, data={
        "csrf_token": csrf_token(page.text)})
    assert uploaded.status_code == 302, uploaded.text[:500]
    mapping = session.get(server.url + uploaded.headers["Location"], timeout=60)
    form = {"csrf_token": csrf_token(mapping.text), "status": "published",
            "default_kind": "initiative", "source": "Grand import", "map_name": "name",
            "map_description": "description", "include_duplicates": "y"}
    token = re.search(r"/import/([A-Za-z0-9_-]{32})", uploaded.headers["Location"])[1]
    return session, f"{server.url}/import/{token}/valider", form


def test_server_killed_during_an_import_leaves_nothing_half_written(tmp_path):
    url = fresh_database(tmp_path)
    with make_app(url).app_context(), write_transaction():
        create_user("admin@example.fr", PASSWORD, "admin")
    server = start_server(url, tmp_path, workers=1, threads=2)
    try:
        session, commit_url, form = start_import(server, tmp_path)
        before = sqlite_state(url)
        request = threading.Thread(target=lambda: post_quietly(session, commit_url, form))
        request.start()
        deadline = time.monotonic() + 120
        while wal_size(url) < 2_000_000 and request.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)  # the transaction is writing its pages
        finished_before_kill = not request.is_alive()
        server.kill()
        request.join(timeout=30)
    finally:
        server.stop()
    assert not finished_before_kill, "the import ended before the kill: use more rows"
    integrity, initiatives, creations, foreign_keys = sqlite_state(url)
    assert integrity == "ok" and foreign_keys == []
    assert initiatives in (before[1], before[1] + IMPORT_ROWS), initiatives
    assert creations == initiatives


def post_quietly(session: requests.Session, url: str, form: dict) -> None:
    try:
        session.post(url, data=form, timeout=120)
    except requests.RequestException:
        pass  # the server is killed under it


def test_full_disk_gives_an_error_page_and_loses_nothing(app, client, seeded, fast_forms):
    """Simulated with SQLite's max_page_count: the file may not grow by one more page."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("simulated on the SQLite file (max_page_count)")
    db.session.remove()
    raw = db.engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM")  # no free page left to reuse
        limit = raw.cursor().execute("PRAGMA page_count").fetchone()[0]
    finally:
        raw.close()
    db.engine.dispose()

    def cap(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {limit}")

    sa.event.listen(db.engine, "connect", cap)
    before = table_counts()
    big = proposal_data(name="Proposition sur un disque plein", description="d" * 20_000)
    try:
        response = client.post("/initiatives/new", data=big)
        assert response.status_code == 503, response.status_code
        assert "rien n'a été enregistré" in response.text.replace("&#39;", "'")
        assert response.headers["Retry-After"]
        api = client.get("/api/v1/initiatives?limit=1")
        assert api.status_code == 200  # reading still works
    finally:
        sa.event.remove(db.engine, "connect", cap)
        db.engine.dispose()
    assert table_counts() == before
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    big["stamp"] = proposal_data()["stamp"]
    assert client.post("/initiatives/new", data=big).status_code == 302  # room again


def test_fifty_concurrent_proposals_on_sqlite_are_all_stored(tmp_path):
    url = fresh_database(tmp_path)
    server = start_server(url, tmp_path, workers=4, threads=4, FORM_MIN_SECONDS=1,
                          SUBMISSION_RATE_LIMIT="1000 per minute")
    try:
        sessions = [requests.Session() for _ in range(50)]
        for session in sessions:  # a kept-alive connection may be closed by the server
            session.headers["Connection"] = "close"  # just as the client reuses it
        with ThreadPoolExecutor(max_workers=50) as pool:
            forms = list(pool.map(lambda s: s.get(server.url + "/initiatives/new", timeout=60),
                                  sessions))
            time.sleep(1.1)  # the minimum time to fill the form
            statuses = list(pool.map(lambda args: propose(server.url, *args),
                                     enumerate(zip(sessions, forms, strict=True))))
        log = server.output()
    finally:
        server.stop()
    assert statuses == [302] * 50, (statuses, log[-6000:])
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        assert connection.execute(
            "SELECT count(*) FROM initiatives WHERE status = 'pending'").fetchone()[0] == 50
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def propose(base_url: str, index: int, pair) -> int:
    session, form_page = pair
    data = {"name": f"Proposition simultanée {index}", "kind": "initiative",
            "commune": "Cluny", "themes": ["continuite-service-public"], "consent": "y",
            "private_email": f"personne{index}@example.org", "action": "send",
            "stamp": form_value(form_page.text, "stamp"), "csrf_token": csrf_token(form_page.text)}
    return session.post(base_url + "/initiatives/new", data=data, timeout=120,
                        allow_redirects=False).status_code


def postgres_restart_possible() -> str | None:
    """Why the PostgreSQL restart test cannot run here, or None."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "runs when the suite runs on PostgreSQL (DATABASE_URL)"
    if os.geteuid() != 0 or shutil.which("pg_ctlcluster") is None:
        return "needs root and pg_ctlcluster to restart the cluster"
    if postgres_cluster() is None:
        return "no local Debian cluster serves the DATABASE_URL's port"
    return None


def postgres_cluster() -> tuple[str, str] | None:
    """The (version, name) of the Debian cluster on the DATABASE_URL's port: the one to restart."""
    port = sa.engine.make_url(os.environ["DATABASE_URL"]).port or 5432
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True,
                             check=False).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, name
    return None


@pytest.mark.skipif(postgres_restart_possible() is not None,
                    reason=str(postgres_restart_possible()))
def test_postgres_restart_under_load_fails_cleanly_then_recovers(migrated, tmp_path):
    server = start_server(migrated, tmp_path, workers=2, threads=2)
    statuses, stop = [], threading.Event()

    def load():
        while not stop.is_set():
            for path in ("/api/v1/initiatives?limit=5", "/initiatives", "/healthz"):
                try:
                    statuses.append((time.monotonic(), requests.get(
                        server.url + path, timeout=30).status_code))
                except requests.RequestException as error:
                    statuses.append((time.monotonic(), type(error).__name__))

    workers = [threading.Thread(target=load) for _ in range(4)]
    try:
        for worker in workers:
            worker.start()
        time.sleep(1)
        subprocess.run(["pg_ctlcluster", *postgres_cluster(), "restart"], check=True, timeout=120)
        restarted = time.monotonic()
        time.sleep(10)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        server.stop()
    assert {status for _, status in statuses} <= {200, 503}, set(s for _, s in statuses)
    assert all(status == 200 for moment, status in statuses if moment > restarted + 5)
