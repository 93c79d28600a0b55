"""The app factory, configuration, health check and error formats."""

import pytest

from app.config import load_secret_key, normalise_database_url
from app.extensions import db
from tests.factories import make_initiative, sign_in


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_secret_key(tmp_path / "instance")
    second = load_secret_key(tmp_path / "instance")
    assert first == second
    assert len(first) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(monkeypatch, migrated):
    from tests.conftest import make_app

    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert make_app(migrated).config["SECRET_KEY"] == "from-the-environment"


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_healthz_reports_database_and_seeded_count_to_an_admin(client, seeded):
    sign_in(client, "admin")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["initiatives"]["published"] == seeded.created >= 35
    assert response.cache_control.no_store


def test_healthz_on_empty_database_reports_zero_to_an_admin(client):
    sign_in(client, "admin")
    body = client.get("/healthz").get_json()
    assert body["initiatives"] == {"published": 0, "total": 0, "by_status": {}}


@pytest.mark.parametrize("role", [None, "contributor", "moderator"])
def test_healthz_tells_everyone_else_liveness_and_database_only(client, themes, role):
    make_initiative("En attente", status="pending")
    make_initiative("Refusée", status="rejected", reason="spam")
    if role:
        sign_in(client, role)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"status": "ok", "database": {"ok": True, "dialect": db.engine.dialect.name}}
    assert "pending" not in response.get_data(as_text=True)


def test_home_page_serves_the_map_and_the_list_names_the_seeded_initiatives(client, seeded):
    home = client.get("/")
    assert home.status_code == 200
    assert '<html lang="fr"' in home.get_data(as_text=True)
    listing = client.get("/initiatives?q=cluny")
    assert listing.status_code == 200
    assert "Cluny" in listing.get_data(as_text=True)


def test_unknown_api_path_answers_json_error(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_page_answers_html_error(client):
    response = client.get("/nothing-here", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "404" in response.get_data(as_text=True)


def test_unexpected_error_answers_500_without_details(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"
    assert "secret internals" not in response.get_data(as_text=True)


def test_ids_beyond_the_database_integer_range_are_not_found(client):
    response = client.get("/api/v1/initiatives/3204427728659781")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
