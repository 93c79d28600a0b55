"""Sign-in checks the password before it writes: the hash holds no database lock."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.accounts import passwords
from app.database import SQLITE_BUSY_TIMEOUT_MS
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from tests.factories import PASSWORD, login


class HasherDoing:
    """The real argon2 hasher, running `during` in another thread while it verifies."""

    def __init__(self, during):
        self.real, self.during, self.outcomes = passwords._hasher, during, []

    def verify(self, password_hash, password):
        self.outcomes.append(self.during())
        return self.real.verify(password_hash, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def write_without_waiting(app, statement) -> str:
    """Run one write from another connection that refuses to wait for a lock."""
    outcome = []

    def write():
        with app.app_context(), db.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            connection.exec_driver_sql("PRAGMA busy_timeout = 0" if sqlite
                                       else "SET lock_timeout = '500ms'")
            connection.commit()
            try:
                with connection.begin():
                    connection.execute(statement)
                outcome.append("written")
            except sa.exc.OperationalError as error:
                outcome.append(f"blocked: {error.orig}")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"
                                           if sqlite else "RESET lock_timeout")
                connection.commit()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=30)
    return outcome[0] if outcome else "still waiting"


def during_hash(app, monkeypatch, statement) -> HasherDoing:
    hasher = HasherDoing(lambda: write_without_waiting(app, statement))
    monkeypatch.setattr(passwords, "_hasher", hasher)
    return hasher


def rename(email: str, name: str):
    return sa.update(User).where(User.email == email).values(display_name=name)


@pytest.mark.parametrize("password, status", [(PASSWORD, 302), ("wrong password!", 401)])
def test_other_writers_go_on_while_a_sign_in_checks_its_password(app, client, accounts,
                                                                 monkeypatch, password, status):
    hasher = during_hash(app, monkeypatch, rename("admin@example.fr", "Admin renamed"))
    assert login(client, accounts.contributor, password).status_code == status
    assert hasher.outcomes == ["written"]
    db.session.expire_all()
    assert accounts.admin.display_name == "Admin renamed"


def test_failed_and_successful_sign_ins_are_recorded(client, accounts):
    assert login(client, accounts.contributor, "wrong password!").status_code == 401
    db.session.expire_all()
    assert accounts.contributor.failed_sign_ins == 1
    assert accounts.contributor.last_login_at is None
    before = utcnow()
    assert login(client, accounts.contributor).status_code == 302
    db.session.expire_all()
    assert accounts.contributor.failed_sign_ins == 0
    assert accounts.contributor.last_login_at >= before - timedelta(seconds=1)


def test_an_outdated_hash_is_upgraded_at_sign_in(client, accounts):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    accounts.contributor.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    assert login(client, accounts.contributor).status_code == 302
    db.session.expire_all()
    stored = accounts.contributor.password_hash
    assert stored.startswith("$argon2id$") and not passwords.needs_rehash(stored)
    assert passwords.check_password(stored, PASSWORD)


def test_a_password_changed_during_the_check_does_not_sign_in(app, client, accounts,
                                                              monkeypatch):
    new_hash = passwords.hash_password("another password entirely")
    during_hash(app, monkeypatch, sa.update(User).where(
        User.email == accounts.contributor.email).values(password_hash=new_hash))
    assert login(client, accounts.contributor).status_code == 401
    assert client.get("/mes-contributions").status_code == 302


def test_a_delay_started_during_the_check_hides_the_result(app, client, accounts, monkeypatch):
    during_hash(app, monkeypatch, sa.update(User).where(
        User.email == accounts.contributor.email).values(
        sign_in_delayed_until=utcnow() + timedelta(seconds=30)))
    assert login(client, accounts.contributor).status_code == 429
