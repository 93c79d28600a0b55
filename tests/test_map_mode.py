"""Which data a map loads: every point up to MAP_CLIENT_POINTS_MAX, the server's tiles past it."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from tests.conftest import make_app
from tests.page_parsers import map_config_of

pytestmark = pytest.mark.usefixtures("app")
TILES_SCRIPT = "/static/js/map-tiles.js"


def site_with_threshold(app, threshold: int):
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"],
                    MAP_CLIENT_POINTS_MAX=threshold).test_client()


def published(*conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        Initiative.status == "published", *conditions))


def test_a_small_collection_ships_its_points_to_the_browser(client, seeded):
    html = client.get("/").get_data(as_text=True)
    config = map_config_of(html)
    assert config["pointsUrl"] == "/api/v1/map/points" and "tilesUrl" not in config
    assert TILES_SCRIPT not in html


def test_past_the_threshold_the_map_asks_for_tiles_with_the_page_filters(app, seeded):
    html = site_with_threshold(app, 0).get("/?kind=initiative&departement=71").get_data(
        as_text=True)
    config = map_config_of(html)
    assert config["tilesUrl"] == \
        "/api/v1/map/tiles/{z}/{x}/{y}.json?kind=initiative&departement=71"
    assert "pointsUrl" not in config
    assert TILES_SCRIPT in html
    assert 'as="fetch"' not in html  # no preload of every point


def test_the_threshold_counts_the_results_of_the_filters(app, seeded):
    places = published(Initiative.kind == "place")
    assert 0 < places < published()
    site = site_with_threshold(app, places)
    assert "pointsUrl" in map_config_of(site.get("/?kind=place").get_data(as_text=True))
    assert "tilesUrl" in map_config_of(site.get("/").get_data(as_text=True))


@pytest.mark.parametrize("path", ["/embed", "/territoires/71", "/territoires/region/27"])
def test_every_map_of_the_initiatives_follows_the_threshold(app, seeded, path):
    small = map_config_of(app.test_client().get(path).get_data(as_text=True))
    large = map_config_of(site_with_threshold(app, 0).get(path).get_data(as_text=True))
    assert "pointsUrl" in small and "tilesUrl" not in small
    assert large["tilesUrl"].startswith("/api/v1/map/tiles/{z}/{x}/{y}.json")
