"""A scoped moderator writes only within their territories, through every channel (issue 13).

Import update, import publish, edit, edit-and-approve, corrections, merges and bulk decisions
check the initiative's territory before and after the change; the command line (no user)
and moderators without scopes act on all of France.
"""

import io
import json
import re

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.exchange import imports
from app.exchange.sources import parse_source
from app.extensions import db
from app.initiatives import moderation
from app.initiatives.change_sets import propose_change
from app.initiatives.scopes import OutOfScope
from app.models import ChangeSet, Initiative, Revision
from tests.factories import CLUNY, PARIS, SECRET_EMAIL, count, login, make_initiative

pytestmark = pytest.mark.usefixtures("fast_forms")

SITE = "http://localhost"
OUTSIDE = "hors de votre territoire"


def revisions(initiative) -> list[str]:
    return db.session.scalars(sa.select(Revision.action).where(
        Revision.initiative_id == initiative.id).order_by(Revision.id)).all()


def feature(name: str, lon: float, lat: float, **properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": name, **properties}}


def attack_file(paris: Initiative, cluny_point: tuple[float, float]) -> bytes:
    """The review's file: the Paris initiative under its own uid and url, a new Paris
    feature, and a harmless one in Cluny."""
    features = [
        feature("Écrasée par l'import", paris.lon, paris.lat, uid=str(paris.id),
                url=f"{SITE}/initiatives/{paris.id}"),
        feature("Nouvelle initiative parisienne", paris.lon + 0.01, paris.lat),
        feature("Atelier de Cluny importé", *cluny_point),
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def paris_and_cluny() -> tuple[Initiative, tuple[float, float]]:
    paris = make_initiative("Tiers-lieu parisien", status="published", insee=PARIS)
    cluny = make_initiative("Repère de Cluny", status="published", insee=CLUNY)
    return paris, (cluny.lon + 0.001, cluny.lat)


def import_through_the_pages(client, content: bytes, status: str):
    response = client.post("/import", data={"file": (io.BytesIO(content), "attaque.geojson")},
                           content_type="multipart/form-data")
    token = re.search(r"/import/([A-Za-z0-9_-]{32})", response.headers["Location"])[1]
    form = {"map_name": "name", "source": "Attaque", "default_kind": "initiative",
            "status": status}
    preview = client.post(f"/import/{token}/apercu", data=form)
    return preview, client.post(f"/import/{token}/valider", data=form)


@pytest.mark.parametrize("status", ["pending", "published"])
def test_scoped_moderator_import_skips_rows_outside_the_territory(client, accounts, status):
    paris, cluny_point = paris_and_cluny()
    before = (paris.name, paris.version, revisions(paris))
    login(client, accounts.moderator_71)
    assert client.get(f"/moderation/initiatives/{paris.id}").status_code == 403
    preview, done = import_through_the_pages(client, attack_file(paris, cluny_point), status)
    assert preview.status_code == 200
    assert preview.text.count(f"{OUTSIDE} : ligne ignorée.") == 2
    assert "1 sera créée" in preview.text and "2 erreurs" in preview.text
    assert done.status_code == 200 and "1 initiative écrite" in done.text
    db.session.expire_all()
    paris = db.session.get(Initiative, paris.id)
    assert (paris.name, paris.version, revisions(paris)) == before
    assert count(Initiative, Initiative.name == "Nouvelle initiative parisienne") == 0
    created = db.session.scalar(sa.select(Initiative).where(
        Initiative.name == "Atelier de Cluny importé"))
    assert (created.departement, created.status) == ("71", status)


def plan(content: bytes, author, status: str = "published", write: bool = False):
    source = parse_source(content, "attaque.geojson", 10_000_000)
    options = imports.ImportOptions(status=status, source_label="Attaque", site=SITE)
    mapping = {"name": "name"}
    if not write:
        return imports.dry_run(source, mapping, options, author)
    with write_transaction():
        return imports.commit(source, mapping, options, author=author)


def test_import_report_says_why_each_row_is_skipped(accounts):
    paris, cluny_point = paris_and_cluny()
    report = plan(attack_file(paris, cluny_point), accounts.moderator_71)
    assert [row.action for row in report.rows] == ["error", "error", "create"]
    assert report.rows[0].reasons == [
        f"L'initiative n° {paris.id} est hors de votre territoire : ligne ignorée."]
    assert re.fullmatch(rf"Paris \(75\) est {OUTSIDE} : ligne ignorée\.", report.rows[1].reasons[0])


def test_import_may_not_move_an_initiative_out_of_the_territory(accounts):
    cluny = make_initiative("Repère de Cluny", status="published")
    moved = feature("Repère de Cluny", 2.35, 48.86, uid=str(cluny.id),
                    url=f"{SITE}/initiatives/{cluny.id}")
    content = json.dumps({"type": "FeatureCollection", "features": [moved]}).encode()
    report = plan(content, accounts.moderator_71, write=True)
    assert report.rows[0].action == "error" and OUTSIDE in report.rows[0].reasons[0]
    db.session.refresh(cluny)
    assert cluny.departement == "71" and revisions(cluny) == ["create"]


def test_pending_rows_outside_the_territory_are_skipped_too(accounts):
    paris, cluny_point = paris_and_cluny()
    report = plan(attack_file(paris, cluny_point), accounts.moderator_71, status="pending",
                  write=True)
    assert [row.action for row in report.rows] == ["error", "error", "create"]
    assert re.fullmatch(rf"Paris \(75\) est {OUTSIDE} : ligne ignorée\.",
                        report.rows[1].reasons[0])
    assert count(Initiative, Initiative.name == "Nouvelle initiative parisienne") == 0
    created = db.session.scalar(sa.select(Initiative).where(
        Initiative.name == "Atelier de Cluny importé"))
    assert (created.departement, created.status) == ("71", "pending")


@pytest.mark.parametrize("who", ["national", "admin", None])
def test_national_users_and_the_command_line_import_everywhere(accounts, who):
    paris, cluny_point = paris_and_cluny()
    author = getattr(accounts, who) if who else None
    report = plan(attack_file(paris, cluny_point), author, write=True)
    assert [row.action for row in report.rows] == ["update", "create", "create"]
    db.session.refresh(paris)
    assert paris.name == "Écrasée par l'import"


def edit_to_paris(client, initiative, action: str = "approve"):
    return client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": initiative.name, "kind": "initiative", "commune": "Paris", "insee": PARIS,
        "themes": ["gestion-de-crise"], "private_email": SECRET_EMAIL,
        "version": initiative.version, "reason": "Déménagement", "action": action})


