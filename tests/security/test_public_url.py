"""Absolute links come from PUBLIC_URL, never from a Host header a client chose."""

import pytest
import sqlalchemy as sa

from app.config import ConfigurationError, from_environment
from app.extensions import db
from app.models import OutboxMessage
from tests.conftest import PROJECT_ROOT, make_app
from tests.factories import proposal_data

PUBLIC = "https://maillage.example.fr"


def mailed_bodies() -> str:
    return "\n".join(db.session.scalars(sa.select(OutboxMessage.body)).all())


def test_links_in_e_mails_use_public_url_whatever_the_host(app, client, accounts, fast_forms):
    app.config["PUBLIC_URL"] = PUBLIC + "/"
    response = client.post("/initiatives/new", data=proposal_data(),
                           base_url="http://evil.example")
    assert response.status_code == 302
    bodies = mailed_bodies()
    assert f"{PUBLIC}/suivi/" in bodies and f"{PUBLIC}/moderation/initiatives/" in bodies
    assert "evil.example" not in bodies


def test_follow_up_page_shows_its_link_on_public_url(app, client, accounts, fast_forms):
    app.config["PUBLIC_URL"] = PUBLIC
    location = client.post("/initiatives/new", data=proposal_data(),
                           base_url="http://evil.example").headers["Location"]
    page = client.get(location, base_url="http://evil.example").text
    assert f"{PUBLIC}/suivi/" in page and "evil.example/suivi" not in page


def test_without_public_url_links_follow_the_request_host(app, client, accounts, fast_forms):
    client.post("/initiatives/new", data=proposal_data(), base_url="http://127.0.0.1:5000")
    assert "http://127.0.0.1:5000/suivi/" in mailed_bodies()


@pytest.mark.parametrize(("public_url", "extra", "expected"), [
    (PUBLIC, None, ["maillage.example.fr"]),
    ("http://127.0.0.1:5000", "localhost", ["127.0.0.1", "localhost"]),
    (None, None, None),
])
def test_trusted_hosts_follow_public_url(monkeypatch, tmp_path, public_url, extra, expected):
    for name, value in (("PUBLIC_URL", public_url), ("TRUSTED_HOSTS", extra)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert from_environment(tmp_path)["TRUSTED_HOSTS"] == expected


def test_production_refuses_other_host_headers(migrated, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    app = make_app(migrated, FORM_MIN_SECONDS=0)
    client = app.test_client()
    assert client.get("/healthz", base_url=PUBLIC).status_code == 200
    assert client.get("/healthz", base_url="http://evil.example").status_code == 400
    with app.app_context():
        response = client.post("/initiatives/new", data=proposal_data(),
                               base_url="http://evil.example")
        assert response.status_code == 400
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


@pytest.fixture
def production(monkeypatch):
    """No debug mode, no PUBLIC_URL from the environment: what a server starts with."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)


@pytest.mark.parametrize("public_url", [None, "", "maillage.example.fr", "ftp://maillage.example.fr",
                                        "https://", "javascript:alert(1)", "http://[::1"])
def test_production_refuses_to_start_without_a_site_address(migrated, production, public_url):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be set"):
        make_app(migrated, TESTING=False, PUBLIC_URL=public_url)


def test_production_starts_with_its_public_url_from_the_environment(migrated, production,
                                                                     monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    app = make_app(migrated, TESTING=False)
    assert not app.debug and app.config["TRUSTED_HOSTS"] == ["maillage.example.fr"]
    assert app.test_client().get("/healthz", base_url=PUBLIC).status_code == 200


def test_development_needs_no_public_url(migrated, production, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make_app(migrated, TESTING=False)
    assert app.debug and app.config["TRUSTED_HOSTS"] is None
    client = app.test_client()
    assert client.get("/healthz", base_url="http://127.0.0.1:5000").status_code == 200


def test_make_run_serves_and_prepares_the_database_in_development_mode():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    for command in ("--debug run --no-debugger", "--debug db upgrade", "--debug seed"):
        assert f"$(FLASK) {command}" in makefile
