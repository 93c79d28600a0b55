"""Federation: reading another Maillage, really served on loopback, through its API's pages;
and refusing what a lying server sends."""

from datetime import UTC, datetime
from urllib.parse import urlencode

import orjson
import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.harvest.federation import collection_url, read_maillage
from app.harvest.fetch import FetchError
from app.initiatives.services import update_initiative
from app.models import Initiative
from tests.factories import CLUNY, make_initiative

API = "/api/v1/initiatives"


def names(pull) -> list[str]:
    return sorted(feature["properties"]["name"] for feature in pull.features)


def refusal(base_url: str, **options) -> str:
    with pytest.raises(FetchError) as caught:
        read_maillage(base_url, allow_private=True, **options)
    return str(caught.value)


def test_every_published_initiative_is_read(app, maillage_peer):
    pull = read_maillage(maillage_peer.url, allow_private=True)
    assert names(pull) == sorted(maillage_peer.names)
    assert (pull.complete, pull.pages) == (True, 1)
    feature = pull.features[0]
    assert isinstance(feature["id"], int) and feature["geometry"]["type"] == "Point"
    assert feature["properties"]["url"].startswith(maillage_peer.url + "/initiatives/")


def test_pages_are_followed_by_next_cursor(app, maillage_peer):
    pull = read_maillage(maillage_peer.url, allow_private=True, page_size=2)
    assert names(pull) == sorted(maillage_peer.names)
    assert pull.pages == 3
    assert len({feature["id"] for feature in pull.features}) == 5


def test_since_asks_only_the_initiatives_updated_after(app, maillage_peer):
    since = datetime.now(UTC)
    with maillage_peer.app.app_context():
        make_initiative("Café numérique de Tournus", status="published", insee="71543")
        with write_transaction():
            changed = db.session.scalar(sa.select(Initiative).where(
                Initiative.name == "Fab lab de Bordeaux"))
            update_initiative(changed, {"summary": "Ouvert le samedi."}, author=None)
    pull = read_maillage(maillage_peer.url, since=since, allow_private=True, page_size=1)
    assert names(pull) == ["Café numérique de Tournus", "Fab lab de Bordeaux"]
    assert (pull.complete, pull.pages) == (False, 2)


def test_pending_initiatives_of_the_peer_are_not_read(app, maillage_peer):
    with maillage_peer.app.app_context():
        make_initiative("Proposition en attente", status="pending", insee=CLUNY)
    assert "Proposition en attente" not in names(
        read_maillage(maillage_peer.url, allow_private=True))


@pytest.mark.parametrize("suffix", ["/", API, API + "/", API + "?limit=3"])
def test_root_or_collection_url_are_both_understood(app, maillage_peer, suffix):
    pull = read_maillage(maillage_peer.url + suffix, allow_private=True)
    assert names(pull) == sorted(maillage_peer.names)


def test_instance_served_under_a_path_keeps_it():
    assert collection_url("https://example.org/maillage/") == (
        "https://example.org/maillage/api/v1/initiatives")


def test_peer_on_loopback_is_refused_without_allow_private(app, maillage_peer):
    with pytest.raises(FetchError, match="qui est privée, locale ou réservée"):
        read_maillage(maillage_peer.url)


def test_more_features_than_allowed_stop_the_pull(app, maillage_peer):
    app.config["HARVEST_MAX_FEATURES"] = 4
    assert "plus de 4 entrées (réglage HARVEST_MAX_FEATURES)" in refusal(maillage_peer.url)


def test_more_pages_than_allowed_stop_the_pull(app, maillage_peer):
    app.config["HARVEST_MAX_PAGES"] = 2
    assert "plus de 2 pages (réglage HARVEST_MAX_PAGES)" in refusal(
        maillage_peer.url, page_size=2)


def test_a_site_that_is_not_a_maillage_is_named_so(app, harvest_server):
    assert "introuvable (HTTP 404)" in refusal(harvest_server.url("/"))
    harvest_server.put(API, b"<html>Bienvenue</html>", "text/html")
    assert "n'a pas renvoyé une collection GeoJSON" in refusal(harvest_server.url("/"))


def page(features: list, next_cursor: str | None = None) -> bytes:
    return orjson.dumps({"type": "FeatureCollection", "features": features,
                         "next_cursor": next_cursor})


def feature(identifier) -> dict:
    return {"type": "Feature", "id": identifier, "geometry": None, "properties": {}}


def at(cursor: str | None = None) -> str:
    """The path of a page as read_maillage asks for it."""
    query = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
    return f"{API}?{urlencode(query)}"


@pytest.mark.parametrize("body", [
    orjson.dumps({"type": "Feature", "geometry": None, "properties": {}}),
    orjson.dumps({"type": "FeatureCollection", "features": {"1": {}}}),
    orjson.dumps([feature(1)]), b"{not json",
])
def test_a_page_that_is_not_a_feature_collection_is_refused(app, harvest_server, body):
    harvest_server.put(at(), body, "application/geo+json")
    assert "n'a pas renvoyé une collection GeoJSON" in refusal(harvest_server.url("/"))


@pytest.mark.parametrize("bad", [
    {"type": "Feature", "properties": {}}, feature(None), feature(""), feature(True),
    feature([1]), "feature",
])
def test_a_feature_without_an_id_is_refused(app, harvest_server, bad):
    harvest_server.put(at(), page([feature(1), bad]), "application/geo+json")
    assert "une entrée sans identifiant" in refusal(harvest_server.url("/"))


def test_string_and_integer_ids_are_accepted(app, harvest_server):
    harvest_server.put(at(), page([feature(1), feature("lieu-2")]), "application/geo+json")
    pull = read_maillage(harvest_server.url("/"), allow_private=True)
    assert [f["id"] for f in pull.features] == [1, "lieu-2"]


def test_a_cursor_loop_is_refused(app, harvest_server):
    harvest_server.put(at(), page([feature(1)], "Y3ljbGU"), "application/geo+json")
    harvest_server.put(at("Y3ljbGU"), page([], "Y3ljbGU"), "application/geo+json")
    assert "déjà lue (curseur répété)" in refusal(harvest_server.url("/"))
    assert len(harvest_server.seen) == 2


def test_the_same_feature_twice_is_refused(app, harvest_server):
    harvest_server.put(at(), page([feature(1)], "Mg"), "application/geo+json")
    harvest_server.put(at("Mg"), page([feature(1)]), "application/geo+json")
    assert "deux fois l'entrée 1" in refusal(harvest_server.url("/"))


def test_an_invalid_cursor_is_refused(app, harvest_server):
    harvest_server.put(at(), page([feature(1)], {"after": 1}), "application/geo+json")
    assert "curseur de page invalide" in refusal(harvest_server.url("/"))


def test_endless_pages_stop_at_the_page_cap(app, harvest_server):
    app.config["HARVEST_MAX_PAGES"] = 5
    harvest_server.put(at(), page([], "c1"), "application/geo+json")
    for number in range(1, 10):
        harvest_server.put(at(f"c{number}"), page([], f"c{number + 1}"), "application/geo+json")
    assert "plus de 5 pages" in refusal(harvest_server.url("/"))
    assert len(harvest_server.seen) == 5


def test_a_page_over_the_size_cap_is_refused(app, harvest_server):
    app.config["HARVEST_MAX_BYTES"] = 100
    harvest_server.put(at(), page([feature(n) for n in range(20)]), "application/geo+json")
    assert "dépasse 100 octets" in refusal(harvest_server.url("/"))
