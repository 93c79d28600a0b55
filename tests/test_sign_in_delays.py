"""A delay per account after failed sign-ins: guessing slows down, nobody is locked out."""

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.sign_in_delays import FREE_FAILURES, MAX_DELAY
from tests.factories import login

START = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
WAIT = "Trop de tentatives pour ce compte"


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand: no test waits for real time."""
    now = [START]
    monkeypatch.setattr("app.accounts.sign_in.utcnow", lambda: now[0])
    return now


def guess(app, user, address: str):
    visitor = app.test_client()
    visitor.environ_base["REMOTE_ADDR"] = address
    return login(visitor, user, "wrong password guess")


def test_guesses_from_many_addresses_are_slowed_per_account(app, client, accounts, clock):
    addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    answers = [guess(app, accounts.contributor, addresses[n % 3]).status_code
               for n in range(27)]
    assert answers[:FREE_FAILURES + 1] == [401] * (FREE_FAILURES + 1)
    assert answers[FREE_FAILURES + 1:] == [429] * (26 - FREE_FAILURES)
    response = login(client, accounts.contributor)  # the right password waits too
    assert response.status_code == 429 and WAIT in response.text
    assert "réessayez dans 1 secondes" in response.text


def test_the_owner_signs_in_once_the_short_delay_is_over(app, client, accounts, clock):
    for _ in range(30):  # refused attempts during a wait do not lengthen it
        guess(app, accounts.contributor, "198.51.100.9")
    clock[0] += timedelta(seconds=1)
    assert login(client, accounts.contributor).status_code == 302


def test_the_delay_doubles_but_never_exceeds_its_cap(app, client, accounts, clock):
    for _ in range(FREE_FAILURES + 20):  # each guess made once the previous wait is over
        guess(app, accounts.contributor, "198.51.100.7")
        clock[0] += MAX_DELAY
    assert guess(app, accounts.contributor, "198.51.100.7").status_code == 401
    waiting = login(client, accounts.contributor)
    assert waiting.status_code == 429
    clock[0] += MAX_DELAY
    assert login(client, accounts.contributor).status_code == 302


def test_a_successful_sign_in_starts_afresh(app, client, accounts, clock):
    for _ in range(FREE_FAILURES):
        guess(app, accounts.contributor, "198.51.100.5")
    assert login(client, accounts.contributor).status_code == 302
    client.post("/logout")
    for _ in range(FREE_FAILURES):
        assert guess(app, accounts.contributor, "198.51.100.5").status_code == 401
