"""Whole-territory entries in the exports and imports (issue 15.3)."""

import csv
import io

import orjson
import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from tests.test_import import commit, plan
from tests.test_scope_api import mixed  # noqa: F401 (a fixture)


def test_csv_has_the_scope_and_territory_and_no_coordinates(client, mixed):  # noqa: F811
    text = client.get("/export/initiatives.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(text))}
    national = rows["Solidarité numérique"]
    assert (national["scope"], national["territory"], national["lon"], national["lat"]) == (
        "national", "FR", "", "")
    departemental = rows["Réseau des Côtes-d'Armor"]
    assert (departemental["scope"], departemental["territory"],
            departemental["territory_name"]) == ("departemental", "22", "Côtes-d'Armor")
    assert rows["Repair café"]["scope"] == "local" and rows["Repair café"]["lon"]


def test_geojson_export_gives_whole_territories_a_null_geometry(client, mixed):  # noqa: F811
    body = orjson.loads(client.get("/export/initiatives.geojson").get_data())
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert by_name["Solidarité numérique"]["geometry"] is None
    assert by_name["Solidarité numérique"]["properties"]["scope"] == "national"


def test_umap_puts_whole_territories_in_their_own_layer_at_their_centre(client,
                                                                       mixed):  # noqa: F811
    document = orjson.loads(client.get("/export/initiatives.umap").get_data())
    layers = {layer["_umap_options"]["name"]: layer for layer in document["layers"]}
    territories = layers["Dans tout le territoire (repère au centre du territoire, pas un lieu)"]
    features = {f["properties"]["name"]: f for f in territories["features"]}
    assert set(features) == {"Solidarité numérique", "Réseau des Côtes-d'Armor"}
    lon, lat = features["Réseau des Côtes-d'Armor"]["geometry"]["coordinates"]
    assert -3.7 < lon < -1.9 and 48.0 < lat < 48.9  # inside the Côtes-d'Armor
    assert features["Réseau des Côtes-d'Armor"]["properties"]["description"].startswith(
        "Couvre tout un territoire : Côtes-d'Armor (département). Le point n'est qu'un repère")
    others = [f["properties"]["name"] for name, layer in layers.items()
              if name != "Dans tout le territoire (repère au centre du territoire, pas un lieu)"
              for f in layer["features"]]
    assert others == ["Repair café"]


def test_geopackage_keeps_whole_territories_as_rows_without_geometry(
        client, mixed, tmp_path):  # noqa: F811
    import geopandas

    path = tmp_path / "export.gpkg"
    path.write_bytes(client.get("/export/initiatives.gpkg").get_data())
    frame = geopandas.read_file(path, layer="initiatives")
    national = frame[frame["name"] == "Solidarité numérique"].iloc[0]
    assert national["scope"] == "national" and national.geometry is None
    assert frame[frame["name"] == "Repair café"].iloc[0].geometry.geom_type == "Point"


def test_a_csv_import_takes_scope_and_territory_without_a_point(themes):
    data = ("nom;portée;territoire;commune\n"
            "Réseau breton;régionale;53;\n"
            "Aide nationale;nationale;FR;\n"
            "Atelier de Cluny;;;Cluny\n"
            "Réseau perdu;départementale;99;\n")
    report = plan(data)
    assert [row.action for row in report.rows] == ["create", "create", "create", "error"]
    assert "Département inconnu : 99" in " ".join(report.rows[3].reasons)
    commit(data)
    rows = dict(db.session.execute(sa.select(Initiative.name, Initiative.scope)).all())
    assert rows == {"Réseau breton": "regional", "Aide nationale": "national",
                    "Atelier de Cluny": "local"}


def test_our_csv_export_imports_back_with_its_scopes(client, mixed):  # noqa: F811
    text = client.get("/export/initiatives.csv").get_data(as_text=True)
    db.session.execute(sa.delete(Initiative))
    db.session.commit()
    commit(text, "export.csv")
    scopes = dict(db.session.execute(sa.select(Initiative.name, Initiative.scope)).all())
    assert scopes == {"Repair café": "local", "Réseau des Côtes-d'Armor": "departemental",
                      "Solidarité numérique": "national"}
