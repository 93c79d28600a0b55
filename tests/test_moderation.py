"""The moderation queue: territories, decisions, edits, merges, corrections, reports, bulk."""

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.initiatives.reports import file_report
from app.models import ChangeSet, Initiative, RejectReason, Report, Revision
from tests.factories import BORDEAUX, SECRET_EMAIL, count, login, make_initiative

pytestmark = pytest.mark.usefixtures("fast_forms")


def decide(client, initiative, decision, **data):
    return client.post(f"/moderation/initiatives/{initiative.id}/decision",
                       data={"decision": decision, "version": initiative.version, **data})


def revisions(initiative) -> list[str]:
    return db.session.scalars(sa.select(Revision.action).where(
        Revision.initiative_id == initiative.id).order_by(Revision.id)).all()


def public_api_ids(client) -> set[int]:
    features = client.get("/api/v1/initiatives?limit=1000").get_json()["features"]
    return {feature["id"] for feature in features}


def test_queue_shows_only_the_moderators_territories(client, accounts):
    make_initiative("Atelier vélo de Cluny")
    make_initiative("Tiers-lieu bordelais", insee=BORDEAUX)
    pages = {}
    for who in ("moderator_71", "moderator_33", "national", "admin"):
        login(client, getattr(accounts, who))
        pages[who] = client.get("/moderation/").text
        client.post("/logout")
    assert "Atelier vélo de Cluny" in pages["moderator_71"]
    assert "Tiers-lieu bordelais" not in pages["moderator_71"]
    assert "Tiers-lieu bordelais" in pages["moderator_33"]
    assert "Atelier vélo de Cluny" not in pages["moderator_33"]
    for who in ("national", "admin"):
        assert "Atelier vélo de Cluny" in pages[who] and "Tiers-lieu bordelais" in pages[who]


def test_region_and_commune_scopes_work_too(client, accounts):
    from app.accounts.services import add_scope
    make_initiative("Atelier vélo de Cluny")
    with write_transaction():
        add_scope(accounts.moderator_33, "region", "27")
    login(client, accounts.moderator_33)
    assert "Atelier vélo de Cluny" in client.get("/moderation/").text


@pytest.mark.parametrize("query, shown", [
    ("type=proposal", True), ("type=report", False), ("kind=initiative", True),
    ("kind=place", False), ("theme=gestion-de-crise", True), ("theme=retours-experience", False),
    ("departement=71", True), ("departement=33", False), ("region=27", True),
    ("older_than=7", False), ("older_than=nonsense", True), ("kind=<script>", True)])
def test_queue_filters(client, accounts, query, shown):
    make_initiative("Atelier vélo de Cluny")
    login(client, accounts.national)
    page = client.get(f"/moderation/?{query}")
    assert page.status_code == 200
    assert ("Atelier vélo de Cluny" in page.text) is shown


def test_review_shows_data_private_email_map_and_duplicates(client, accounts):
    published = make_initiative("Atelier vélo de Cluny", status="published")
    pending = make_initiative("Atelier Vélo Cluny")
    login(client, accounts.moderator_71)
    page = client.get(f"/moderation/initiatives/{pending.id}").text
    assert SECRET_EMAIL in page
    assert f"n° {published.id} — Atelier vélo de Cluny" in page
    assert "vendor/leaflet/leaflet.js" in page


def test_approval_publishes_and_records_who_and_why(client, accounts):
    initiative = make_initiative()
    assert initiative.id not in public_api_ids(client)
    login(client, accounts.moderator_71)
    response = decide(client, initiative, "approve", reason="Vérifiée par téléphone")
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert initiative.status == "published" and initiative.published_at is not None
    assert initiative.moderator_id == accounts.moderator_71.id
    assert revisions(initiative) == ["create", "publish"]
    last = db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first()
    assert last.author_id == accounts.moderator_71.id and last.reason == "Vérifiée par téléphone"
    assert last.before["status"] == "pending" and last.after["status"] == "published"
    assert initiative.id in public_api_ids(client)


