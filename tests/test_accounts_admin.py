"""Admin pages: the theme taxonomy, the reusable reject reasons and the outbox."""

import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.taxonomy import default_categories
from app.models import OutboxMessage, RejectReason, Theme
from tests.factories import count, login, make_initiative

NEW_THEME = {"slug": "mobilite-rurale", "label_fr": "Mobilité rurale",
             "label_en": "Rural mobility", "colour": "#0b5cad", "icon": "bus", "position": "9"}


def test_admin_adds_a_theme(client, accounts):
    login(client, accounts.admin)
    assert client.post("/admin/themes", data=NEW_THEME).status_code == 302
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "mobilite-rurale"))
    assert (theme.label_en, theme.colour, theme.position) == ("Rural mobility", "#0B5CAD", 9)
    assert "Mobilité rurale" in client.get("/api/v1/themes").text


def test_theme_rules_are_shown_next_to_the_fields(client, accounts):
    login(client, accounts.admin)
    response = client.post("/admin/themes", data={
        **NEW_THEME, "slug": "gestion-de-crise", "colour": "red", "icon": "Bus!",
        "label_en": ""})
    assert response.status_code == 400
    for message in ("Ce slug est déjà pris.", "Couleur au format #RRGGBB.",
                    "Entre 1 et 120 caractères.", "Nom d&#39;icône"):
        assert message in response.text
    assert count(Theme) == len(default_categories())


def test_admin_renames_a_theme_and_deletes_only_an_unused_one(client, accounts):
    used = db.session.scalar(sa.select(Theme).where(Theme.slug == "gestion-de-crise"))
    make_initiative(status="published")  # carries gestion-de-crise
    login(client, accounts.admin)
    response = client.post(f"/admin/themes/{used.id}", data={
        "slug": used.slug, "label_fr": "Crises", "label_en": "Crises", "colour": used.colour,
        "icon": used.icon, "position": used.position})
    assert response.status_code == 302
    db.session.refresh(used)
    assert used.label_fr == "Crises"
    client.post(f"/admin/themes/{used.id}/delete")
    assert db.session.get(Theme, used.id) is not None
    unused_id = db.session.scalar(sa.select(Theme.id).where(
        Theme.slug == "retours-experience"))
    client.post(f"/admin/themes/{unused_id}/delete")
    assert db.session.get(Theme, unused_id) is None


def test_admin_manages_reject_reasons_offered_to_moderators(client, accounts):
    login(client, accounts.admin)
    client.post("/admin/reasons", data={"label": "Commerce", "position": "1", "active": "y",
                                        "text": "Les commerces n'ont pas leur place ici."})
    reason = db.session.scalar(sa.select(RejectReason).where(RejectReason.label == "Commerce"))
    assert reason.active
    initiative = make_initiative()
    client.post("/logout")
    login(client, accounts.moderator_71)
    assert "Commerce" in client.get(f"/moderation/initiatives/{initiative.id}").text
    client.post("/logout")
    login(client, accounts.admin)
    client.post(f"/admin/reasons/{reason.id}", data={
        "label": "Commerce", "position": "1", "text": "Les commerces n'ont pas leur place."})
    db.session.refresh(reason)
    assert not reason.active
    assert "Commerce" not in client.get(f"/moderation/initiatives/{initiative.id}").text
    empty = client.post("/admin/reasons", data={"label": "", "text": ""})
    assert empty.status_code == 400 and "Entre 1 et 120 caractères." in empty.text


def test_outbox_page_shows_failed_mail(client, accounts):
    with write_transaction():
        db.session.add(OutboxMessage(recipient="x@example.org", subject="Objet", body="...",
                                     status="failed", attempts=5, last_error="SMTP down"))
    login(client, accounts.admin)
    assert "1 envoi en échec" in client.get("/admin/").text
    page = client.get("/admin/outbox").text
    assert "x@example.org" in page and "SMTP down" in page
