"""An initiative's dossiers in its public feature (API, GeoJSON) and in the flat exports."""

import csv
import io

import geopandas
import orjson

from app.database import write_transaction
from app.extensions import db
from app.initiatives.dossiers import delete_dossier, dossier_by_slug, save_dossier
from tests.test_dossiers import make_dossier, trio  # noqa: F401 (a fixture)


def api_dossiers(client, initiative) -> list[str]:
    return client.get(f"/api/v1/initiatives/{initiative.id}").get_json()[
        "properties"]["dossiers"]


def collection_dossiers(client, url: str) -> dict[str, list[str]]:
    features = orjson.loads(client.get(url).data)["features"]
    return {f["properties"]["name"]: f["properties"]["dossiers"] for f in features}


def change_dossier(current_slug: str, **values) -> None:
    with write_transaction():
        dossier = dossier_by_slug(current_slug)
        current = {"slug": dossier.slug, "title": dossier.title,
                   "initiatives": [entry.initiative_id for entry in dossier.entries]}
        save_dossier(dossier, {**current, **values}, None)


def test_the_api_and_geojson_give_each_initiative_its_dossiers(client, trio):  # noqa: F811
    first, second, third, _dossier = trio
    make_dossier(first, slug="alimentation", title="Alimentation", position=-1)
    assert api_dossiers(client, first) == ["alimentation", "solidarites"]
    assert api_dossiers(client, second) == []
    expected = {"Épicerie solidaire": ["alimentation", "solidarites"], "Jardin partagé": [],
                "Réseau d'entraide": ["solidarites"]}
    assert collection_dossiers(client, "/api/v1/initiatives") == expected
    # The GeoJSON export is flat for uMap: its lists are joined, as its themes are.
    assert collection_dossiers(client, "/export/initiatives.geojson") == {
        name: ", ".join(slugs) for name, slugs in expected.items()}


def test_the_dossiers_follow_renames_removals_and_deletions(client, trio):  # noqa: F811
    first, second, third, _dossier = trio
    change_dossier("solidarites", slug="entraides", initiatives=[third.id, second.id])
    assert api_dossiers(client, first) == []
    assert api_dossiers(client, second) == ["entraides"]
    assert api_dossiers(client, third) == ["entraides"]
    with write_transaction():
        delete_dossier(dossier_by_slug("entraides"), None)
    db.session.expire_all()
    assert collection_dossiers(client, "/api/v1/initiatives") == {
        "Épicerie solidaire": [], "Jardin partagé": [], "Réseau d'entraide": []}


def test_csv_and_geopackage_have_a_dossiers_column(client, trio, tmp_path):  # noqa: F811
    first = trio[0]
    make_dossier(first, slug="alimentation", title="Alimentation", position=-1)
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(
        client.get("/export/initiatives.csv").get_data(True).lstrip("\ufeff")))}
    assert rows["Épicerie solidaire"]["dossiers"] == "alimentation, solidarites"
    assert rows["Jardin partagé"]["dossiers"] == ""
    path = tmp_path / "export.gpkg"
    path.write_bytes(client.get("/export/initiatives.gpkg").data)
    frame = geopandas.read_file(path, layer="initiatives")
    dossiers = dict(zip(frame["name"], frame["dossiers"].fillna(""), strict=True))
    assert dossiers["Épicerie solidaire"] == "alimentation, solidarites"
    assert dossiers["Réseau d'entraide"] == "solidarites"
