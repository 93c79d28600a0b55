"""The forms offer a scope: a local place (commune, point) or a whole territory (issue 15.3)."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from tests.factories import login, make_initiative, proposal_data
from tests.test_contribute import field_error


def proposed() -> Initiative:
    return db.session.scalar(sa.select(Initiative))


def test_a_proposal_for_a_whole_departement_needs_no_commune(client, themes, fast_forms):
    response = client.post("/initiatives/new", data=proposal_data(
        commune="", scope="departemental", territory="Côtes-d'Armor"))
    assert response.status_code == 302
    initiative = proposed()
    assert (initiative.scope, initiative.departement, initiative.region, initiative.lon,
            initiative.insee) == ("departemental", "22", "53", None, None)


def test_a_whole_territory_drops_what_the_commune_part_held(client, themes, fast_forms):
    # A commune typed, then the scope changed: the territory is what is kept.
    response = client.post("/initiatives/new", data=proposal_data(
        scope="regional", territory="53 — Bretagne", insee="71137", lon="4.66", lat="46.43"))
    assert response.status_code == 302
    initiative = proposed()
    assert (initiative.scope, initiative.region, initiative.lon, initiative.insee) == (
        "regional", "53", None, None)


def test_an_unknown_territory_is_said_next_to_its_field(client, themes, fast_forms):
    page = client.post("/initiatives/new", data=proposal_data(
        commune="", scope="departemental", territory="99")).get_data(as_text=True)
    assert "Département inconnu : 99" in field_error(page, "territory")
    page = client.post("/initiatives/new", data=proposal_data(
        commune="", scope="intercommunal", territory="")).get_data(as_text=True)
    assert "Indiquez le territoire couvert" in field_error(page, "territory")
    assert proposed() is None


def test_a_local_proposal_still_needs_its_commune(client, themes, fast_forms):
    page = client.post("/initiatives/new", data=proposal_data(
        commune="", scope="local", territory="22")).get_data(as_text=True)
    assert "Indiquez une commune" in field_error(page, "commune")


def test_the_form_offers_the_scopes_and_the_territories(client, themes, fast_forms):
    page = client.get("/initiatives/new").get_data(as_text=True)
    assert 'name="scope"' in page and 'value="national"' in page
    assert '<datalist id="departement-options">' in page and "22 — Côtes-d&#39;Armor" in page
    assert "js/scope-choice.js" in page


def test_a_moderator_turns_a_pinned_entry_into_a_national_one(client, accounts):
    initiative = make_initiative()
    login(client, accounts.national)
    form = client.get(f"/moderation/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="local"', form)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": initiative.name, "kind": "initiative", "commune": "Cluny", "insee": "71137",
        "scope": "national", "territory": "", "themes": ["gestion-de-crise"],
        "version": initiative.version, "reason": "Action nationale", "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(initiative)
    assert (initiative.scope, initiative.lon, initiative.insee, initiative.departement) == (
        "national", None, None, None)
    form = client.get(f"/moderation/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="national"', form)