def test_rejection_needs_a_reason_and_may_reuse_one(client, accounts):
    initiative = make_initiative()
    reason = db.session.scalar(sa.select(RejectReason)) or None
    with write_transaction():
        reason = RejectReason(label="Hors sujet", text="Ce n'est pas une initiative.")
        db.session.add(reason)
    login(client, accounts.moderator_71)
    assert decide(client, initiative, "reject").status_code == 400
    assert decide(client, initiative, "reject", reason_id=str(reason.id)).status_code == 302
    db.session.refresh(initiative)
    assert initiative.status == "rejected"
    assert initiative.moderator_comment == "Ce n'est pas une initiative."
    assert initiative.id not in public_api_ids(client)


def test_asking_for_changes_sends_it_back_until_the_proposer_edits(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    decide(client, initiative, "request_changes", reason="Précisez le porteur.")
    db.session.refresh(initiative)
    assert initiative.status == "pending" and initiative.moderator_id is not None
    assert "précisions demandées" in client.get("/moderation/").text
    from app.initiatives.moderation import resubmit
    with write_transaction():
        resubmit(initiative, {"actor_name": "Mairie de Cluny"},
                 expected_version=initiative.version, reason="Modifiée")
    assert initiative.moderator_id is None
    assert revisions(initiative) == ["create", "request_changes", "update"]


def test_archive_takes_a_published_initiative_off_the_map(client, accounts):
    initiative = make_initiative(status="published")
    login(client, accounts.moderator_71)
    assert decide(client, initiative, "archive").status_code == 302
    db.session.refresh(initiative)
    assert initiative.status == "archived"
    assert initiative.id not in public_api_ids(client)
    assert decide(client, initiative, "approve").status_code == 409


def test_edit_then_approve_writes_both_revisions(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    form = client.get(f"/moderation/initiatives/{initiative.id}/edit")
    assert form.status_code == 200 and SECRET_EMAIL in form.text
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": "Jardin partagé des Griottes (Cluny)", "kind": "place", "commune": "Cluny",
        "insee": "71137", "themes": ["gestion-de-crise"], "private_email": SECRET_EMAIL,
        "version": initiative.version, "reason": "Nom précisé", "action": "approve",
        "status": "archived"})
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert (initiative.name, initiative.kind, initiative.status) == (
        "Jardin partagé des Griottes (Cluny)", "place", "published")
    assert revisions(initiative) == ["create", "update", "publish"]


def test_moderator_edit_errors_are_shown_and_nothing_changes(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": "", "kind": "initiative", "commune": "Cluny", "version": initiative.version})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.text
    db.session.refresh(initiative)
    assert initiative.name == "Jardin partagé des Griottes" and revisions(initiative) == ["create"]


def test_merge_into_a_duplicate(client, accounts):
    target = make_initiative("Atelier vélo de Cluny", status="published")
    source = make_initiative("Atelier Vélo Cluny", website="https://velo.example.org",
                             themes=["retours-experience"], tags=["vélo"])
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{source.id}/merge", data={
        "target_id": target.id, "version": source.version, "reason": "Même atelier"})
    assert response.status_code == 302
    db.session.refresh(source), db.session.refresh(target)
    assert source.status == "rejected" and "Même atelier" in source.moderator_comment
    assert target.website == "https://velo.example.org"
    assert [t.slug for t in target.themes] == ["gestion-de-crise", "retours-experience"]
    assert [t.name for t in target.tags] == ["vélo"]
    assert revisions(source)[-1] == "merge" and revisions(target)[-1] == "merge"


def test_merge_target_must_be_in_the_moderators_territory(client, accounts):
    target = make_initiative("Atelier vélo", status="published", insee=BORDEAUX)
    source = make_initiative("Atelier vélo")
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{source.id}/merge",
                           data={"target_id": target.id, "version": source.version})
    assert response.status_code == 400
    db.session.refresh(source)
    assert source.status == "pending"


def change_set_for(initiative, **changes) -> ChangeSet:
    with write_transaction():
        return propose_change(initiative, changes, author=None, email="fix@example.org",
                              message="Correction")


