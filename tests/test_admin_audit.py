"""Every admin action leaves an entry in the audit trail, shown to admins only."""

import re

import pytest
import sqlalchemy as sa

from app.accounts.audit import record
from app.extensions import db
from app.models import AdminEvent, Initiative, RejectReason, Theme, User, UserScope
from tests.factories import PASSWORD, login, make_initiative

NEW_PASSWORD = "a brand new secret passphrase"


@pytest.fixture
def admin(client, accounts):
    """The test client, signed in as the admin of the accounts fixture."""
    assert login(client, accounts.admin).status_code == 302
    return client


def events(*actions: str) -> list[AdminEvent]:
    db.session.expire_all()
    stmt = sa.select(AdminEvent).order_by(AdminEvent.id)
    if actions:
        stmt = stmt.where(AdminEvent.action.in_(actions))
    return list(db.session.scalars(stmt))


def summary(event: AdminEvent) -> tuple:
    return event.action, event.subject, event.before, event.after


def test_creating_an_account_is_recorded(admin, accounts):
    admin.post("/admin/users", data={"email": "new@example.fr", "display_name": "Nouvelle",
                                     "role": "moderator", "password": PASSWORD})
    [event] = events()
    user = db.session.scalar(sa.select(User).where(User.email == "new@example.fr"))
    assert summary(event) == ("user_create", "new@example.fr", None, {
        "email": "new@example.fr", "role": "moderator", "display_name": "Nouvelle",
        "active": True})
    assert (event.actor_id, event.target_user_id) == (accounts.admin.id, user.id)
    assert event.created_at is not None


def test_each_change_to_an_account_is_recorded_with_before_and_after(admin, accounts):
    user = accounts.contributor
    admin.post(f"/admin/users/{user.id}", data={"display_name": "Agent renommé",
                                                "role": "moderator", "password": NEW_PASSWORD})
    assert [summary(event) for event in events()] == [
        ("role_change", user.email, {"role": "contributor"}, {"role": "moderator"}),
        ("rename", user.email, {"display_name": "Agent"}, {"display_name": "Agent renommé"}),
        ("deactivate", user.email, {"active": True}, {"active": False}),
        ("password_set", user.email, None, None),
    ]
    admin.post(f"/admin/users/{user.id}", data={"display_name": "Agent renommé",
                                                "role": "moderator", "active": "y"})
    assert [summary(event) for event in events()][4:] == [
        ("activate", user.email, {"active": False}, {"active": True})]
    assert {event.target_user_id for event in events()} == {user.id}


def test_saving_an_account_unchanged_records_nothing(admin, accounts):
    user = accounts.contributor
    admin.post(f"/admin/users/{user.id}", data={"display_name": "Agent", "role": "contributor",
                                                "active": "y"})
    assert events() == []


def test_no_password_or_hash_is_ever_recorded(admin, accounts):
    admin.post("/admin/users", data={"email": "new@example.fr", "role": "contributor",
                                     "password": PASSWORD})
    admin.post(f"/admin/users/{accounts.contributor.id}", data={
        "display_name": "Agent", "role": "contributor", "active": "y", "password": NEW_PASSWORD})
    stored = db.session.execute(sa.text("SELECT * FROM admin_events")).all()
    text = repr(stored)
    assert len(stored) == 2 and "password_set" in text
    assert PASSWORD not in text and NEW_PASSWORD not in text and "$argon2" not in text


def test_scope_changes_are_recorded(admin, accounts):
    user = accounts.national
    admin.post(f"/admin/users/{user.id}/scopes", data={"level": "departement", "code": "71"})
    scope_id = db.session.scalar(sa.select(UserScope.id).where(UserScope.user_id == user.id))
    admin.post(f"/admin/users/{user.id}/scopes/{scope_id}/delete")
    admin.post(f"/admin/users/{user.id}/scopes/{scope_id}/delete")  # already gone: no entry
    values = {"level": "departement", "code": "71"}
    assert [summary(event) for event in events()] == [
        ("scope_add", user.email, None, values), ("scope_remove", user.email, values, None)]


def theme_data(**overrides) -> dict:
    return {"slug": "jardins", "label_fr": "Jardins", "label_en": "Gardens",
            "colour": "#336699", "icon": "leaf", "position": "9", **overrides}


