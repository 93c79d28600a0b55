"""Moderators and admins read names, not codes: territories, themes and roles (issue 14)."""

from app.database import write_transaction
from app.initiatives.services import update_initiative
from tests.factories import login, make_initiative

FIGEAC = "46102"


def test_the_review_page_names_the_departement_and_the_region(client, accounts):
    initiative = make_initiative(insee=FIGEAC)
    login(client, accounts.national)
    page = client.get(f"/moderation/initiatives/{initiative.id}").text
    assert "<dd>Lot (46)</dd>" in page and "<dd>Occitanie (76)</dd>" in page
    assert "<dd>Gestion de crise</dd>" in page


def test_the_review_page_names_themes_in_the_visitor_language(client, accounts):
    initiative = make_initiative(insee=FIGEAC)
    login(client, accounts.national)
    page = client.get(f"/moderation/initiatives/{initiative.id}?lang=en").text
    assert "<dd>Crisis management</dd>" in page


def test_the_history_shows_theme_labels_not_slugs(client, accounts):
    initiative = make_initiative(status="published", themes=["gestion-de-crise"])
    with write_transaction():
        update_initiative(initiative, {"themes": ["continuite-service-public"]},
                          author=accounts.national)
    login(client, accounts.national)
    page = client.get(f"/initiatives/{initiative.id}/history").text
    assert "<del>Gestion de crise</del>" in page
    assert "<ins>Continuité du service public</ins>" in page
    assert "continuite-service-public<" not in page and "gestion-de-crise<" not in page


def test_the_admin_pages_name_roles_and_territories(client, accounts):
    login(client, accounts.admin)
    users = client.get("/admin/users").text
    assert "<td>Contributeur·rice</td>" in users and "<td>Modérateur·rice</td>" in users
    assert "<td>contributor</td>" not in users and "<td>moderator</td>" not in users
    assert "Département Saône-et-Loire (71)" in users and "departement 71" not in users
    user = client.get(f"/admin/users/{accounts.moderator_71.id}").text
    assert "Rôle : Modérateur·rice" in user
    english = client.get("/admin/users?lang=en").text
    assert "<td>Contributor</td>" in english and "<td>Administrator</td>" in english
