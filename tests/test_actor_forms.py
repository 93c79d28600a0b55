"""Actors in the forms: choose a known one or describe a new one (its SIRET, SIREN or RNA
checked next to its field), moderated with the proposal; corrections and moderators' edits."""

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.actors import find_or_create_actor
from app.models import Actor, ChangeSet, Initiative
from tests.factories import login, make_initiative, proposal_data
from tests.test_contribute import field_error

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")
SIRET = "73282932000074"


def known_actor(name="Ville de Cluny", type_="commune") -> Actor:
    with write_transaction():
        return find_or_create_actor(name, type_, status="published")


def test_proposal_describes_a_new_actor_that_waits_with_it(client):
    response = client.post("/initiatives/new", data=proposal_data(
        actor_name="Collectif des Griottes", actor_type="association",
        actor_identifier="W711234567"))
    assert response.status_code == 302
    initiative = db.session.scalar(sa.select(Initiative))
    actor = initiative.lead_actor
    assert (actor.name, actor.type, actor.rna, actor.status) == (
        "Collectif des Griottes", "association", "W711234567", "pending")


@pytest.mark.parametrize(("identifier", "message"), [
    ("73282932000075", "Ce numéro SIRET n'est pas valide (clé de contrôle)."),
    ("732829321", "Ce numéro SIREN n'est pas valide (clé de contrôle)."),
    ("W12", "Ce numéro RNA n'est pas valide : W suivi de 9 chiffres (par exemple W751234567)."),
])
def test_wrong_identifier_is_shown_next_to_its_field_and_nothing_is_written(client, identifier,
                                                                            message):
    response = client.post("/initiatives/new", data=proposal_data(
        actor_name="Régie", actor_identifier=identifier))
    assert response.status_code == 400
    assert field_error(response.text, "actor_identifier") == message
    assert f'value="{identifier}"' in response.text  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Actor)) == 0


def test_wrong_identifier_is_said_in_english_on_the_english_page(client):
    response = client.post("/initiatives/new?lang=en", data=proposal_data(
        actor_name="Régie", actor_identifier="73282932000075"))
    assert field_error(response.text, "actor_identifier") == \
        "This SIRET number is not valid (check digit)."


def test_without_script_a_typed_known_name_finds_the_known_actor(client):
    actor = known_actor()
    client.post("/initiatives/new", data=proposal_data(actor_name="ville de  cluny",
                                                       actor_type="commune"))
    initiative = db.session.scalar(sa.select(Initiative))
    assert initiative.lead_actor_id == actor.id and initiative.actor_name == "Ville de Cluny"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Actor)) == 1


def test_an_actor_chosen_among_the_suggestions_is_linked_by_its_id(client):
    actor = known_actor("Mairie", "commune")
    known_actor("Mairie", "company")
    client.post("/initiatives/new", data=proposal_data(actor_name="Mairie",
                                                       actor_choice=str(actor.id)))
    assert db.session.scalar(sa.select(Initiative.lead_actor_id)) == actor.id


def test_an_unknown_chosen_actor_is_refused_next_to_the_actor_name(client):
    response = client.post("/initiatives/new", data=proposal_data(actor_name="X",
                                                                  actor_choice="987654"))
    assert response.status_code == 400
    assert "Acteur inconnu" in field_error(response.text, "actor_name")


def test_form_offers_the_suggestions_list_and_the_identifier_field(client):
    page = client.get("/initiatives/new").text
    assert 'list="actor-options"' in page and 'id="actor-options"' in page
    assert 'data-url="/api/v1/actors"' in page and 'name="actor_identifier"' in page
    assert "js/actors.js" in page


def test_a_correction_naming_another_actor_changes_it_once_approved(client, accounts):
    initiative = make_initiative(status="published", actor_name="Ancien porteur")
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, themes=["gestion-de-crise"], website="",
        actor_name="Nouveau porteur", actor_identifier=SIRET, message="Le porteur a changé",
        private_email="corrector@example.org"))
    assert response.status_code == 302
    change_set = db.session.scalar(sa.select(ChangeSet))
    assert change_set.changes["actor_name"] == "Nouveau porteur"
    assert db.session.scalar(sa.select(Actor).where(Actor.name == "Nouveau porteur")) is None
    login(client, accounts.national)
    page = client.get(f"/moderation/change-sets/{change_set.id}").text
    assert "Nouveau porteur" in page and SIRET in page
    response = client.post(f"/moderation/change-sets/{change_set.id}/decision",
                           data={"decision": "approve", "version": change_set.version})
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert initiative.lead_actor.name == "Nouveau porteur"
    assert (initiative.lead_actor.siret, initiative.lead_actor.status) == (SIRET, "published")


def test_moderator_edit_sets_a_new_actor_and_shows_a_wrong_siret(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    data = {"name": initiative.name, "kind": "initiative", "commune": "Cluny",
            "insee": "71137", "themes": ["gestion-de-crise"], "version": initiative.version,
            "actor_name": "Régie de quartier", "actor_identifier": "73282932000075"}
    wrong = client.post(f"/moderation/initiatives/{initiative.id}/edit", data=data)
    assert wrong.status_code == 400
    assert field_error(wrong.text, "actor_identifier") == \
        "Ce numéro SIRET n'est pas valide (clé de contrôle)."
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit",
                           data={**data, "actor_identifier": SIRET})
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert (initiative.lead_actor.name, initiative.lead_actor.siret) == (
        "Régie de quartier", SIRET)
