"""One slug and one path for an initiative's page: the pages, their redirect and the API."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.initiatives.paths import initiative_path, slugify
from app.models import Initiative
from app.web.urls import page_url

BEFORE_CANONICAL_URLS = "d9a4f7c2e6b1"


def api_urls(client) -> dict[int, str]:
    """Every public initiative's `url` in the API's collection, by id."""
    body = client.get("/api/v1/initiatives?limit=10000").get_json()
    assert "next" not in {link["rel"] for link in body["links"]}
    return {feature["id"]: feature["properties"]["url"] for feature in body["features"]}


def test_every_seeded_initiative_api_url_answers_its_page(client, seeded):
    urls = api_urls(client)
    assert len(urls) == seeded.created
    for initiative_id, url in urls.items():
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, (initiative_id, url, response.location)
        single = client.get(f"/api/v1/initiatives/{initiative_id}").get_json()
        assert single["properties"]["url"] == url


def test_pages_link_the_path_the_api_gives(app, seeded):
    initiatives = db.session.scalars(sa.select(Initiative)).all()
    with app.test_request_context("/"):
        for initiative in initiatives:
            assert page_url(initiative) == initiative_path(initiative.id, initiative.name)


def test_a_slug_keeps_whole_words_within_80_characters():
    name = ("Assouplissement des délais du Fonds d'aide aux jeunes et du Fonds de solidarité "
            "logement")
    assert slugify(name) == ("assouplissement-des-delais-du-fonds-d-aide-aux-jeunes-et-du-fonds-"
                             "de-solidarite")
    assert slugify("L’Haÿ-les-Roses : « Œuvre »") == "l-hay-les-roses-oeuvre"
    assert initiative_path(7, "???") == "/initiatives/7-initiative"


def test_migration_rewrites_stored_features_with_another_url(app, client, seeded_points):
    initiative_id = db.session.scalar(sa.select(sa.func.min(Initiative.id)))
    name = db.session.get(Initiative, initiative_id).name
    path = initiative_path(initiative_id, name).encode()
    db.session.remove()
    with db.engine.begin() as connection:  # as stored by the API's former slug
        feature = connection.scalar(sa.text(
            "SELECT public_feature FROM initiatives WHERE id = :id"), {"id": initiative_id})
        connection.execute(sa.text("UPDATE initiatives SET public_feature = :feature "
                                   "WHERE id = :id"), {
            "id": initiative_id,
            "feature": bytes(feature).replace(path, f"/initiatives/{initiative_id}-x".encode())})
    downgrade(revision=BEFORE_CANONICAL_URLS)
    upgrade()
    db.engine.dispose()
    assert api_urls(client)[initiative_id].endswith(path.decode())
