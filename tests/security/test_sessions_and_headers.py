"""Sessions the server can end, safe cookies, safe redirects, security headers everywhere."""

import re

import pytest
from flask import abort

from app import create_app
from app.database import write_transaction
from app.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD, login

OPEN_REDIRECTS = ["//evil.fr", "/\\evil.fr", "/%09/evil.fr", "https:evil.fr", "https://evil.fr",
                  "/\t/evil.fr", "\\\\evil.fr", "//evil.fr/%2e%2e", "/%2F%2Fevil.fr",
                  "javascript:alert(1)", "data:text/html,x", "///evil.fr", " //evil.fr",
                  "/%5C%5Cevil.fr", "http://localhost@evil.fr", "\x00//evil.fr"]


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def signed_in(client) -> bool:
    return client.get("/mes-contributions").status_code == 200


def test_logout_ends_the_session_on_the_server(app, client, accounts):
    """A copy of the cookie taken before sign-out (a shared computer, a stolen cookie) no
    longer works: Flask's cookie session alone would have stayed valid."""
    login(client, accounts.contributor)
    stolen = session_cookie(client)
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not signed_in(thief)


def test_logout_ends_every_session_of_the_user(app, client, accounts):
    other_device = app.test_client()
    login(client, accounts.contributor)
    login(other_device, accounts.contributor)
    client.post("/logout")
    assert not signed_in(other_device)


def test_new_password_ends_the_other_sessions_but_not_the_admins_own(app, client, admin,
                                                                     accounts):
    login(client, accounts.contributor)
    response = admin.post(f"/admin/users/{accounts.contributor.id}", data={
        "display_name": "Agent", "role": "contributor", "active": "y",
        "password": "another long password"})
    assert response.status_code == 302
    assert not signed_in(client)
    response = admin.post(f"/admin/users/{accounts.admin.id}", data={
        "display_name": "Admin", "role": "admin", "active": "y",
        "password": "another long password"})
    assert response.status_code == 302
    assert admin.get("/admin/").status_code == 200


def test_deactivated_account_loses_its_open_sessions(client, accounts):
    """Deactivating a moderator must take their access away at once, not at sign-out."""
    login(client, accounts.national)
    assert client.get("/moderation/").status_code == 200
    with write_transaction():
        db.session.merge(accounts.national).active = False
    assert client.get("/moderation/").status_code == 302


def edit_account(admin, user, **changes):
    data = {"display_name": "Agent", "role": user.role, "active": "y", **changes}
    response = admin.post(f"/admin/users/{user.id}",
                          data={key: value for key, value in data.items() if value is not None})
    assert response.status_code == 302


def test_session_taken_before_deactivation_stays_dead_after_reactivation(client, admin,
                                                                          accounts):
    login(client, accounts.national)
    edit_account(admin, accounts.national, active=None)
    edit_account(admin, accounts.national)
    assert client.get("/moderation/").status_code == 302


def test_role_change_ends_the_sessions_of_the_account(client, admin, accounts):
    login(client, accounts.contributor)
    edit_account(admin, accounts.contributor, role="moderator")
    assert not signed_in(client)


def test_name_change_keeps_the_sessions_of_the_account(client, admin, accounts):
    login(client, accounts.contributor)
    edit_account(admin, accounts.contributor, display_name="Autre nom")
    assert signed_in(client)


def test_session_of_a_forged_or_old_format_id_is_anonymous(app, client, accounts):
    for forged in (str(accounts.admin.id), f"{accounts.admin.id}:", f"{accounts.admin.id}:x",
                   "²:abc", f"{2**40}:abc", ":", "", f"{accounts.admin.id}:é"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert client.get("/admin/").status_code == 302, forged


def test_session_cookie_is_httponly_samesite_lax_and_secure_when_configured(migrated,
                                                                            monkeypatch,
                                                                            accounts):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)[1]
    response = client.post("/login", base_url="https://localhost", data={
        "email": accounts.contributor.email, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(cookie for cookie in cookies if cookie.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" in session
    for cookie in cookies:  # the CSRF token lives in the session: no other cookie holds it
        assert "csrf" not in cookie.split("=")[0].lower()
    language = client.get("/?lang=en", base_url="https://localhost").headers["Set-Cookie"]
    assert all(flag in language for flag in ("HttpOnly", "SameSite=Lax", "Secure"))


def test_local_development_cookie_works_over_plain_http(client, accounts):
    assert login(client, accounts.contributor).status_code == 302
    session = next(c for c in client.get("/mes-contributions").request.headers.getlist("Cookie"))
    assert "session=" in session


def test_forms_refuse_a_post_without_the_csrf_token(migrated, accounts):
    app = make_app(migrated, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": accounts.admin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_logout_by_get_does_not_sign_out(client, accounts):
    """A link or an image on another site cannot sign people out."""
    login(client, accounts.contributor)
    client.get("/logout")
    assert signed_in(client)


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_hostile_next_lands_on_the_home_page(client, accounts, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": accounts.contributor.email, "password": PASSWORD})
    if "\x00" in target:  # refused before anything reads it
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def test_local_next_is_kept(client, accounts):
    response = client.post("/login", query_string={"next": "/initiatives?theme=x"},
                           data={"email": accounts.contributor.email, "password": PASSWORD})
    assert response.headers["Location"] == "/initiatives?theme=x"


# Security headers: every kind of response, pages, API, static files and errors.
SAMPLE_PATHS = ["/", "/initiatives", "/login", "/api/v1/themes", "/api/v1/initiatives",
                "/export/initiatives.csv", "/static/css/maillage.css", "/healthz",
                "/no-such-page", "/api/v1/no-such-thing", "/boom"]


@pytest.fixture
def header_client(migrated):
    """The app with a route that crashes, to see the headers of a 500."""
    app = make_app(migrated)

    @app.get("/boom")
    def boom():
        abort(500)

    with app.app_context():
        yield app.test_client()
        db.session.remove()


def headers_of(client, path: str, base_url: str = "http://localhost"):
    return client.get(path, base_url=base_url).headers


@pytest.mark.parametrize("path", SAMPLE_PATHS)
def test_every_response_forbids_sniffing_framing_and_leaking_referrers(header_client, path):
    headers = headers_of(header_client, path)
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer",
                                              "same-origin")
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", "")
    assert headers.get("X-Frame-Options") == "DENY"


def test_the_embed_alone_may_be_framed(header_client):
    headers = headers_of(header_client, "/embed")
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers


@pytest.mark.parametrize("path", SAMPLE_PATHS)
def test_every_response_has_a_script_restricting_content_security_policy(header_client, path):
    policy = headers_of(header_client, path).get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.split()}
    assert "default-src" in directives
    assert "'unsafe-inline'" not in directives.get("script-src", directives["default-src"])
    assert directives.get("object-src") == ["'none'"]
    assert "base-uri" in directives


@pytest.mark.parametrize("path", SAMPLE_PATHS)
def test_https_responses_ask_for_https_only(header_client, path):
    hsts = headers_of(header_client, path, "https://localhost").get(
        "Strict-Transport-Security", "")
    assert re.search(r"max-age=(\d+)", hsts) and int(re.search(r"max-age=(\d+)", hsts)[1]) >= \
        180 * 24 * 3600