def test_change_set_shows_a_diff_and_approval_applies_it(client, accounts):
    initiative = make_initiative(status="published", summary="Ancien résumé")
    change_set = change_set_for(initiative, summary="Nouveau résumé", kind="place")
    login(client, accounts.moderator_71)
    page = client.get(f"/moderation/change-sets/{change_set.id}").text
    assert "Ancien résumé" in page and "Nouveau résumé" in page and "Lieu" in page
    response = client.post(f"/moderation/change-sets/{change_set.id}/decision",
                           data={"decision": "approve", "version": change_set.version})
    assert response.status_code == 302
    db.session.refresh(initiative), db.session.refresh(change_set)
    assert (initiative.summary, initiative.kind) == ("Nouveau résumé", "place")
    assert change_set.status == "approved" and change_set.moderator_id == accounts.moderator_71.id
    assert revisions(initiative) == ["create", "update"]


def test_rejected_change_set_leaves_the_live_record(client, accounts):
    initiative = make_initiative(status="published", summary="Ancien résumé")
    change_set = change_set_for(initiative, summary="Vandalisme")
    login(client, accounts.moderator_71)
    client.post(f"/moderation/change-sets/{change_set.id}/decision",
                data={"decision": "reject", "reason": "Faux", "version": change_set.version})
    db.session.refresh(initiative), db.session.refresh(change_set)
    assert initiative.summary == "Ancien résumé" and change_set.status == "rejected"
    assert revisions(initiative) == ["create", "reject"]


def test_report_resolved_with_archive(client, accounts):
    initiative = make_initiative(status="published")
    with write_transaction():
        report = file_report(initiative, "closed", "Fermé", reporter=None, email=None)
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/reports/{report.id}/decision", data={
        "decision": "resolve", "archive": "y", "comment": "Confirmé", "version": report.version})
    assert response.status_code == 302
    db.session.refresh(report), db.session.refresh(initiative)
    assert report.status == "resolved" and initiative.status == "archived"
    assert revisions(initiative)[-1] == "archive"


def test_bulk_approve_acts_only_within_the_territory(client, accounts):
    ours = [make_initiative(f"Initiative clunisoise {n}") for n in range(2)]
    theirs = make_initiative("Initiative bordelaise", insee=BORDEAUX)
    login(client, accounts.moderator_71)
    items = [f"proposal:{i.id}:{i.version}" for i in [*ours, theirs]]
    response = client.post("/moderation/bulk", data={"items": items, "decision": "approve"})
    assert response.status_code == 302
    statuses = db.session.scalars(sa.select(Initiative.status).order_by(Initiative.id)).all()
    assert statuses == ["published", "published", "pending"]
    page = client.get("/moderation/").text
    assert "2 élément(s) traité(s)" in page and "1 hors de votre territoire" in page


def test_bulk_reject_needs_a_reason(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    client.post("/moderation/bulk", data={"items": [f"proposal:{initiative.id}:1"],
                                          "decision": "reject"})
    assert db.session.scalar(sa.select(Initiative.status)) == "pending"


def test_every_action_is_a_revision_with_its_author(client, accounts):
    initiative = make_initiative(status="published")
    change_set_for(initiative, summary="Nouveau")
    login(client, accounts.moderator_71)
    change_set = db.session.scalar(sa.select(ChangeSet))
    client.post(f"/moderation/change-sets/{change_set.id}/decision",
                data={"decision": "approve", "version": change_set.version})
    db.session.refresh(initiative)
    decide(client, initiative, "archive", reason="Terminé")
    rows = db.session.scalars(sa.select(Revision).where(
        Revision.initiative_id == initiative.id).order_by(Revision.id)).all()
    assert [r.action for r in rows] == ["create", "update", "archive"]
    assert all(r.author_id == accounts.moderator_71.id for r in rows[1:])
    assert rows[1].before["summary"] != rows[1].after["summary"] == "Nouveau"
    assert count(Report) == 0
