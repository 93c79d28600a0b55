"""Actors: identifiers, find-or-create, lead and partners through the services, the data
migration from free text, the seed, publication with the initiative."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import write_transaction
from app.extensions import db
from app.initiatives.actor_identifiers import clean_identifier
from app.initiatives.actors import find_or_create_actor
from app.initiatives.fields import InvalidInitiative
from app.initiatives.moderation import decide
from app.initiatives.services import update_initiative
from app.models import Actor, ActorEvent, Initiative, InitiativePartner
from app.text import fold
from tests.conftest import PROJECT_ROOT
from tests.factories import make_initiative

BEFORE_ACTORS = "f3a9c1e7d5b2"
SIREN = "732829320"
SIRET = "73282932000074"


def actors() -> list[Actor]:
    return list(db.session.scalars(sa.select(Actor).order_by(Actor.id)))


@pytest.mark.parametrize("text, expected", [
    (SIREN, {"siren": SIREN}),
    ("732 829 320", {"siren": SIREN}),
    (SIRET, {"siret": SIRET, "siren": SIREN}),
    ("w751234567", {"rna": "W751234567"}),
    ("W2B1234567", {"rna": "W2B1234567"}),
    ("", {}),
])
def test_valid_identifiers_are_recognised(text, expected):
    assert clean_identifier(text) == expected


@pytest.mark.parametrize("text, message", [
    ("732829321", "Ce numéro SIREN n'est pas valide (clé de contrôle)."),
    ("73282932000075", "Ce numéro SIRET n'est pas valide (clé de contrôle)."),
    ("W75123456", "Ce numéro RNA n'est pas valide"),
    ("WX51234567", "Ce numéro RNA n'est pas valide"),
    ("12345", "Identifiant non reconnu"),
])
def test_wrong_identifiers_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        clean_identifier(text)


def test_wrong_siret_is_refused_next_to_actor_identifier(app, themes):
    with pytest.raises(InvalidInitiative) as raised:
        make_initiative(actor_name="Mairie de Cluny", actor_identifier="73282932000075")
    assert raised.value.errors == {
        "actor_identifier": "Ce numéro SIRET n'est pas valide (clé de contrôle)."}


def test_actor_name_becomes_one_actor_per_folded_name_and_type(app, themes):
    first = make_initiative("Un", actor_name="Mairie de Cluny", actor_type="commune")
    second = make_initiative("Deux", actor_name="MAIRIE  DE  CLUNY", actor_type="commune")
    untyped = make_initiative("Trois", actor_name="Mairie de Clüny")
    other_type = make_initiative("Quatre", actor_name="Mairie de Cluny", actor_type="company")
    found = actors()
    assert len(found) == 2
    assert first.lead_actor_id == second.lead_actor_id == untyped.lead_actor_id == found[0].id
    assert other_type.lead_actor_id == found[1].id
    assert found[0].normalised_name == fold("Mairie de Cluny") == "mairie de cluny"
    assert (found[0].name, found[0].type, found[0].slug) == \
        ("Mairie de Cluny", "commune", "mairie-de-cluny")
    # The initiative keeps a copy of its lead actor's name and type.
    assert (untyped.actor_name, untyped.actor_type) == ("Mairie de Cluny", "commune")


def test_an_unknown_type_is_filled_by_a_later_one_and_identifiers_too(app, themes):
    make_initiative("Un", actor_name="Cluny Solidaire")
    make_initiative("Deux", actor_name="Cluny solidaire", actor_type="association",
                    actor_identifier="W711234567")
    [actor] = actors()
    assert (actor.type, actor.rna) == ("association", "W711234567")


def test_identifier_finds_the_actor_whatever_its_spelling(app, themes):
    make_initiative("Un", actor_name="Régie de quartier", actor_identifier=SIRET)
    second = make_initiative("Deux", actor_name="Régie du quartier Nord",
                             actor_identifier=SIREN)
    [actor] = actors()
    assert second.lead_actor_id == actor.id and second.actor_name == "Régie de quartier"
    assert (actor.siren, actor.siret) == (SIREN, SIRET)


def test_lead_actor_id_chooses_an_actor_and_copies_its_name(app, themes):
    with write_transaction():
        actor = find_or_create_actor("La 27e Région", "association", status="published")
    initiative = make_initiative(lead_actor_id=actor.id, actor_name="ignored")
    assert initiative.lead_actor_id == actor.id
    assert (initiative.actor_name, initiative.actor_type) == ("La 27e Région", "association")
    with pytest.raises(InvalidInitiative) as raised:
        make_initiative("Autre", lead_actor_id=99999)
    assert "lead_actor_id" in raised.value.errors


def test_partners_by_name_or_id_in_order_without_the_lead(app, themes):
    with write_transaction():
        known = find_or_create_actor("Partie Prenante", "company", status="published")
    initiative = make_initiative(actor_name="La 27e Région", actor_type="association", partners=[
        {"name": "Université de Tours", "type": "research", "role": "enquête"},
        {"actor_id": known.id, "role": "échanges"},
        {"name": "la 27e région", "role": "doublon du porteur"},
        {"name": "  ", "role": "vide"}])
    links = initiative.partner_links
    assert [(link.actor.name, link.role, link.position) for link in links] == [
        ("Université de Tours", "enquête", 0), ("Partie Prenante", "échanges", 1)]
    assert links[0].actor.type == "research"
    with write_transaction():
        update_initiative(initiative, {"partners": [{"actor_id": known.id, "role": "tout"}]},
                          author=None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InitiativePartner)) == 1
    assert initiative.partner_links[0].role == "tout"


def test_new_actors_wait_with_their_proposal_and_are_published_with_it(app, accounts):
    proposal = make_initiative(actor_name="Collectif des Griottes",
                               actor_type="citizen_collective",
                               partners=[{"name": "Centre social", "role": "accueil"}])
    assert {actor.status for actor in actors()} == {"pending"}
    with write_transaction():
        decide(proposal, "approve", moderator=accounts.national, expected_version=None)
    assert {actor.status for actor in actors()} == {"published"}
    events = db.session.scalars(sa.select(ActorEvent.action).order_by(ActorEvent.id)).all()
    assert events == ["create", "create", "publish", "publish"]


def test_published_initiatives_publish_their_new_actors_at_once(app, themes):
    make_initiative(status="published", actor_name="Ville de Cluny", actor_type="commune")
    assert [actor.status for actor in actors()] == ["published"]


def test_revision_records_the_lead_actor_and_partners(app, themes):
    initiative = make_initiative(actor_name="Ville de Cluny",
                                 partners=[{"name": "Centre social", "role": "accueil"}])
    revision = initiative_revisions(initiative)[0]
    assert revision.after["lead_actor_id"] == initiative.lead_actor_id
    assert revision.after["partners"] == [{"actor_id": initiative.partner_links[0].actor_id,
                                           "name": "Centre social", "role": "accueil"}]


def initiative_revisions(initiative):
    from app.initiatives.history import revisions_of

    return revisions_of(initiative)


def test_seed_comes_out_with_actor_records(app, themes):
    from app.initiatives.seed import load_seed

    with write_transaction():
        load_seed(PROJECT_ROOT / "geodata" / "seed_corpus.geojson")
    led = db.session.execute(sa.select(Initiative.actor_name, Actor.name, Actor.status).join(
        Actor, Actor.id == Initiative.lead_actor_id)).all()
    named = db.session.scalars(sa.select(Initiative.actor_name).where(
        Initiative.actor_name != "")).all()
    assert named and len(led) == len(named)
    assert all(copy == name and status == "published" for copy, name, status in led)
    partners = db.session.scalars(sa.select(InitiativePartner)).all()
    assert partners and all(link.actor.status == "published" for link in partners)
    leads = {fold(name) for name in named}
    assert len(actors()) == len(leads | {fold(link.actor.name) for link in partners})


def test_migration_turns_free_text_actors_into_records(app, themes):
    ids = [make_initiative(name, status=status, private_email=None).id for name, status in
           (("Un", "published"), ("Deux", "published"), ("Trois", "pending"),
            ("Quatre", "pending"), ("Cinq", "published"))]
    db.session.remove()
    downgrade(revision=BEFORE_ACTORS)
    for initiative_id, name, type_ in zip(ids, (
            "Mairie de Cluny", "MAIRIE DE CLUNY", "Mairie de Clüny", "Asso X", ""),
            ("commune", None, None, "association", None), strict=True):
        db.session.execute(sa.text("UPDATE initiatives SET actor_name = :name, "
                                   "actor_type = :type WHERE id = :id"),
                           {"name": name, "type": type_, "id": initiative_id})
    db.session.commit()
    db.session.remove()
    upgrade()
    found = actors()
    assert [(a.name, a.normalised_name, a.type, a.status) for a in found] == [
        ("Mairie de Cluny", "mairie de cluny", "commune", "published"),
        ("Asso X", "asso x", "association", "pending")]
    leads = dict(db.session.execute(sa.select(Initiative.id, Initiative.lead_actor_id)).all())
    assert [leads[i] for i in ids] == [found[0].id] * 3 + [found[1].id, None]
    copies = db.session.execute(sa.select(Initiative.actor_name, Initiative.actor_type).where(
        Initiative.id == ids[2])).one()
    assert tuple(copies) == ("Mairie de Cluny", "commune")
    db.engine.dispose()