@pytest.mark.parametrize("status", ["pending", "published"])
def test_moderator_may_not_move_an_initiative_out_of_the_territory(client, accounts, status):
    initiative = make_initiative(status=status)
    login(client, accounts.moderator_71)
    response = edit_to_paris(client, initiative)
    assert response.status_code == 400
    error = re.search(r'<p class="[a-z-]*error" id="commune-error">(.*?)</p>', response.text, re.S)
    assert error and f"Paris (75) est {OUTSIDE}." in error[1]
    db.session.refresh(initiative)
    assert (initiative.insee, initiative.status) == (CLUNY, status)
    assert revisions(initiative) == ["create"]


def test_moderator_without_scope_may_move_and_approve(client, accounts):
    initiative = make_initiative()
    login(client, accounts.national)
    assert edit_to_paris(client, initiative).status_code == 302
    db.session.refresh(initiative)
    assert (initiative.departement, initiative.status) == ("75", "published")


def moving_correction(initiative) -> ChangeSet:
    with write_transaction():
        return propose_change(initiative, {"insee": PARIS}, author=None,
                              email="fix@example.org", message="Elle a déménagé")


def test_correction_moving_out_of_the_territory_is_refused(client, accounts):
    initiative = make_initiative(status="published")
    change_set = moving_correction(initiative)
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/change-sets/{change_set.id}/decision",
                           data={"decision": "approve", "version": change_set.version})
    assert response.status_code == 403 and OUTSIDE in response.text
    db.session.refresh(initiative), db.session.refresh(change_set)
    assert initiative.insee == CLUNY and change_set.status == "pending"


def test_bulk_approval_skips_a_correction_moving_out_of_the_territory(client, accounts):
    initiative = make_initiative(status="published")
    change_set = moving_correction(initiative)
    proposal = make_initiative("Proposition clunisoise")
    login(client, accounts.moderator_71)
    items = [f"correction:{change_set.id}:{change_set.version}",
             f"proposal:{proposal.id}:{proposal.version}"]
    response = client.post("/moderation/bulk", data={"items": items, "decision": "approve"})
    assert response.status_code == 302
    assert "1 hors de votre territoire" in client.get("/moderation/").text
    db.session.refresh(initiative), db.session.refresh(change_set), db.session.refresh(proposal)
    assert initiative.insee == CLUNY and change_set.status == "pending"
    assert proposal.status == "published"


@pytest.mark.parametrize("paris_is", ["source", "target"])
def test_merge_across_territories_is_refused_in_the_core(accounts, paris_is):
    paris = make_initiative("Atelier vélo", status="published", insee=PARIS)
    cluny = make_initiative("Atelier vélo", status="published")
    source, target = (paris, cluny) if paris_is == "source" else (cluny, paris)
    with pytest.raises(OutOfScope), write_transaction():
        moderation.merge(source, target, moderator=accounts.moderator_71, reason="",
                         expected_version=source.version)
    db.session.refresh(source), db.session.refresh(target)
    assert source.status == target.status == "published"
    assert revisions(source) == revisions(target) == ["create"]


def test_merge_into_another_territory_is_refused_on_the_page(client, accounts):
    target = make_initiative("Atelier vélo", status="published", insee=PARIS)
    source = make_initiative("Atelier vélo")
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{source.id}/merge",
                           data={"target_id": target.id, "version": source.version})
    assert response.status_code == 400
    db.session.refresh(source), db.session.refresh(target)
    assert source.status == "pending" and revisions(target) == ["create"]


def test_decision_outside_the_territory_is_refused_in_the_core(accounts):
    paris = make_initiative("Tiers-lieu parisien", insee=PARIS)
    with pytest.raises(OutOfScope), write_transaction():
        moderation.decide(paris, "approve", moderator=accounts.moderator_71,
                          expected_version=paris.version)
    db.session.refresh(paris)
    assert paris.status == "pending"
