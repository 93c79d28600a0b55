"""Whole-territory entries in the API: null geometry (RFC 7946), scope and territory codes."""

import orjson
import pytest

from app.extensions import db
from app.initiatives.stored_features import feature_of
from tests.factories import make_initiative
from tests.test_api_openapi import validator_for
from tests.test_scope_model import territory_entry


@pytest.fixture
def mixed(app):
    """A local entry in Cluny, a départemental one in Côtes-d'Armor and a national one."""
    local = make_initiative("Repair café", status="published", themes=None)
    departemental = territory_entry("departemental", "22", name="Réseau des Côtes-d'Armor")
    national = territory_entry("national", "FR", name="Solidarité numérique")
    db.session.commit()
    return local, departemental, national


def by_name(body: dict) -> dict:
    return {feature["properties"]["name"]: feature for feature in body["features"]}


def test_whole_territories_have_a_null_geometry_and_their_codes(client, mixed):
    features = by_name(client.get("/api/v1/initiatives").get_json())
    national, departemental = features["Solidarité numérique"], features[
        "Réseau des Côtes-d'Armor"]
    assert national["geometry"] is None and departemental["geometry"] is None
    assert {key: national["properties"][key] for key in
            ("scope", "territory", "territory_name", "insee", "departement", "region")} == {
        "scope": "national", "territory": "FR", "territory_name": "France", "insee": None,
        "departement": None, "region": None}
    assert {key: departemental["properties"][key] for key in
            ("scope", "territory", "territory_name", "departement", "region")} == {
        "scope": "departemental", "territory": "22", "territory_name": "Côtes-d'Armor",
        "departement": "22", "region": "53"}
    local = features["Repair café"]
    assert local["geometry"]["type"] == "Point"
    assert local["properties"]["scope"] == "local" and local["properties"]["territory"] is None


def test_the_document_describes_null_geometries(client, mixed):
    document = client.get("/api/v1/openapi.json").get_json()
    for url, path in (("/api/v1/initiatives", "/initiatives"),
                      (f"/api/v1/initiatives/{mixed[2].id}", "/initiatives/{id}")):
        response = client.get(url)
        errors = list(validator_for(document, path, 200, response.mimetype)
                      .iter_errors(response.get_json()))
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_a_departement_filter_finds_its_own_entries_and_a_bbox_only_points(client, mixed):
    names = set(by_name(client.get("/api/v1/initiatives?departement=22").get_json()))
    assert names == {"Réseau des Côtes-d'Armor"}
    names = set(by_name(client.get("/api/v1/initiatives?bbox=-6,41,10,52").get_json()))
    assert names == {"Repair café"}


def test_the_map_points_leave_whole_territories_out(client, mixed):
    points = client.get("/api/v1/map/points").get_json()
    assert points["id"] == [mixed[0].id] and points["count"] == 1
    popup = client.get(f"/api/v1/map/points/{mixed[2].id}").get_json()
    assert popup["geometry"] is None


def test_the_stored_feature_of_a_whole_territory_has_a_null_geometry(app, mixed):
    body, _updated, _linked = feature_of(mixed[2].id)
    feature = orjson.loads(body)
    assert feature["geometry"] is None and feature["properties"]["scope"] == "national"
