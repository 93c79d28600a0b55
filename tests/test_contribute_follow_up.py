"""The follow-up link, corrections and reports from the public, and what stays private."""

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ChangeSet, FollowUp, Initiative, Report, Revision
from app.models.base import utcnow
from tests.factories import (
    SECRET_EMAIL,
    count,
    follow_up_path,
    login,
    make_initiative,
    proposal_data,
)

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")


def propose(client, **overrides) -> str:
    return follow_up_path(client.post("/initiatives/new", data=proposal_data(**overrides)))


def test_follow_up_token_is_long_random_and_only_its_hash_is_stored(client):
    path = propose(client)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    stored = db.session.scalar(sa.select(FollowUp))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.token_hash, *map(str, stored.__dict__.values())}
    assert propose(client, name="Autre") != path


def test_follow_up_page_shows_the_status_privately(client):
    path = propose(client)
    response = client.get(path)
    assert response.status_code == 200
    assert "en attente de modération" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert 'name="robots" content="noindex"' in response.text


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 500])
def test_unknown_token_is_not_found(client, token):
    propose(client)
    assert client.get(f"/suivi/{token}").status_code == 404


def test_expired_link_is_not_found(client):
    path = propose(client)
    db.session.scalar(sa.select(FollowUp)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_proposer_edits_a_pending_proposal_through_the_link(client):
    path = propose(client)
    initiative = db.session.scalar(sa.select(Initiative))
    response = client.post(path, data=proposal_data(name="Repair café du Clunisois",
                                                    version=str(initiative.version)))
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert initiative.name == "Repair café du Clunisois" and initiative.status == "pending"
    actions = db.session.scalars(sa.select(Revision.action).order_by(Revision.id)).all()
    assert actions == ["create", "update"]


def test_proposer_edit_with_an_error_keeps_the_text_and_changes_nothing(client):
    path = propose(client)
    response = client.post(path, data=proposal_data(name="", website="ftp://x.fr"))
    assert response.status_code == 400 and "ftp://x.fr" in response.text
    assert db.session.scalar(sa.select(Initiative.name)) == "Repair café de Cluny"


def test_proposer_edit_after_a_moderators_change_is_a_conflict(client):
    path = propose(client)
    initiative = db.session.scalar(sa.select(Initiative))
    seen = initiative.version
    initiative.summary = "Changed by a moderator meanwhile"
    db.session.commit()
    response = client.post(path, data=proposal_data(name="Mine", version=str(seen)))
    assert response.status_code == 409 and "entre-temps" in response.text
    db.session.refresh(initiative)
    assert initiative.name == "Repair café de Cluny"


def test_proposer_edit_without_a_version_is_a_conflict(client):
    path = propose(client)
    response = client.post(path, data=proposal_data(name="Sans version"))
    assert response.status_code == 409 and "entre-temps" in response.text
    assert db.session.scalar(sa.select(Initiative.name)) == "Repair café de Cluny"


def test_decided_proposal_can_no_longer_be_edited(client):
    path = propose(client)
    initiative = db.session.scalar(sa.select(Initiative))
    initiative.status, initiative.moderator_comment = "rejected", "Hors sujet."
    db.session.commit()
    page = client.get(path).text
    assert "refusée" in page and "Hors sujet." in page and 'name="name"' not in page
    client.post(path, data=proposal_data(name="Sneaky"))
    db.session.refresh(initiative)
    assert initiative.name == "Repair café de Cluny"


def test_correction_is_a_change_set_and_leaves_the_live_record(client):
    initiative = make_initiative(status="published", summary="Ancien résumé")
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="Nouveau résumé", themes=["gestion-de-crise"],
        website="", message="Le résumé a changé", private_email="corrector@example.org"))
    assert response.status_code == 302
    change_set = db.session.scalar(sa.select(ChangeSet))
    assert change_set.status == "pending" and change_set.changes == {"summary": "Nouveau résumé"}
    assert change_set.proposer_email == "corrector@example.org"
    assert change_set.base_version == initiative.version
    db.session.refresh(initiative)
    assert initiative.summary == "Ancien résumé"
    page = client.get(follow_up_path(response)).text
    assert "Nouveau résumé" in page and "Ancien résumé" in page


def test_correction_prefills_the_public_values_but_never_the_private_email(client):
    initiative = make_initiative(status="published", summary="Résumé public")
    page = client.get(f"/initiatives/{initiative.id}/correction").text
    assert "Résumé public" in page and SECRET_EMAIL not in page


def test_correction_without_any_change_says_so(client):
    initiative = make_initiative(status="published")
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="", website="", themes=["gestion-de-crise"],
        private_email=""))
    assert response.status_code == 400 and "Aucune modification" in response.text
    assert count(ChangeSet) == 0


def test_correction_to_another_commune_moves_the_point_to_it(client):
    initiative = make_initiative(status="published")
    client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="", website="", themes=["gestion-de-crise"],
        commune="Bordeaux", private_email=""))
    change_set = db.session.scalar(sa.select(ChangeSet))
    assert change_set.changes == {"insee": "33063", "location_precision": "commune"}


def test_proposer_withdraws_a_pending_correction(client):
    initiative = make_initiative(status="published")
    path = follow_up_path(client.post(f"/initiatives/{initiative.id}/correction",
                                      data=proposal_data(name="Nouveau nom", private_email="")))
    client.post(path, data={"action": "withdraw"})
    assert db.session.scalar(sa.select(ChangeSet.status)) == "withdrawn"


@pytest.mark.parametrize("status", ["pending", "rejected", "archived"])
def test_only_published_initiatives_take_corrections_and_reports(client, status):
    initiative = make_initiative(status=status)
    assert client.get(f"/initiatives/{initiative.id}/correction").status_code == 404
    assert client.get(f"/initiatives/{initiative.id}/signaler").status_code == 404


def test_report_lands_in_the_queue_of_the_territory(client, accounts):
    initiative = make_initiative(status="published")
    stamp = proposal_data()["stamp"]
    response = client.post(f"/initiatives/{initiative.id}/signaler", data={
        "kind": "closed", "message": "Fermé depuis mars.", "stamp": stamp,
        "private_email": "witness@example.org", "status": "resolved"})
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert (report.kind, report.status, report.reporter_email) == (
        "closed", "open", "witness@example.org")
    login(client, accounts.moderator_71)
    assert "Fermé depuis mars." in client.get("/moderation/").text
    client.post("/logout")
    login(client, accounts.moderator_33)
    assert "Fermé depuis mars." not in client.get("/moderation/").text


def test_report_needs_a_kind(client):
    initiative = make_initiative(status="published")
    response = client.post(f"/initiatives/{initiative.id}/signaler",
                           data={"kind": "", "stamp": proposal_data()["stamp"]})
    assert response.status_code == 400 and "Choisissez le type de problème." in response.text
