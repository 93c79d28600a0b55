"""The `scope` filter: local points or whole territories, on every view of the filters."""

import csv
import io

import orjson

from tests.page_parsers import map_config_of
from tests.test_scope_api import by_name, mixed  # noqa: F401 (a fixture)


def api_names(client, query: str) -> set[str]:
    return set(by_name(client.get(f"/api/v1/initiatives?{query}").get_json()))


def test_the_api_keeps_the_scopes_asked_for(client, mixed):  # noqa: F811
    assert api_names(client, "scope=local") == {"Repair café"}
    both = {"Réseau des Côtes-d'Armor", "Solidarité numérique"}
    assert api_names(client, "scope=departemental&scope=national") == both
    assert api_names(client, "scope=departemental,national") == both
    assert api_names(client, "scope=regional") == set()


def test_an_unknown_scope_is_a_clear_400_everywhere(client, mixed):  # noqa: F811
    error = client.get("/api/v1/initiatives?scope=planetary")
    assert error.status_code == 400
    message = error.get_json()["error"]["message"]
    assert "scope" in message and "planetary" in message and "departemental" in message
    for url in ("/initiatives?scope=planetary", "/export/initiatives.csv?scope=planetary",
                "/initiatives.atom?scope=planetary", "/embed?scope=planetary"):
        assert client.get(url).status_code == 400, url


def test_the_openapi_document_lists_the_scopes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    params = document["paths"]["/initiatives"]["get"]["parameters"]
    scope = next(param for param in params if param.get("name") == "scope")
    assert scope["schema"]["items"]["enum"] == [
        "local", "intercommunal", "departemental", "regional", "national"]


def test_the_list_offers_scope_checkboxes_that_work_without_script(client, mixed):  # noqa: F811
    page = client.get("/initiatives?scope=national").get_data(True)
    assert "<legend>Portée</legend>" in page
    assert 'name="scope" value="national" checked' in page
    assert 'name="scope" value="local">' in page
    assert "Solidarité numérique" in page and "Repair café" not in page
    # The export links and the map of the same filters keep the scope.
    assert "/export/initiatives.csv?scope=national" in page


def test_the_map_and_the_embed_ask_for_the_chosen_scope(client, mixed):  # noqa: F811
    for url in ("/?scope=local", "/embed?scope=local"):
        config = map_config_of(client.get(url).get_data(True))
        assert "scope=local" in config["pointsUrl"], url


def test_links_keep_the_life_and_freshness_filters_too(client, mixed):  # noqa: F811
    page = client.get("/initiatives?life=ended&freshness=stale").get_data(True)
    assert "/export/initiatives.csv?life=ended&amp;freshness=stale" in page


def test_exports_and_feeds_honour_the_scope(client, mixed):  # noqa: F811
    rows = list(csv.DictReader(io.StringIO(
        client.get("/export/initiatives.csv?scope=departemental").get_data(True))))
    assert [row["name"] for row in rows] == ["Réseau des Côtes-d'Armor"]
    collection = orjson.loads(client.get("/export/initiatives.geojson?scope=local").data)
    assert [f["properties"]["name"] for f in collection["features"]] == ["Repair café"]
    feed = client.get("/initiatives.atom?scope=national").get_data(True)
    assert "Nationale" in feed and "Solidarité numérique" in feed and "Repair café" not in feed


def test_the_export_command_takes_a_scope(runner, mixed, tmp_path):  # noqa: F811
    out = tmp_path / "out.geojson"
    result = runner.invoke(args=["export", "--format", "geojson", "-o", str(out),
                                 "--scope", "national", "--scope", "departemental"])
    assert result.exit_code == 0, result.output
    names = {f["properties"]["name"] for f in orjson.loads(out.read_bytes())["features"]}
    assert names == {"Réseau des Côtes-d'Armor", "Solidarité numérique"}
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(out), "--scope", "x"])
    assert result.exit_code != 0 and "--scope" in result.output
