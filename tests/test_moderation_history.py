"""History as readable diffs, and RGPD erasure that really removes the personal data."""

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.initiatives.erasure import erase_initiative
from app.initiatives.follow_ups import issue_follow_up
from app.initiatives.reports import file_report
from app.initiatives.services import update_initiative
from app.models import ChangeSet, FollowUp, Initiative, OutboxMessage, Report, Revision
from app.notifications.outbox import enqueue
from tests.factories import count, login, make_initiative


def test_history_shows_each_revision_as_a_readable_diff(client, accounts):
    initiative = make_initiative(status="published", kind="initiative")
    with write_transaction():
        update_initiative(initiative, {"kind": "place", "insee": "71270"},
                          author=accounts.moderator_71, reason="Déménagement")
    login(client, accounts.national)
    page = client.get(f"/initiatives/{initiative.id}/history").text
    assert "Création" in page and "Modification" in page and "Déménagement" in page
    assert "M71" in page
    assert "<del>Initiative</del>" in page and "<ins>Lieu</ins>" in page
    assert "<del>Cluny (71137)</del>" in page and "<ins>Mâcon (71270)</ins>" in page


def test_history_is_for_the_moderators_of_the_territory(client, accounts):
    initiative = make_initiative(status="published")
    assert client.get(f"/initiatives/{initiative.id}/history").status_code == 302
    login(client, accounts.moderator_33)
    assert client.get(f"/initiatives/{initiative.id}/history").status_code == 403


def test_history_lists_corrections_and_reports(client, accounts):
    initiative = make_initiative(status="published")
    with write_transaction():
        propose_change(initiative, {"summary": "Autre"}, author=None, email=None, message="")
        file_report(initiative, "wrong_place", "Pas là", reporter=None, email=None)
    login(client, accounts.moderator_71)
    page = client.get(f"/initiatives/{initiative.id}/history").text
    assert "Corrections proposées" in page and "pas au bon endroit" in page


@pytest.fixture
def traced(app, accounts):
    """A published initiative with every kind of trace of its proposer."""
    email = f"erase-me-{uuid.uuid4().hex}@example.org"
    initiative = make_initiative("Initiative à effacer", status="published",
                                 private_email=email)
    with write_transaction():
        update_initiative(initiative, {"summary": "Changé"}, author=accounts.moderator_71)
        change_set = propose_change(initiative, {"summary": "Encore"}, author=None, email=email,
                                    message="")
        file_report(initiative, "closed", "", reporter=None, email=email)
        issue_follow_up(initiative, change_set)
        with app.test_request_context():
            enqueue(email, "decision", initiative=initiative, decision="approve", reason="")
    return initiative.id, email


def test_erasure_is_admin_only(client, accounts, traced):
    initiative_id, _email = traced
    login(client, accounts.national)
    response = client.post(f"/admin/initiatives/{initiative_id}/erase",
                           data={"confirm_id": str(initiative_id), "reason": "Demande"})
    assert response.status_code == 403
    assert db.session.get(Initiative, initiative_id) is not None


def test_erasure_needs_the_number_typed_again(client, accounts, traced):
    initiative_id, _email = traced
    login(client, accounts.admin)
    response = client.post(f"/admin/initiatives/{initiative_id}/erase",
                           data={"confirm_id": "1234567", "reason": "Demande"})
    assert response.status_code == 400 and "ne correspond pas" in response.text
    assert db.session.get(Initiative, initiative_id) is not None


def test_erasure_removes_everything_and_keeps_an_anonymous_audit(client, app, accounts, traced):
    initiative_id, email = traced
    login(client, accounts.admin)
    response = client.post(f"/admin/initiatives/{initiative_id}/erase",
                           data={"confirm_id": str(initiative_id), "reason": "Demande RGPD n° 7"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Initiative, initiative_id) is None
    for model in (ChangeSet, Report, FollowUp, OutboxMessage):
        assert count(model, model.initiative_id == initiative_id) == 0
    remaining = db.session.scalars(sa.select(Revision)).all()
    assert [r.action for r in remaining] == ["erase"]
    audit = remaining[0]
    assert audit.initiative_id is None and audit.author_id == accounts.admin.id
    assert audit.before == {"initiative_id": initiative_id} and audit.after is None
    assert audit.reason == "Demande RGPD n° 7"
    assert email not in str([(r.before, r.after, r.reason) for r in remaining])
    if db.engine.dialect.name == "sqlite":
        database = Path(db.engine.url.database)
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                assert email.encode() not in path.read_bytes(), path


def test_erasure_service_refuses_nothing_but_writes_one_audit(app, accounts, traced):
    initiative_id, _email = traced
    initiative = db.session.get(Initiative, initiative_id)
    with write_transaction():
        audit = erase_initiative(initiative, admin=accounts.admin, reason="")
    assert audit.reason == "Effacement RGPD"
    assert count(Revision) == 1
