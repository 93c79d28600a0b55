"""Accounts: sign-in with argon2id, fresh sessions, safe `next`, rate limits, admin pages."""

import pytest
import sqlalchemy as sa

from app.accounts.redirects import safe_next
from app.extensions import db, limiter
from app.models import User, UserScope
from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_initiative


def test_login_with_right_password_signs_in_and_records_the_time(client, accounts):
    response = login(client, accounts.contributor)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/mes-contributions").status_code == 200
    db.session.refresh(accounts.contributor)
    assert accounts.contributor.last_login_at is not None
    assert accounts.contributor.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("email, password", [
    ("agent@example.fr", "wrong password!"), ("nobody@example.fr", PASSWORD), ("", "")])
def test_wrong_credentials_are_refused_with_one_message(client, accounts, email, password):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code in (200, 401)
    assert client.get("/mes-contributions").status_code == 302
    if email and password:
        assert "Adresse e-mail ou mot de passe incorrect." in response.text


def test_inactive_account_cannot_sign_in(client, accounts):
    accounts.contributor.active = False
    db.session.commit()
    assert login(client, accounts.contributor).status_code == 401


def test_login_renews_the_session(client, accounts):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, accounts.contributor)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == accounts.contributor.get_id()


@pytest.mark.parametrize("target", [
    "//evil.fr", "/\\evil.fr", "/%09/evil.fr", "https:evil.fr", "https://evil.fr/x",
    "javascript:alert(1)", "/\t/evil.fr", "\\\\evil.fr", "evil.fr", "/%5Cevil.fr",
    "/%2F%2Fevil.fr", " //evil.fr", ""])
def test_unsafe_next_goes_home(target):
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/moderation/", "/initiatives/3?x=1", "/mes-contributions"])
def test_local_next_is_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("raw", ["//evil.fr", "/%5Cevil.fr", "/%09/evil.fr", "https:evil.fr"])
def test_login_never_redirects_off_site(client, accounts, raw):
    response = client.post(f"/login?next={raw}", data={"email": accounts.admin.email,
                                                       "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_goes_back_to_the_page_asked_for(client, accounts):
    first = client.get("/moderation/")
    assert first.status_code == 302 and "/login?next=/moderation/" in first.headers["Location"]
    response = client.post("/login?next=/moderation/",
                           data={"email": accounts.national.email, "password": PASSWORD})
    assert response.headers["Location"] == "/moderation/"


def test_logout_is_a_post_and_ends_the_session(client, accounts):
    login(client, accounts.contributor)
    assert "Se déconnecter" in client.get("/logout").text
    assert client.get("/mes-contributions").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/mes-contributions").status_code == 302


def test_login_is_rate_limited(migrated, accounts):
    limited = make_app(migrated, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    limiter.reset()
    client = limited.test_client()
    statuses = [client.post("/login", data={"email": "agent@example.fr",
                                            "password": "wrong password!"}).status_code
                for _ in range(5)]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429, 429]
    assert "Trop de tentatives" in client.post("/login", data={}).text


def test_my_contributions_lists_own_proposals_with_status(client, accounts):
    make_initiative("Tiers-lieu de l'agent", author=accounts.contributor)
    make_initiative("Pas à moi")
    login(client, accounts.contributor)
    page = client.get("/mes-contributions").text
    assert "Tiers-lieu de l&#39;agent" in page and "en attente de modération" in page
    assert "Pas à moi" not in page


def test_admin_creates_an_account_and_gives_a_scope(client, accounts):
    login(client, accounts.admin)
    response = client.post("/admin/users", data={
        "email": "New.Moderator@example.fr", "role": "moderator", "password": PASSWORD,
        "display_name": "Nouvelle", "is_admin": "y"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.moderator@example.fr"))
    assert user.role == "moderator"
    response = client.post(f"/admin/users/{user.id}/scopes", data={"level": "region",
                                                                    "code": "27"})
    assert response.status_code == 302
    assert [(s.level, s.code) for s in db.session.scalars(
        sa.select(UserScope).where(UserScope.user_id == user.id))] == [("region", "27")]
    assert "Bourgogne" in client.get(f"/admin/users/{user.id}").text


def test_admin_forms_say_what_is_wrong(client, accounts):
    login(client, accounts.admin)
    duplicate = client.post("/admin/users", data={"email": accounts.contributor.email,
                                                 "role": "contributor", "password": PASSWORD})
    assert duplicate.status_code == 400
    assert "Un compte existe déjà avec cette adresse." in duplicate.text
    short = client.post("/admin/users", data={"email": "x@example.fr", "role": "admin",
                                             "password": "short"})
    assert "Au moins 10 caractères." in short.text
    unknown = client.post(f"/admin/users/{accounts.moderator_71.id}/scopes",
                          data={"level": "departement", "code": "999"})
    assert unknown.status_code == 400 and "Territoire inconnu" in unknown.text


def test_admin_changes_a_role_but_not_their_own(client, accounts):
    login(client, accounts.admin)
    response = client.post(f"/admin/users/{accounts.contributor.id}",
                           data={"role": "moderator", "active": "y", "display_name": "Agent"})
    assert response.status_code == 302
    db.session.refresh(accounts.contributor)
    assert accounts.contributor.role == "moderator"
    own = client.post(f"/admin/users/{accounts.admin.id}", data={"role": "contributor",
                                                                 "active": "y"})
    assert own.status_code == 400
    db.session.refresh(accounts.admin)
    assert accounts.admin.role == "admin"


def test_admin_removes_a_scope(client, accounts):
    login(client, accounts.admin)
    scope = accounts.moderator_71.scopes[0]
    client.post(f"/admin/users/{accounts.moderator_71.id}/scopes/{scope.id}/delete")
    db.session.expire_all()
    assert db.session.get(User, accounts.moderator_71.id).scopes == []


def test_users_scope_command_limits_a_moderator(runner, accounts):
    result = runner.invoke(args=["users", "scope", accounts.national.email, "--level",
                                 "commune", "--code", "71137"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [(s.level, s.code) for s in db.session.get(User, accounts.national.id).scopes] == [
        ("commune", "71137")]
    bad = runner.invoke(args=["users", "scope", "ghost@example.fr", "--level", "region",
                              "--code", "27"])
    assert bad.exit_code != 0 and "No user" in bad.output
