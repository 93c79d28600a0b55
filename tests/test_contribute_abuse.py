"""Anti-abuse without third parties: CSRF, honeypot, minimum fill time, rate limits."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

import pytest

from app.contribute.anti_abuse import issue_stamp, serializer, spend_stamp
from app.database import write_transaction
from app.extensions import db, limiter
from app.models import ChangeSet, Initiative, Report, UsedStamp
from app.models.base import utcnow
from tests.conftest import make_app
from tests.factories import PASSWORD, count, make_initiative, proposal_data


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_client(migrated, themes):
    app = make_app(migrated, WTF_CSRF_ENABLED=True, FORM_MIN_SECONDS=0)
    return app.test_client()


def test_proposal_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/initiatives/new", data=proposal_data())
    assert response.status_code == 400
    assert count(Initiative) == 0


def test_proposal_with_the_forms_csrf_token_goes_through(csrf_client):
    token = csrf_token(csrf_client.get("/initiatives/new").text)
    response = csrf_client.post("/initiatives/new", data=proposal_data(csrf_token=token))
    assert response.status_code == 302 and count(Initiative) == 1


@pytest.mark.parametrize("path", ["/login", "/logout", "/moderation/bulk"])
def test_other_posts_need_the_token_too(csrf_client, accounts, path):
    response = csrf_client.post(path, data={"email": accounts.admin.email, "password": PASSWORD})
    assert response.status_code == 400
    with csrf_client.session_transaction() as session:
        assert "_user_id" not in session


def test_correction_and_report_need_the_token(csrf_client):
    initiative = make_initiative(status="published")
    for path in (f"/initiatives/{initiative.id}/correction",
                 f"/initiatives/{initiative.id}/signaler"):
        assert csrf_client.post(path, data={"kind": "closed", "name": "x"}).status_code == 400
    assert count(ChangeSet) == count(Report) == 0


def test_filled_honeypot_is_refused_and_nothing_is_written(client, fast_forms, themes):
    response = client.post("/initiatives/new", data=proposal_data(nickname="buy pills"))
    assert response.status_code == 400
    assert "Votre envoi n&#39;a pas pu être accepté." in response.text
    assert count(Initiative) == 0


def test_too_fast_a_submission_is_refused_but_keeps_what_was_typed(client, app, themes):
    app.config["FORM_MIN_SECONDS"] = 60
    response = client.post("/initiatives/new", data=proposal_data(name="Jardin des Lilas"))
    assert response.status_code == 400
    assert "Envoi trop rapide" in response.text and 'value="Jardin des Lilas"' in response.text
    assert count(Initiative) == 0


@pytest.mark.parametrize("stamp", ["", "forged", "InZvcm0i.ZXhwaXJlZA.forged"])
def test_missing_or_forged_stamp_is_refused(client, fast_forms, themes, stamp):
    response = client.post("/initiatives/new", data=proposal_data(stamp=stamp))
    assert response.status_code == 400 and "expiré" in response.text
    assert count(Initiative) == 0
    assert re.search(r'name="stamp" type="hidden" value="[^"]+"', response.text)


def test_report_honeypot_is_refused(client, fast_forms, themes):
    initiative = make_initiative(status="published")
    response = client.post(f"/initiatives/{initiative.id}/signaler",
                           data={"kind": "closed", "nickname": "x", "stamp": ""})
    assert response.status_code == 400 and count(Report) == 0


def test_proposals_are_rate_limited_per_address(migrated, themes):
    limited = make_app(migrated, RATELIMIT_ENABLED=True, SUBMISSION_RATE_LIMIT="2 per hour",
                       FORM_MIN_SECONDS=0)
    limiter.reset()
    client = limited.test_client()
    with limited.app_context():
        statuses = [client.post("/initiatives/new", data=proposal_data(
            name=f"Initiative {n}", confirm_distinct="y")).status_code for n in range(3)]
        other_address = client.post("/initiatives/new", data=proposal_data(
            name="Depuis ailleurs", confirm_distinct="y"),
            environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert statuses == [302, 302, 429]
    assert other_address.status_code == 302
    assert client.get("/initiatives/new").status_code == 200  # reading is never limited
    assert count(Initiative) == 3


def test_oversized_request_is_refused(migrated, themes):
    small = make_app(migrated, MAX_CONTENT_LENGTH=10_000, FORM_MIN_SECONDS=0)
    client = small.test_client()
    response = client.post("/initiatives/new", data=proposal_data(description="x" * 20_000))
    assert response.status_code == 413
    assert count(Initiative) == 0


def test_a_stamp_serves_one_accepted_proposal_only(client, fast_forms, themes):
    stamp = proposal_data()["stamp"]
    first = client.post("/initiatives/new", data=proposal_data(name="Jardin A", stamp=stamp))
    assert first.status_code == 302
    again = client.post("/initiatives/new", data=proposal_data(
        name="Jardin B", stamp=stamp, confirm_distinct="y"))
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert count(Initiative) == 1


def test_a_double_submit_creates_one_initiative_and_shows_its_follow_up(client, fast_forms,
                                                                        themes):
    data = proposal_data(name="Jardin des Lilas")
    first, second = (client.post("/initiatives/new", data=data) for _ in range(2))
    assert (first.status_code, second.status_code) == (302, 303)
    assert second.headers["Location"] == first.headers["Location"]
    page = client.get(second.headers["Location"])
    assert "déjà été envoyé" in page.text and "Jardin des Lilas" in page.text
    assert count(Initiative) == 1


def test_a_double_submit_of_a_correction_creates_one_change_set(client, fast_forms, themes):
    initiative = make_initiative(status="published")
    data = proposal_data(name="Jardin des Griottes", private_email=None, consent=None)
    path = f"/initiatives/{initiative.id}/correction"
    first, second = (client.post(path, data=data) for _ in range(2))
    assert (first.status_code, second.status_code) == (302, 303)
    assert second.headers["Location"] == first.headers["Location"]
    assert count(ChangeSet) == 1


def test_concurrent_posts_of_one_form_create_one_proposal(app, fast_forms, themes):
    data = proposal_data(name="Jardin des Lilas")

    def post(_index):
        return app.test_client().post("/initiatives/new", data=data)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))
    assert sorted(r.status_code for r in responses) == [302] + [303] * 5
    assert len({r.headers["Location"] for r in responses}) == 1
    assert count(Initiative) == 1


def test_a_stamp_spent_in_a_racing_transaction_writes_nothing(client, app, fast_forms, themes):
    data = proposal_data(name="Jardin des Lilas")
    nonce = serializer().loads(data["stamp"])["nonce"]
    # The other post commits between this one's checks and its write transaction.
    with patch("app.contribute.routes.stamp_spent", return_value=False):
        with write_transaction():
            db.session.add(UsedStamp(nonce=nonce))
        response = client.post("/initiatives/new", data=data)
    assert response.status_code == 303
    assert count(Initiative) == 0


def test_a_report_stamp_serves_once(client, fast_forms, themes):
    initiative = make_initiative(status="published")
    data = {"kind": "closed", "message": "Fermé depuis mars.", "stamp": proposal_data()["stamp"]}
    path = f"/initiatives/{initiative.id}/signaler"
    assert client.post(path, data=data).status_code == 302
    again = client.post(path, data=data)
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/{initiative.id}")
    assert count(Report) == 1


def test_spent_stamps_older_than_a_stamps_life_are_forgotten(app, fast_forms):
    with write_transaction():
        db.session.add(UsedStamp(nonce="0" * 32, used_at=utcnow() - timedelta(days=3)))
    with app.test_request_context(), write_transaction():
        spend_stamp(SimpleNamespace(stamp=SimpleNamespace(data=issue_stamp())))
    assert db.session.get(UsedStamp, "0" * 32) is None and count(UsedStamp) == 1


def test_an_old_style_stamp_without_a_nonce_is_refused(client, app, fast_forms, themes):
    with app.test_request_context():
        stamp = serializer().dumps("form")
    response = client.post("/initiatives/new", data=proposal_data(stamp=stamp))
    assert response.status_code == 400 and "expiré" in response.text
    assert count(Initiative) == 0