def test_theme_creation_change_and_deletion_are_recorded(admin, themes, accounts):
    admin.post("/admin/themes", data=theme_data())
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "jardins"))
    admin.post(f"/admin/themes/{theme.id}", data=theme_data(label_en="Shared gardens"))
    admin.post(f"/admin/themes/{theme.id}/delete")
    created, changed, deleted = events()
    values = {"slug": "jardins", "label_fr": "Jardins", "label_en": "Gardens",
              "colour": "#336699", "icon": "leaf", "position": 9}
    assert summary(created) == ("theme_create", "jardins", None, values)
    assert summary(changed) == ("theme_update", "jardins", {"label_en": "Gardens"},
                                {"label_en": "Shared gardens"})
    assert summary(deleted) == ("theme_delete", "jardins",
                                {**values, "label_en": "Shared gardens"}, None)
    assert {event.actor_id for event in events()} == {accounts.admin.id}


def test_reject_reason_changes_are_recorded(admin, accounts):
    admin.post("/admin/reasons", data={"label": "Hors sujet", "text": "Ce n'est pas une "
                                       "initiative territoriale.", "position": "1", "active": "y"})
    reason = db.session.scalar(sa.select(RejectReason).where(RejectReason.label == "Hors sujet"))
    admin.post(f"/admin/reasons/{reason.id}", data={
        "label": "Hors sujet", "text": "Ce n'est pas une initiative territoriale.",
        "position": "1"})
    created, changed = events()
    assert created.action == "reason_create" and created.after["label"] == "Hors sujet"
    assert summary(changed) == ("reason_update", "Hors sujet", {"active": True},
                                {"active": False})


def test_erasure_is_recorded_without_personal_data(admin, accounts):
    erased = make_initiative("Jardin de Mme Dupont", private_email="dupont@example.org").id
    admin.post(f"/admin/initiatives/{erased}/erase",
               data={"confirm_id": str(erased), "reason": "Demande RGPD n° 12"})
    assert db.session.get(Initiative, erased) is None
    [event] = events()
    assert summary(event) == ("erase", f"#{erased}", {"initiative_id": erased},
                              {"reason": "Demande RGPD n° 12"})
    assert "dupont" not in repr(summary(event)).lower()


def test_the_command_line_records_its_accounts_and_scopes(runner, themes):
    runner.invoke(args=["users", "create", "cli@example.fr", "--role", "moderator"],
                  input=PASSWORD + "\n")
    runner.invoke(args=["users", "scope", "cli@example.fr", "--level", "region", "--code", "27"])
    assert [(e.action, e.actor_id, e.subject) for e in events()] == [
        ("user_create", None, "cli@example.fr"), ("scope_add", None, "cli@example.fr")]


def test_the_audit_trail_is_for_admins_only_and_linked_from_their_pages(client, accounts):
    login(client, accounts.national)
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout")
    login(client, accounts.admin)
    assert 'href="/admin/audit"' in client.get("/admin/").text


def test_the_audit_trail_shows_entries_in_words_newest_first(admin, accounts):
    admin.post(f"/admin/users/{accounts.national.id}/scopes",
               data={"level": "departement", "code": "71"})
    admin.post(f"/admin/users/{accounts.contributor.id}", data={
        "display_name": "Agent", "role": "moderator", "active": "y"})
    page = admin.get("/admin/audit").text
    role = page.index("Rôle changé")
    assert role < page.index("Territoire attribué")
    assert "Contributeur·rice" in page[role:] and "Modérateur·rice" in page[role:]
    assert "Saône-et-Loire (71)" in page and accounts.admin.email in page


def test_the_audit_trail_pages_and_filters_by_account(admin, accounts):
    for n in range(55):
        record("rename", accounts.admin, target_user=accounts.contributor,
               subject=accounts.contributor.email, before={"display_name": f"n{n}"},
               after={"display_name": f"n{n + 1}"})
    record("rename", accounts.admin, target_user=accounts.national, subject="national",
           before={"display_name": "National"}, after={"display_name": "Nationale"})
    db.session.commit()
    first = admin.get("/admin/audit").text
    assert first.count("Nom changé") == 50 and "Nationale" in first and "n54" in first
    second = admin.get("/admin/audit?page=2").text
    assert second.count("Nom changé") == 6 and "n0<" in second.replace("</del>", "<")
    mine = admin.get(f"/admin/audit?user={accounts.national.id}").text
    assert mine.count("Nom changé") == 1 and "Nationale" in mine
    assert admin.get("/admin/audit?page=99999999999999999999").status_code == 200


def test_the_audit_trail_links_each_account_to_its_entries(admin, accounts):
    page = admin.get(f"/admin/users/{accounts.contributor.id}").text
    assert re.search(rf'href="/admin/audit\?user={accounts.contributor.id}"', page)
