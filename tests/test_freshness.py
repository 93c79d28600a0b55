"""Freshness: when an entry was confirmed, the "à vérifier" mark and filter as time passes,
the seed's dates, the life status and the moderators' queue of stale entries."""

from datetime import date

import pytest

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.models import ChangeSet, Initiative, Revision
from tests.factories import count, login, make_initiative

pytestmark = pytest.mark.usefixtures("themes")
STALE = "à vérifier"


def page_of(client, initiative: Initiative) -> str:
    response = client.get(f"/initiatives/{initiative.id}", follow_redirects=True)
    assert response.status_code == 200
    return response.text


def api_ids(client, query: str) -> set[int]:
    response = client.get(f"/api/v1/initiatives?{query}")
    assert response.status_code == 200, response.text
    return {feature["id"] for feature in response.json["features"]}


def test_a_published_entry_counts_as_confirmed_on_its_publication_day(client, clock):
    initiative = make_initiative(status="published")
    assert initiative.last_verified_on == date(2026, 6, 1)
    page = page_of(client, initiative)
    assert "Informations confirmées le 1 juin 2026" in page and STALE not in page


def test_an_entry_becomes_stale_after_a_year_on_its_page_list_and_filters(client, clock):
    old = make_initiative("Épicerie solidaire", status="published")
    clock.advance(days=200)
    recent = make_initiative("Repair café", status="published")
    clock.advance(days=165)  # 365 days after the first: not yet stale
    assert STALE not in page_of(client, old)
    assert api_ids(client, "freshness=stale") == set()
    clock.advance(days=1)
    assert STALE in page_of(client, old) and STALE not in page_of(client, recent)
    assert api_ids(client, "freshness=stale") == {old.id}
    assert api_ids(client, "fraicheur=a-verifier") == {old.id}
    assert api_ids(client, "freshness=current") == {recent.id}
    listing = client.get("/initiatives?freshness=stale").text
    assert "Épicerie solidaire" in listing and "Repair café" not in listing and STALE in listing


def test_the_stale_filter_reaches_the_map_points_and_exports(client, clock):
    old = make_initiative("Épicerie solidaire", status="published")
    clock.advance(days=400)
    make_initiative("Repair café", status="published")
    points = client.get("/api/v1/map/points?freshness=stale")
    assert points.status_code == 200
    assert str(old.id) in points.text
    export = client.get("/export/initiatives.csv?freshness=stale")
    assert export.status_code == 200
    assert "Épicerie solidaire" in export.text and "Repair café" not in export.text


def test_an_unknown_freshness_or_life_value_is_refused(client):
    assert client.get("/api/v1/initiatives?freshness=old").status_code == 400
    assert client.get("/api/v1/initiatives?life=forever").status_code == 400


def test_a_seeded_entry_says_its_facts_date_from_its_source(client, clock):
    initiative = make_initiative(
        "Plateforme téléphonique de Parthenay", status="published", external_id="seed:parthenay",
        sources=[{"title": "Retour d'expérience", "published_on": "2020-06-15"}],
        last_verified_on="2020-06-15")
    page = page_of(client, initiative)
    assert "Informations datant de 2020, la date de leur source" in page
    assert "n'ont pas été confirmées depuis" in page and STALE in page
    with write_transaction():
        from app.initiatives.freshness import confirm

        confirm(db.session.get(Initiative, initiative.id), author=None, reason="test")
    page = page_of(client, initiative)
    assert "Informations confirmées le 1 juin 2026" in page and "datant de 2020" not in page


def test_life_status_is_shown_filtered_and_kept_in_history(client, clock, accounts):
    lasting = make_initiative("Épicerie solidaire", status="published")
    make_initiative("Repair café", status="published")
    clock.advance(minutes=5)
    with write_transaction():
        update_initiative(lasting, {"life_status": "permanent",
                                    "life_note": "La commune l'a reprise en régie."},
                          author=accounts.moderator_71)
    page = page_of(client, lasting)
    assert "Pérennisée" in page and "Ce qui l'a fait durer" in page
    assert "La commune l&#39;a reprise en régie." in page
    assert api_ids(client, "life=permanent") == {lasting.id}
    assert api_ids(client, "vie=perennisee") == {lasting.id}
    assert len(api_ids(client, "life=active,ended")) == 1
    revision = db.session.scalars(db.select(Revision).where(
        Revision.initiative_id == lasting.id).order_by(Revision.id.desc())).first()
    assert revision.after["life_status"] == "permanent"
    login(client, accounts.moderator_71)
    history = client.get(f"/initiatives/{lasting.id}/history").text
    assert "Vie de l&#39;initiative" in history and "Pérennisée" in history


def test_moderators_see_the_stale_entries_of_their_territory_and_confirm_them(
        client, clock, accounts):
    cluny = make_initiative("Épicerie de Cluny", status="published")
    bordeaux = make_initiative("Atelier de Bordeaux", status="published", insee="33063")
    clock.advance(days=400)
    login(client, accounts.moderator_71)
    page = client.get("/moderation/a-verifier").text
    assert ">Épicerie de Cluny</a>" in page and ">Atelier de Bordeaux</a>" not in page
    response = client.post(f"/moderation/initiatives/{cluny.id}/confirmer",
                           data={"version": cluny.version})
    assert response.status_code == 302
    assert db.session.get(Initiative, cluny.id).last_verified_on == date(2027, 7, 6)
    assert ">Épicerie de Cluny</a>" not in client.get("/moderation/a-verifier").text
    assert count(Revision, Revision.initiative_id == cluny.id,
                 Revision.reason == "Confirmée par la modération") == 1
    forbidden = client.post(f"/moderation/initiatives/{bordeaux.id}/confirmer",
                            data={"version": bordeaux.version})
    assert forbidden.status_code == 403


def test_life_status_and_note_are_in_the_api_and_the_exports(client, clock, accounts):
    ended = make_initiative("Épicerie solidaire", status="published")
    clock.advance(minutes=5)
    with write_transaction():
        update_initiative(ended, {"life_status": "ended", "ended_on": "2027-01-31",
                                  "life_note": "Un réseau de bénévoles, resté actif."},
                          author=accounts.moderator_71)
    properties = client.get(f"/api/v1/initiatives/{ended.id}").json["properties"]
    assert properties["life_status"] == "ended"
    assert properties["life_note"] == "Un réseau de bénévoles, resté actif."
    collection = client.get("/api/v1/initiatives?life=ended").json["features"]
    assert [feature["properties"]["life_status"] for feature in collection] == ["ended"]
    export = client.get("/export/initiatives.csv?vie=terminee").text
    header, row = export.lstrip("\ufeff").splitlines()[:2]
    assert "life_status,life_note" in header
    assert "ended,\"Un réseau de bénévoles, resté actif.\"" in row


def test_the_correction_form_proposes_a_life_status_for_moderation(client, fast_forms):
    from tests.factories import proposal_data

    initiative = make_initiative(status="published")
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="", themes=["gestion-de-crise"], website="",
        message="Elle continue", life_status="permanent",
        life_note="Reprise par le centre social."))
    assert response.status_code == 302
    change_set = db.session.scalar(db.select(ChangeSet))
    assert change_set.changes == {"life_status": "permanent",
                                  "life_note": "Reprise par le centre social."}
    assert db.session.get(Initiative, initiative.id).life_status == "active"
