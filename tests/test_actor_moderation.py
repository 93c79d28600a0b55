"""Moderators edit actors and merge duplicates: initiatives and partners move, the merged one
redirects, history is kept."""

import html

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.history import revisions_of
from app.models import Actor, ActorEvent, Initiative
from tests.factories import login, make_initiative

SIRET = "73282932000074"


def setup_duplicates():
    kept = make_initiative("Repair café", status="published", private_email=None,
                           actor_name="Ville de Cluny", actor_type="commune")
    duplicate = make_initiative("Épicerie", status="published", private_email=None,
                                actor_name="Commune de Cluny", actor_type="commune",
                                actor_identifier=SIRET)
    both = make_initiative("Fête", status="published", private_email=None,
                           actor_name="Ville de Cluny", actor_type="commune",
                           partners=[{"name": "Commune de Cluny", "role": "salle"}])
    partner_only = make_initiative("Jardin", status="published", private_email=None,
                                   actor_name="Collectif",
                                   partners=[{"name": "Commune de Cluny", "role": "terrain"}])
    return kept, duplicate, both, partner_only


def test_merge_moves_initiatives_and_partners_and_keeps_history(client, accounts):
    kept, duplicate, both, partner_only = setup_duplicates()
    kept_id, merged_id = kept.lead_actor_id, duplicate.lead_actor_id
    login(client, accounts.national)
    response = client.post(f"/moderation/acteurs/{merged_id}/fusion",
                           data={"kept_id": kept_id, "reason": "Même commune"})
    assert response.status_code == 302
    db.session.expire_all()
    merged, actor = db.session.get(Actor, merged_id), db.session.get(Actor, kept_id)
    assert merged.merged_into_id == kept_id and actor.siret == SIRET  # gained what it lacked
    epicerie = db.session.get(Initiative, duplicate.id)
    assert (epicerie.lead_actor_id, epicerie.actor_name) == (kept_id, "Ville de Cluny")
    assert revisions_of(epicerie)[-1].reason.startswith(f"Acteur n° {merged_id} fusionné")
    assert db.session.get(Initiative, both.id).partner_links == []  # it leads it already
    links = db.session.get(Initiative, partner_only.id).partner_links
    assert [(link.actor_id, link.role) for link in links] == [(kept_id, "terrain")]
    events = db.session.execute(sa.select(ActorEvent.actor_id, ActorEvent.action).where(
        ActorEvent.action == "merge")).all()
    assert sorted(events) == sorted([(merged_id, "merge"), (kept_id, "merge")])
    assert client.get(f"/acteurs/{merged_id}").status_code == 301
    api = client.get(f"/api/v1/initiatives?actor={merged_id}").get_json()
    assert sorted(f["properties"]["name"] for f in api["features"]) == [
        "Fête", "Jardin", "Repair café", "Épicerie"]


def test_merge_into_itself_or_nothing_is_refused(client, accounts):
    kept, *_ = setup_duplicates()
    login(client, accounts.national)
    itself = client.post(f"/moderation/acteurs/{kept.lead_actor_id}/fusion",
                         data={"kept_id": kept.lead_actor_id})
    assert itself.status_code == 400 and "ne peuvent pas être fusionnés" in itself.text
    missing = client.post(f"/moderation/acteurs/{kept.lead_actor_id}/fusion",
                          data={"kept_id": 999999})
    assert missing.status_code == 400 and "Aucun acteur" in missing.text


def test_moderator_edits_an_actor_and_its_initiatives_follow(client, accounts):
    kept, *_ = setup_duplicates()
    login(client, accounts.national)
    page = client.get("/moderation/acteurs?q=cluny")
    assert page.status_code == 200 and "Ville de Cluny" in page.text
    wrong = client.post(f"/moderation/acteurs/{kept.lead_actor_id}", data={
        "name": "Ville de Cluny", "type": "commune", "actor_identifier": "732829321"})
    assert wrong.status_code == 400
    assert "Ce numéro SIREN n'est pas valide (clé de contrôle)." in html.unescape(wrong.text)
    response = client.post(f"/moderation/acteurs/{kept.lead_actor_id}", data={
        "name": "Mairie de Cluny", "type": "commune", "actor_identifier": "732829320",
        "insee": "71137", "description": "La commune.", "reason": "Nom officiel"})
    assert response.status_code == 302
    db.session.expire_all()
    actor = db.session.get(Actor, kept.lead_actor_id)
    assert (actor.name, actor.siren, actor.commune_name) == ("Mairie de Cluny", "732829320",
                                                             "Cluny")
    assert db.session.get(Initiative, kept.id).actor_name == "Mairie de Cluny"
    assert "Mairie de Cluny" in client.get(f"/moderation/acteurs/{actor.id}").text


def test_actor_moderation_needs_a_moderator(client, accounts):
    kept, *_ = setup_duplicates()
    assert client.get("/moderation/acteurs").status_code in (302, 403)
    login(client, accounts.contributor)
    assert client.post(f"/moderation/acteurs/{kept.lead_actor_id}/fusion",
                       data={"kept_id": 1}).status_code == 403
