"""Moderators create, edit, reorder and delete dossiers through their forms."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AdminEvent, Dossier, DossierEntry
from tests.factories import login, make_initiative


def form(**values) -> dict:
    return {"title": "Aide alimentaire", "slug": "aide-alimentaire",
            "introduction": "Les **épiceries** solidaires.", "initiatives": "", "position": "0",
            "sources-0-title": "Compte rendu", "sources-0-quote": "Une épicerie a ouvert.",
            **values}


def order() -> list[int]:
    return list(db.session.scalars(sa.select(DossierEntry.initiative_id)
                                   .order_by(DossierEntry.position)))


def test_moderator_creates_reorders_and_deletes_a_dossier(app, client, accounts):
    first = make_initiative("Épicerie", status="published")
    second = make_initiative("Cantine", status="published")
    login(client, accounts.moderator_71)
    assert client.get("/moderation/dossiers/new").status_code == 200
    response = client.post("/moderation/dossiers/new",
                           data=form(initiatives=f"{first.id}, {second.id}"))
    assert response.status_code == 302 and response.location.endswith("/dossiers/aide-alimentaire")
    assert order() == [first.id, second.id]
    page = client.get("/moderation/dossiers/aide-alimentaire/edit").get_data(as_text=True)
    assert f"{first.id}, {second.id}" in page and "Compte rendu" in page
    client.post("/moderation/dossiers/aide-alimentaire/edit",
                data=form(initiatives=f"{second.id} {first.id}", title="Aide alimentaire 2020"))
    assert order() == [second.id, first.id]
    assert db.session.scalar(sa.select(Dossier.title)) == "Aide alimentaire 2020"
    client.post("/moderation/dossiers/aide-alimentaire/delete")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 0
    assert db.session.get(type(first), first.id) is not None
    actions = db.session.scalars(sa.select(AdminEvent.action).order_by(AdminEvent.id)).all()
    assert actions == ["dossier_create", "dossier_update", "dossier_delete"]
    admin = app.test_client()
    login(admin, accounts.admin)
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "Dossier modifié" in audit and "Aide alimentaire 2020" in audit


def test_wrong_fields_are_shown_beside_them(client, accounts):
    login(client, accounts.national)
    response = client.post("/moderation/dossiers/new",
                           data=form(slug="Pas Bon", initiatives="999999",
                                     **{"sources-0-title": ""}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="slug-error"' in html and 'id="initiatives-error"' in html
    assert "999999" in html and 'id="sources-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 0


def test_search_finds_initiatives_to_add(client, accounts):
    found = make_initiative("Épicerie des Griottes", status="published")
    login(client, accounts.moderator_33)
    html = client.get("/moderation/dossiers/new?q=griottes").get_data(as_text=True)
    assert f"<strong>{found.id}</strong> — Épicerie des Griottes" in html


def test_contributors_and_visitors_cannot_manage_dossiers(client, accounts):
    assert client.post("/moderation/dossiers/new", data=form()).status_code == 302  # to login
    login(client, accounts.contributor)
    assert client.post("/moderation/dossiers/new", data=form()).status_code == 403
    assert client.get("/moderation/dossiers").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 0
