"""Actors in the API, the `actor` filter across list, API, exports and feed, and the lead
actor's identifiers in the exports."""

import csv
import io

import pytest

from app.database import write_transaction
from app.extensions import db
from app.initiatives.actors import find_or_create_actor
from app.models import Actor
from tests.factories import make_initiative

SIRET = "73282932000074"


@pytest.fixture
def network(app, themes):
    """A lead actor with two initiatives, one where it is a partner, and an unrelated one."""
    led = make_initiative("Repair café", status="published", private_email=None,
                          actor_name="Ville de Cluny", actor_type="commune",
                          actor_identifier=SIRET)
    actor_id = led.lead_actor_id
    make_initiative("Épicerie solidaire", status="published", private_email=None,
                    actor_name="Collectif Épicerie",
                    partners=[{"actor_id": actor_id, "role": "prête la salle"}])
    make_initiative("Jardin en attente", private_email=None, lead_actor_id=actor_id)
    make_initiative("Ailleurs", status="published", private_email=None, actor_name="Autre")
    return actor_id


def names(features: list[dict]) -> list[str]:
    return sorted(feature["properties"]["name"] for feature in features)


def test_actor_filter_keeps_what_it_leads_or_partners_in_api_list_and_exports(client, network):
    expected = ["Repair café", "Épicerie solidaire"]
    api = client.get(f"/api/v1/initiatives?actor={network}").get_json()
    assert names(api["features"]) == sorted(expected)
    geojson = client.get(f"/export/initiatives.geojson?actor={network}").get_json()
    assert names(geojson["features"]) == sorted(expected)
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/export/initiatives.csv?actor={network}").data.decode("utf-8-sig"))))
    assert sorted(row["name"] for row in rows) == sorted(expected)
    page = client.get(f"/initiatives?actor={network}").data.decode()
    assert "Repair café" in page and "Épicerie solidaire" in page and "Ailleurs" not in page
    feed = client.get(f"/initiatives.atom?actor={network}").data.decode()
    assert "Ville de Cluny" in feed and "Ailleurs" not in feed


def test_bad_actor_filter_is_a_400_naming_the_parameter(client, app):
    response = client.get("/api/v1/initiatives?actor=abc")
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "actor"


def test_features_and_csv_carry_the_lead_actor_identifiers_and_partners(client, network):
    features = client.get("/api/v1/initiatives").get_json()["features"]
    by_name = {f["properties"]["name"]: f["properties"] for f in features}
    repair = by_name["Repair café"]
    assert (repair["actor_id"], repair["actor_siren"], repair["actor_siret"],
            repair["actor_rna"]) == (network, SIRET[:9], SIRET, None)
    assert by_name["Épicerie solidaire"]["partners"] == [
        {"actor_id": network, "name": "Ville de Cluny", "role": "prête la salle"}]
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(
        client.get("/export/initiatives.csv").data.decode("utf-8-sig")))}
    assert (rows["Repair café"]["actor_siret"], rows["Repair café"]["actor_siren"]) == \
        (SIRET, SIRET[:9])
    assert rows["Épicerie solidaire"]["partners"] == "Ville de Cluny (prête la salle)"


def test_editing_an_actor_refreshes_the_stored_features(client, network):
    with write_transaction():
        db.session.get(Actor, network).rna = "W711234567"
    feature = client.get("/api/v1/initiatives").get_json()["features"]
    assert {f["properties"]["name"]: f["properties"]["actor_rna"]
            for f in feature}["Repair café"] == "W711234567"


def test_actors_api_searches_filters_and_pages(client, network):
    everyone = client.get("/api/v1/actors").get_json()
    assert sorted(a["name"] for a in everyone["actors"]) == [
        "Autre", "Collectif Épicerie", "Ville de Cluny"]
    found = client.get("/api/v1/actors?q=cluny").get_json()["actors"]
    assert [(a["id"], a["siret"], a["initiative_count"]) for a in found] == [
        (network, SIRET, 2)]
    assert client.get("/api/v1/actors?type=commune").get_json()["actors"][0]["id"] == network
    in_71 = client.get("/api/v1/actors?departement=71").get_json()["actors"]
    assert len(in_71) == 3
    assert client.get("/api/v1/actors?departement=33").get_json()["actors"] == []
    first = client.get("/api/v1/actors?limit=2").get_json()
    assert first["numberReturned"] == 2 and first["next_cursor"]
    second = client.get(f"/api/v1/actors?limit=2&cursor={first['next_cursor']}").get_json()
    assert [a["name"] for a in second["actors"]] == ["Autre"] and second["next_cursor"] is None


def test_actor_detail_lists_its_public_initiatives_and_territories(client, network):
    detail = client.get(f"/api/v1/actors/{network}").get_json()
    assert sorted((i["name"], i["role"]) for i in detail["initiatives"]) == [
        ("Repair café", "lead"), ("Épicerie solidaire", "partner")]
    assert detail["territories"] == {"commune": ["71137"], "departement": ["71"],
                                     "region": ["27"]}
    assert detail["url"].endswith(f"/acteurs/{network}-ville-de-cluny")


def test_pending_and_merged_actors_are_not_public_in_the_api(client, app, themes):
    make_initiative("En attente", private_email=None, actor_name="Collectif discret")
    with write_transaction():
        kept = find_or_create_actor("Gardé", status="published")
        merged = find_or_create_actor("Fusionné", status="published")
        db.session.flush()
        merged.merged_into_id = kept.id
    assert [a["name"] for a in client.get("/api/v1/actors").get_json()["actors"]] == ["Gardé"]
    pending = db.session.scalar(db.select(Actor.id).where(Actor.name == "Collectif discret"))
    assert client.get(f"/api/v1/actors/{pending}").status_code == 404
    response = client.get(f"/api/v1/actors/{merged.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/api/v1/actors/{kept.id}")
