"""Two moderators on the same item: the second one is told, nothing is overwritten."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.database import write_transaction
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.initiatives.moderation import decide
from app.models import ChangeSet, Initiative, Revision
from tests.conftest import make_app
from tests.factories import login, make_initiative

CONFLICT = "Quelqu&#39;un a traité ou modifié cet élément entre-temps"


def test_second_decision_on_a_stale_version_is_a_conflict(client, accounts):
    initiative = make_initiative()
    seen = initiative.version
    login(client, accounts.moderator_71)
    first = client.post(f"/moderation/initiatives/{initiative.id}/decision",
                        data={"decision": "approve", "version": seen})
    assert first.status_code == 302
    client.post("/logout")
    login(client, accounts.national)
    second = client.post(f"/moderation/initiatives/{initiative.id}/decision",
                         data={"decision": "reject", "reason": "Doublon", "version": seen})
    assert second.status_code == 409 and CONFLICT in second.text
    assert "publiée" in second.text  # the page shows the current state
    db.session.refresh(initiative)
    assert initiative.status == "published" and initiative.moderator_id == accounts.moderator_71.id
    actions = db.session.scalars(sa.select(Revision.action).order_by(Revision.id)).all()
    assert actions == ["create", "publish"]


def test_edit_made_meanwhile_is_not_overwritten_by_a_decision(client, accounts):
    initiative = make_initiative()
    seen = initiative.version
    with write_transaction():
        initiative.summary = "Changé par quelqu'un d'autre"
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/decision",
                           data={"decision": "approve", "version": seen})
    assert response.status_code == 409
    assert db.session.scalar(sa.select(Initiative.status)) == "pending"


def test_moderator_edit_on_a_stale_version_is_a_conflict_keeping_the_typed_text(client,
                                                                                accounts):
    initiative = make_initiative()
    seen = initiative.version
    with write_transaction():
        initiative.summary = "Changé ailleurs"
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": "Mon nouveau nom", "kind": "initiative", "commune": "Cluny", "insee": "71137",
        "version": seen, "action": "save"})
    assert response.status_code == 409 and CONFLICT in response.text
    assert 'value="Mon nouveau nom"' in response.text
    db.session.refresh(initiative)
    assert initiative.name == "Jardin partagé des Griottes"


def test_moderator_edit_without_a_version_is_a_conflict(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": "Sans version", "kind": "initiative", "commune": "Cluny", "insee": "71137",
        "action": "approve"})
    assert response.status_code == 409 and CONFLICT in response.text
    db.session.refresh(initiative)
    assert (initiative.name, initiative.status) == ("Jardin partagé des Griottes", "pending")


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_decision_without_a_version_is_a_conflict(client, accounts, version):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    data = {"decision": "approve"} if version is None else {"decision": "approve",
                                                             "version": version}
    response = client.post(f"/moderation/initiatives/{initiative.id}/decision", data=data)
    assert response.status_code == 409
    assert db.session.scalar(sa.select(Initiative.status)) == "pending"


def test_lost_race_at_flush_raises_stale_data(app, accounts):
    initiative = make_initiative()
    with pytest.raises(StaleDataError):
        with write_transaction():
            db.session.execute(sa.text(
                "UPDATE initiatives SET version = version + 1 WHERE id = :id"),
                {"id": initiative.id})
            # What a request that loaded the row just before still believes:
            set_committed_value(initiative, "version", 1)
            decide(initiative, "approve", moderator=accounts.moderator_71, expected_version=None)
    db.session.rollback()
    assert db.session.scalar(sa.select(Initiative.status)) == "pending"


def test_simultaneous_decisions_one_wins_the_other_is_told(migrated, accounts):
    initiative_id = make_initiative().id
    app = make_app(migrated)
    barrier = threading.Barrier(2)
    results = {}

    def moderate(email: str, decision: str) -> None:
        client = app.test_client()
        with app.app_context():
            login(client, email)
            barrier.wait()
            response = client.post(f"/moderation/initiatives/{initiative_id}/decision", data={
                "decision": decision, "reason": "motif", "version": 1})
            results[email] = response.status_code
            db.session.remove()

    threads = [threading.Thread(target=moderate, args=args) for args in (
        (accounts.moderator_71.email, "approve"), (accounts.national.email, "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [302, 409]
    db.session.rollback()  # end this test's read snapshot
    decisions = db.session.scalars(sa.select(Revision.action).where(
        Revision.action.in_(("publish", "reject")))).all()
    assert len(decisions) == 1


def test_second_decision_on_a_change_set_is_a_conflict(client, accounts):
    initiative = make_initiative(status="published", summary="Ancien")
    with write_transaction():
        change_set = propose_change(initiative, {"summary": "Nouveau"}, author=None, email=None,
                                    message="")
    seen = change_set.version
    login(client, accounts.moderator_71)
    client.post(f"/moderation/change-sets/{change_set.id}/decision",
                data={"decision": "approve", "version": seen})
    second = client.post(f"/moderation/change-sets/{change_set.id}/decision",
                         data={"decision": "reject", "reason": "Non", "version": seen})
    assert second.status_code == 409 and CONFLICT in second.text
    assert db.session.scalar(sa.select(ChangeSet.status)) == "approved"
    assert db.session.scalar(sa.select(Initiative.summary)) == "Nouveau"


def test_bulk_counts_items_decided_meanwhile(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    item = f"proposal:{initiative.id}:{initiative.version}"
    client.post("/moderation/bulk", data={"items": [item], "decision": "approve"})
    client.post("/moderation/bulk", data={"items": [item], "decision": "reject",
                                          "reason": "x"})
    page = client.get("/moderation/").text
    assert "1 déjà traité(s) par quelqu&#39;un d&#39;autre" in page
    assert db.session.scalar(sa.select(Initiative.status)) == "published"
