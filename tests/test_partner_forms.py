"""Partners in the initiative forms: one "Nom (rôle)" per line, prefilled, checked next to
the field, kept in the history and shown in a correction's changes for moderation."""

import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ChangeSet, Revision
from tests.factories import login, make_initiative, proposal_data
from tests.test_contribute import field_error

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")
PARTNERS = [{"name": "Ville de Cluny", "role": "financement"}, {"name": "La Poste", "role": ""}]


def partners(initiative) -> list[tuple[str, str]]:
    db.session.refresh(initiative)
    return [(link.actor.name, link.role) for link in initiative.partner_links]


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def edit_data(initiative, **values) -> dict:
    return {"name": initiative.name, "kind": "initiative", "commune": "Cluny", "insee": "71137",
            "themes": ["gestion-de-crise"], "version": initiative.version, **values}


def test_the_moderators_edit_form_shows_the_partners_one_per_line(client, accounts):
    initiative = make_initiative(partners=PARTNERS)
    login(client, accounts.moderator_71)
    page = client.get(f"/moderation/initiatives/{initiative.id}/edit").text
    assert textarea(page, "partners") == "Ville de Cluny (financement)\nLa Poste"


def test_a_moderator_changes_the_partners_and_the_history_keeps_it(client, accounts):
    initiative = make_initiative(partners=PARTNERS)
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data=edit_data(
        initiative, partners="Ville de Cluny (financement, locaux)\r\n\r\nRégie de quartier"))
    assert response.status_code == 302, field_error(response.text, "partners")
    assert partners(initiative) == [("Ville de Cluny", "financement, locaux"),
                                    ("Régie de quartier", "")]
    revision = db.session.scalars(sa.select(Revision).where(
        Revision.initiative_id == initiative.id).order_by(Revision.id.desc())).first()
    assert [p["name"] for p in revision.before["partners"]] == ["Ville de Cluny", "La Poste"]
    assert [p["role"] for p in revision.after["partners"]] == ["financement, locaux", ""]


def test_a_post_without_the_field_leaves_the_partners_alone(client, accounts):
    initiative = make_initiative(partners=PARTNERS)
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit",
                           data=edit_data(initiative, summary="Un résumé."))
    assert response.status_code == 302
    assert partners(initiative) == [("Ville de Cluny", "financement"), ("La Poste", "")]


@pytest.mark.parametrize(("text", "message"), [
    ("La Poste\n(financement)", "Ligne 2 : le nom du partenaire manque, avant le rôle entre "
                                "parenthèses."),
    ("La Poste\nMairie (" + "x" * 201 + ")", "Ligne 2 : le rôle a plus de 200 caractères."),
    ("x" * 300, "200 caractères au plus (300 reçus)."),
])
def test_a_wrong_partner_line_is_shown_next_to_the_field(client, accounts, text, message):
    initiative = make_initiative(partners=PARTNERS)
    login(client, accounts.moderator_71)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit",
                           data=edit_data(initiative, partners=text))
    assert response.status_code == 400
    assert field_error(response.text, "partners") == message
    assert textarea(response.text, "partners") == text  # what was typed is kept
    assert partners(initiative) == [("Ville de Cluny", "financement"), ("La Poste", "")]


def test_a_correction_of_the_partners_is_shown_to_moderators_and_applied(client, accounts):
    initiative = make_initiative(status="published", partners=PARTNERS)
    page = client.get(f"/initiatives/{initiative.id}/correction").text
    assert textarea(page, "partners") == "Ville de Cluny (financement)\nLa Poste"
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, themes=["gestion-de-crise"], website="", summary="",
        partners="Ville de Cluny (financement)\nMaison France services (accueil)",
        message="Un partenaire a changé", private_email="corrector@example.org"))
    assert response.status_code == 302, field_error(response.text, "partners")
    change_set = db.session.scalar(sa.select(ChangeSet))
    assert [p["name"] for p in change_set.changes["partners"]] == [
        "Ville de Cluny", "Maison France services"]
    login(client, accounts.national)
    page = html.unescape(client.get(f"/moderation/change-sets/{change_set.id}").text)
    assert "Partenaires" in page and "Maison France services (accueil)" in page
    assert "La Poste" in page  # the live value beside the proposed one
    response = client.post(f"/moderation/change-sets/{change_set.id}/decision",
                           data={"decision": "approve", "version": change_set.version})
    assert response.status_code == 302
    assert partners(initiative) == [("Ville de Cluny", "financement"),
                                    ("Maison France services", "accueil")]
