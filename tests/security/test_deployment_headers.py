"""The policy's nonce is new on every response and never cached with a map; HSTS over HTTPS
only, behind a trusted proxy too; cookies secure wherever the site is public over HTTPS; rate
limits counted where configured."""

import re

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import from_environment
from app.extensions import db
from app.models import Initiative
from app.web.security import tile_source
from tests.conftest import make_app
from tests.factories import PASSWORD

NONCE = re.compile(r"'nonce-([^']+)'")


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.split()}


def script_nonces(html: str) -> list[str | None]:
    """The nonce of every inline script (the others come from this site: 'self' allows them)."""
    tags = re.findall(r"<script\b[^>]*>", html)
    assert all(re.search(r'\bsrc="/', tag) for tag in tags if " src=" in tag)
    return [re.search(r'nonce="([^"]+)"', tag)[1] if "nonce=" in tag else None
            for tag in tags if " src=" not in tag]


def test_every_script_of_a_cached_map_page_carries_this_responses_nonce(client, seeded):
    """The initiative's map is rendered once and kept: the nonce must not be kept with it."""
    initiative = db.session.scalar(sa.select(Initiative).order_by(Initiative.id))
    first, second = (client.get(f"/initiatives/{initiative.id}", follow_redirects=True)
                     for _ in range(2))
    nonces = [NONCE.search(response.headers["Content-Security-Policy"])[1]
              for response in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert set(script_nonces(response.text)) == {nonce}
        assert response.text.count(nonce) == len(script_nonces(response.text))
    assert nonces[0] not in second.text


@pytest.mark.parametrize("path", ["/", "/embed", "/initiatives/new", "/territoires/71"])
def test_every_inline_script_of_a_page_has_the_nonce(client, seeded, path):
    response = client.get(path)
    nonce = NONCE.search(response.headers["Content-Security-Policy"])[1]
    assert script_nonces(response.text) and set(script_nonces(response.text)) == {nonce}


def set_environment(monkeypatch, **variables: str | None) -> None:
    """Set these environment variables, removing those given as None."""
    for name, value in variables.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_the_policy_allows_images_from_the_configured_tile_server_only(migrated):
    app = make_app(migrated, TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    with app.app_context():
        policy = directives(app.test_client().get("/healthz"))
    assert policy["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]
    assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2
    for name in ("connect-src", "form-action", "base-uri", "default-src"):
        assert policy[name] == ["'self'"], name


@pytest.mark.parametrize(("url", "source"), [
    ("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.fr"),
    ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
    ("http://tiles.test:8080/{z}/{x}/{y}.png", "http://tiles.test:8080"),
    ("https://{s}.{r}.tiles.example.org/{z}.png", "https://*.tiles.example.org"),
    ("https://tiles-{s}.example.org/{z}.png", "https://*.example.org"),
    ("https://a.{s}.example.org/{z}.png", "https:"),
])
def test_tile_server_source(url, source):
    assert tile_source(url) == source


def test_plain_http_never_gets_hsts_even_when_a_visitor_claims_https(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_proxy_https_gets_hsts(migrated):
    app = make_app(migrated, TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()
        secure = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        plain = client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize(("public_url", "explicit", "secure"), [
    ("https://maillage.example.fr", None, True),
    ("http://127.0.0.1:5000", None, False),
    (None, None, False),
    ("https://maillage.example.fr", "0", False),
    ("http://127.0.0.1:5000", "1", True),
])
def test_cookies_are_secure_when_the_site_is_public_over_https(monkeypatch, tmp_path,
                                                              public_url, explicit, secure):
    set_environment(monkeypatch, PUBLIC_URL=public_url, SESSION_COOKIE_SECURE=explicit)
    settings = from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["REMEMBER_COOKIE_SECURE"] is secure


def test_https_site_sets_a_secure_httponly_lax_session_cookie(migrated, monkeypatch, accounts):
    monkeypatch.setenv("PUBLIC_URL", "https://maillage.example.fr")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        response = app.test_client().post("/login", base_url="https://maillage.example.fr", data={
            "email": accounts.contributor.email, "password": PASSWORD})
    assert response.status_code == 302
    session = next(cookie for cookie in response.headers.getlist("Set-Cookie")
                   if cookie.startswith("session="))
    assert all(flag in session for flag in ("Secure", "HttpOnly", "SameSite=Lax"))


@pytest.mark.parametrize(("storage", "redis", "expected"), [
    (None, None, "memory://"),
    (None, "redis://cache:6379/1", "redis://cache:6379/1"),
    ("memcached://cache:11211", "redis://cache:6379/1", "memcached://cache:11211"),
])
def test_rate_limits_count_where_configured(monkeypatch, tmp_path, storage, redis, expected):
    """Several workers share their counts only in a shared store (memory:// is per process)."""
    set_environment(monkeypatch, RATELIMIT_STORAGE_URI=storage, REDIS_URL=redis)
    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == expected
