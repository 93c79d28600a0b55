"""Pooled PostgreSQL connections: checked after sitting idle, autocommit for single reads."""

import time

import pytest
import sqlalchemy as sa

from app.database import single_read, write_transaction
from app.extensions import db
from app.models import Theme
from tests.factories import recorded_statements

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pooled server connections: runs when the suite runs on PostgreSQL")
    db.engine.dispose()
    yield app
    db.engine.dispose()


def backend_pid(connection) -> int:
    return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def kill_next_pooled_connection() -> int:
    """Leave the pool holding a connection the server closed, first in line; its pid."""
    victim = db.engine.connect()
    killer = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    pid = backend_pid(victim)
    victim.close()  # back in the pool, alive, before the killer
    assert killer.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.close()
    time.sleep(0.2)
    return pid


def idle_for(seconds: float) -> None:
    """Make every pooled connection look idle for that long."""
    for record in list(db.engine.pool._pool.queue):
        record.info["idle_since"] -= seconds


@pytest.fixture
def pings(postgres, monkeypatch) -> list:
    """The connections pinged, as they happen."""
    pinged, ping = [], db.engine.dialect.do_ping

    def counted(dbapi_connection):
        pinged.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    return pinged


def test_a_connection_used_a_moment_ago_is_lent_without_a_ping(pings):
    with db.engine.connect() as connection:
        pid = backend_pid(connection)
    with db.engine.connect() as connection:
        assert backend_pid(connection) == pid
    assert pings == []
    idle_for(60)
    with db.engine.connect() as connection:
        assert backend_pid(connection) == pid
    assert len(pings) == 1


def test_a_connection_killed_while_idle_is_replaced_before_use(pings, client):
    killed = kill_next_pooled_connection()
    idle_for(60)
    assert client.get("/healthz").status_code == 200
    assert len(pings) == 1
    with db.engine.connect() as connection:
        assert backend_pid(connection) != killed


def test_a_connection_killed_while_busy_fails_once_then_the_pool_recovers(postgres, client):
    kill_next_pooled_connection()
    assert client.get("/healthz").status_code == 503
    assert [client.get("/healthz").status_code for _ in range(3)] == [200] * 3


def test_single_reads_run_outside_any_transaction_and_leave_writes_atomic(postgres):
    with single_read() as connection:
        assert connection.connection.dbapi_connection.autocommit
        assert connection.scalar(sa.text("SELECT count(*) FROM themes")) == db.session.scalar(
            sa.select(sa.func.count()).select_from(Theme))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Theme))
    with pytest.raises(RuntimeError), write_transaction():
        db.session.add(Theme(slug="tmp-theme", label_fr="T", label_en="T", colour="#000000",
                             icon="x"))
        db.session.flush()
        raise RuntimeError("the write fails after its first statement")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == before


def test_single_reads_on_sqlite_leave_the_session_alone_and_begin_nothing(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with recorded_statements() as statements, single_read() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM themes")) == 0
        assert not connection.connection.dbapi_connection.in_transaction
    assert statements == ["SELECT count(*) FROM themes"]
    assert not db.session.registry.has()
    with write_transaction():  # a writer still begins, immediately, after such a read
        db.session.add(Theme(slug="tmp-theme", label_fr="T", label_en="T", colour="#000000",
                             icon="x"))
        assert db.session.connection().connection.dbapi_connection.in_transaction
