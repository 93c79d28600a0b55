"""Phone first (issue 18.3): tel: links on pages and lists, a filter on phones everywhere."""

import csv
import io

import orjson

from tests.factories import make_initiative


def entries():
    with_phone = make_initiative("Espace numérique de Cluny", kind="place", status="published",
                                 private_email=None, phone="03 85 59 12 34")
    without = make_initiative("Jardin partagé", status="published", private_email=None)
    return with_phone, without


def test_list_shows_the_phone_as_a_tel_link(client, themes):
    entries()
    page = client.get("/initiatives").text
    assert '<a href="tel:+33385591234" class="phone">03 85 59 12 34</a>' in page


def test_list_offers_and_applies_the_phone_filter(client, themes):
    with_phone, without = entries()
    assert 'name="telephone" value="1"' in client.get("/initiatives").text
    page = client.get("/initiatives?telephone=1").text
    assert 'id="filter-telephone" name="telephone" value="1" checked' in page
    assert with_phone.name in page and without.name not in page


def test_api_map_points_and_exports_honour_the_phone_filter(client, themes):
    with_phone, _without = entries()
    api = client.get("/api/v1/initiatives?telephone=1").get_json()
    assert [feature["id"] for feature in api["features"]] == [with_phone.id]
    assert len(client.get("/api/v1/initiatives").get_json()["features"]) == 2
    geojson = orjson.loads(client.get("/export/initiatives.geojson?telephone=1").data)
    assert [feature["id"] for feature in geojson["features"]] == [with_phone.id]
    body = client.get("/export/initiatives.csv?telephone=true").data.decode("utf-8-sig")
    assert [row["name"] for row in csv.DictReader(io.StringIO(body))] == [with_phone.name]


def test_openapi_documents_the_phone_filter(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    names = {param["name"] for path in spec["paths"].values() for operation in path.values()
             for param in operation.get("parameters", ())}
    assert "telephone" in names


def test_feed_title_says_it_keeps_those_with_a_phone(client, themes):
    entries()
    feed = client.get("/initiatives.atom?telephone=1").text
    assert "avec un contact téléphonique" in feed
    assert "Jardin partagé" not in feed

