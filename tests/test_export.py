"""Exports: GeoJSON for uMap, the uMap map file, CSV for spreadsheets, GeoPackage for QGIS."""

import csv
import io
import itertools
import math
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.exchange.csv_format import neutralise, unneutralise
from app.extensions import db
from tests.factories import make_initiative

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+1+1", "\t=1", "-2+3", "@SUM(A1)",
           "\r=1", "'=déjà protégé"]


def export(client, fmt: str, query: str = "") -> bytes:
    response = client.get(f"/export/initiatives.{fmt}{query}")
    assert response.status_code == 200, response.data[:300]
    assert f'filename="initiatives.{fmt}"' in response.headers["Content-Disposition"]
    return response.data


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: spreadsheets detect it
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_geojson_export_is_rfc7946_with_lon_lat_order(client, seeded):
    collection = orjson.loads(export(client, "geojson"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert len(collection["features"]) == seeded.created
    cluny = next(f for f in collection["features"] if f["properties"]["insee"] == "71137")
    lon, lat = cluny["geometry"]["coordinates"]
    assert cluny["geometry"]["type"] == "Point"
    assert 4.6 < lon < 4.7 and 46.4 < lat < 46.5
    # A whole territory has no point: RFC 7946 says so with a null geometry, never a made-up
    # one; the local entries are points, lon first, to six decimals at most.
    points = [f for f in collection["features"] if f["properties"]["scope"] == "local"]
    territories = [f for f in collection["features"] if f["properties"]["scope"] != "local"]
    assert points and territories
    assert all(f["geometry"] is None and f["properties"]["territory"] for f in territories)
    for feature in points:
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -6 < lon < 10 and 41 < lat < 52  # metropolitan France, lon first
        assert all(len(repr(v).split(".")[-1]) <= 6 for v in feature["geometry"]["coordinates"])


def test_geojson_export_is_flat_for_umap(client, seeded):
    feature = orjson.loads(export(client, "geojson"))["features"][0]
    properties = feature["properties"]
    assert properties["uid"] == feature["id"]
    assert {"name", "description", "uid", "url", "theme", "kind_label"} <= properties.keys()
    options = properties.pop("_umap_options")
    assert set(options) == {"color"} and options["color"].startswith("#")
    for key, value in properties.items():
        assert "." not in key and not isinstance(value, dict | list), key
    assert isinstance(properties["themes"], str)


def test_exports_honour_the_map_filters(client, seeded):
    rennes = orjson.loads(export(client, "geojson", "?commune=35238"))["features"]
    assert rennes and {f["properties"]["commune"] for f in rennes} == {"Rennes"}
    rows = read_csv(export(client, "csv", "?departement=71"))
    assert {row["departement"] for row in rows} == {"71"}
    response = client.get("/export/initiatives.csv?theme=no-such-theme")
    assert response.status_code == 400


def test_unknown_format_is_404(client, app):
    assert client.get("/export/initiatives.shp").status_code == 404


def test_export_leaves_out_unpublished_and_private(client, app):
    make_initiative("Publiée", private_email="secret@example.org", kind="place", status="published",
                    themes=None)
    make_initiative("En attente", status="pending", kind="place", private_email=None, themes=None)
    for fmt in ("geojson", "umap", "csv", "gpkg"):
        data = export(client, fmt)
        assert b"secret@example.org" not in data and b"En attente" not in data
        assert "Publiée".encode() in data


def test_umap_file_is_a_ready_map_with_one_layer_per_theme(client, seeded):
    from app.exchange.umap import TERRITORY_LAYER
    from app.models import Initiative, Theme

    document = orjson.loads(export(client, "umap"))
    assert document["type"] == "umap"
    properties = document["properties"]
    assert properties["slugKey"] == "uid" and properties["labelKey"] == "name"
    assert "kind_label" in properties["facetKey"] and "departement" in properties["facetKey"]
    lon, lat = document["geometry"]["coordinates"]
    assert -5 < lon < 10 and 41 < lat < 52  # centred on France, lon first
    names = [layer["_umap_options"]["name"] for layer in document["layers"]]
    assert len(names) == len(set(names))
    # The theme layers in the taxonomy's order, then the whole territories in a layer of
    # their own (uMap needs a point: each sits at its territory's centre, and says so).
    assert names[-1] == TERRITORY_LAYER
    position = {theme.label_fr: theme.position for theme in db.session.scalars(sa.select(Theme))}
    assert names[:-1] == sorted(names[:-1], key=lambda name: position.get(name, math.inf))
    for layer in document["layers"]:
        options = layer["_umap_options"]
        assert layer["type"] == "FeatureCollection" and layer["properties"] == options
        assert options["type"] == "Cluster" and options["color"].startswith("#")
        assert options["labelKey"] == "name"
        assert {f["fieldKey"] for f in options["filters"]} == {"kind_label", "theme",
                                                                "departement"}
        assert {"kind_label", "theme", "departement"} <= {f["key"] for f in options["fields"]}
        assert all(f["geometry"]["type"] == "Point" for f in layer["features"])
        if options["name"] != TERRITORY_LAYER:
            assert {f["properties"]["theme"] for f in layer["features"]} == {options["name"]}
            assert {f["properties"]["scope"] for f in layer["features"]} == {"local"}
    territories = document["layers"][-1]["features"]
    assert {f["properties"]["scope"] for f in territories} <= {
        "intercommunal", "departemental", "regional", "national"}
    assert all(f["properties"]["description"].startswith("Couvre tout un territoire")
               for f in territories)
    unplaced = db.session.scalar(sa.select(sa.func.count()).select_from(Initiative).where(
        Initiative.lon.is_(None)))
    assert len(territories) == unplaced > 0
    assert sum(len(layer["features"]) for layer in document["layers"]) == seeded.created


def test_umap_file_reads_back_like_the_umap_fixtures(client, seeded):
    """Our .umap goes through our own reader of uMap files: every layer, every feature."""
    from app.exchange.sources import parse_source

    source = parse_source(export(client, "umap"), "initiatives.umap", 10**8)
    assert source.format == "umap" and len(source.rows) == seeded.created
    assert all(row.geometry["type"] == "Point" for row in source.rows)


def test_csv_has_a_header_lon_lat_and_joined_themes(client, seeded):
    rows = read_csv(export(client, "csv"))
    assert len(rows) == seeded.created
    cluny = next(row for row in rows if row["insee"] == "71137")
    assert 4.6 < float(cluny["lon"]) < 4.7 and 46.4 < float(cluny["lat"]) < 46.5
    assert "," not in cluny["themes"] or ", " in cluny["themes"]
    assert cluny["url"].startswith("http://localhost/initiatives/")


def test_csv_neutralises_formulas_but_keeps_numbers(client, app):
    for index, value in enumerate(HOSTILE):
        make_initiative(f"Piège {index}", summary=value, actor_name=value, lon=-1.553621,
                        lat=47.218371, kind="place", status="published", private_email=None,
                        themes=None)  # Nantes: a negative longitude
    rows = read_csv(export(client, "csv"))
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for column, cell in row.items():
            if column in ("lon", "lat", "uid"):
                float(cell)
            else:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\0")), (column, cell)
    assert rows[0]["lon"] == "-1.553621"
    # Stored text is stripped ("\t=1" is kept as "=1"), then neutralised.
    assert {row["summary"] for row in rows} == {"'" + v.strip() for v in HOSTILE}


@pytest.mark.parametrize("value", ["=1", "+1+1", "-1", "@x", "\t=1", "\r=1", "\0x"])
def test_every_formula_trigger_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [*HOSTILE, "plain", "", "'", "''x", "=", "l'=x"])
def test_neutralise_round_trips(value):
    assert unneutralise(neutralise(value)) == value


def test_gpkg_opens_in_geopandas_with_typed_columns(client, seeded, tmp_path):
    import geopandas

    path = tmp_path / "initiatives.gpkg"
    path.write_bytes(export(client, "gpkg"))
    frame = geopandas.read_file(path, layer="initiatives")
    assert len(frame) == seeded.created
    assert frame.crs.to_epsg() == 4326
    cluny = frame[frame["insee"] == "71137"].iloc[0]
    assert 4.6 < cluny.geometry.x < 4.7 and 46.4 < cluny.geometry.y < 46.5
    assert frame["uid"].dtype.kind == "i" and frame["research_partnership"].dtype == bool


def test_empty_exports_are_valid_files(client, themes, tmp_path):
    assert orjson.loads(export(client, "geojson"))["features"] == []
    assert orjson.loads(export(client, "umap"))["layers"] == []
    assert read_csv(export(client, "csv")) == []
    (tmp_path / "empty.gpkg").write_bytes(export(client, "gpkg"))


def test_exports_are_cached_with_etag_and_open_to_other_sites(client, seeded):
    first = client.get("/export/initiatives.geojson")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/export/initiatives.geojson",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_open_in_umap_loads_our_live_geojson_as_remote_data(client, app):
    app.config["UMAP_URL"] = "https://umap.example.org"
    response = client.get("/export/umap?departement=71&kind=place&kind=initiative")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == \
        "https://umap.example.org/fr/map/new/"
    query = parse_qs(location.query)
    assert query["dataFormat"] == ["geojson"]
    data_url = urlsplit(query["dataUrl"][0])
    assert data_url.path == "/export/initiatives.geojson"
    assert parse_qs(data_url.query) == {"departement": ["71"],
                                        "kind": ["place", "initiative"]}


def test_open_in_umap_link_is_available_to_templates(app):
    from flask import render_template_string

    with app.test_request_context("/?theme=gestion-de-crise"):
        html = render_template_string(
            '{% from "exchange/macros.html" import open_in_umap_link %}{{ open_in_umap_link() }}')
    assert "umap.openstreetmap.fr/fr/map/new/?dataUrl=" in html
    assert "theme%3Dgestion-de-crise" in html


def test_export_page_lists_every_format(client, seeded):
    page = client.get("/export?departement=71").get_data(as_text=True)
    for fmt in ("geojson", "umap", "csv", "gpkg"):
        assert f"/export/initiatives.{fmt}?departement=71" in page
    assert "Ouvrir dans uMap" in page


def test_export_page_shows_no_server_command_to_the_public(client, seeded):
    page = client.get("/export").get_data(as_text=True)
    assert "flask" not in page and "--format" not in page and "<pre>" not in page
    assert 'href="/api/v1/docs"' in page  # the API is one way among the others


@pytest.mark.parametrize("fmt", ["geojson", "umap", "csv", "gpkg"])
def test_export_command_writes_the_file_with_filters(runner, seeded, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(args=["export", "--format", fmt, "-o", str(out), "--departement",
                                 "35", "--base-url", "https://maillage.example"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if fmt == "geojson":
        features = orjson.loads(out.read_bytes())["features"]
        assert {f["properties"]["departement"] for f in features} == {"35"}
        assert features[0]["properties"]["url"].startswith("https://maillage.example/")


def test_export_command_writes_the_same_bytes_as_the_service(runner, seeded, tmp_path):
    from app.exchange import services
    from app.filters import parse_filters

    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(out),
                                 "--base-url", "https://maillage.example"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == services.export("csv", parse_filters(MultiDict()),
                                               "https://maillage.example")


def test_export_command_cut_short_keeps_the_previous_file(runner, seeded, tmp_path,
                                                           monkeypatch):
    from app.exchange import services

    def failing(*args):
        yield b"first rows,"
        raise RuntimeError("disk went away")

    out = tmp_path / "out.csv"
    out.write_bytes(b"yesterday's export")
    monkeypatch.setattr(services, "export_chunks", failing)
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_bytes() == b"yesterday's export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]


def test_export_command_refuses_a_bad_filter(runner, seeded, tmp_path):
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(tmp_path / "x.csv"),
                                 "--bbox", "1,2"])
    assert result.exit_code != 0 and "bbox" in result.output
    assert not (tmp_path / "x.csv").exists()


MANY = 2500


@pytest.fixture
def many_initiatives(app, themes) -> list[int]:
    """MANY public initiatives, copied in bulk from three made the usual way; their ids."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Initiative
    from app.models.initiative import initiative_themes

    made = [make_initiative("Crise", themes=["gestion-de-crise"], kind="place", status="published",
                            private_email=None),
            make_initiative("Apprendre", themes=["retours-experience"], kind="place",
                            status="published", private_email=None),
            make_initiative("Sans thème", kind="place", status="published", private_email=None,
                            themes=None)]
    make_initiative("En attente", status="pending", kind="place", private_email=None, themes=None)
    table = Initiative.__table__
    with db.engine.begin() as connection:
        rows = [dict(row._mapping) for row in connection.execute(
            sa.select(table).where(table.c.id.in_([i.id for i in made])).order_by(table.c.id))]
        links = connection.execute(sa.select(initiative_themes)).all()
        first = max(row["id"] for row in rows) + 100  # ids of their own, past the pending one
        copies = [{**rows[index % 3], "id": first + index, "name": f"Copie {index}",
                   "public_feature": None} for index in range(MANY - len(made))]
        connection.execute(table.insert(), copies)
        connection.execute(initiative_themes.insert(), [
            {"initiative_id": copy["id"], "theme_id": theme_id}
            for copy, template in zip(copies, itertools.cycle(made), strict=False)
            for initiative_id, theme_id in links if initiative_id == template.id])
        return list(connection.scalars(sa.select(table.c.id).where(
            table.c.status == "published").order_by(table.c.id)))


def export_uids(fmt: str, data: bytes, tmp_path) -> list[int]:
    if fmt == "geojson":
        return [f["properties"]["uid"] for f in orjson.loads(data)["features"]]
    if fmt == "umap":
        return sorted(f["properties"]["uid"] for layer in orjson.loads(data)["layers"]
                      for f in layer["features"])
    if fmt == "csv":
        return [int(row["uid"]) for row in read_csv(data)]
    import geopandas

    (tmp_path / "export.gpkg").write_bytes(data)
    return list(geopandas.read_file(tmp_path / "export.gpkg", layer="initiatives")["uid"])


@pytest.mark.parametrize("fmt", ["geojson", "umap", "csv", "gpkg"])
def test_large_export_is_streamed_in_batches_without_losing_or_repeating_a_row(
        client, many_initiatives, monkeypatch, tmp_path, fmt):
    from app.caching.responses import response_cache
    from app.exchange import gpkg, services

    monkeypatch.setattr(services, "BATCH_ROWS", 300)  # MANY is not a multiple of it
    monkeypatch.setattr(gpkg, "WRITE_BATCHES", 2)  # several appends to the layer
    response = client.get(f"/export/initiatives.{fmt}")
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed
    assert f'filename="initiatives.{fmt}"' in response.headers["Content-Disposition"]
    streamed = response.get_data()
    assert export_uids(fmt, streamed, tmp_path) == many_initiatives
    assert not response_cache().entries  # a streamed body is never held in memory

    monkeypatch.setattr(services, "BATCH_ROWS", 10 * MANY)  # the same file, built whole
    whole = client.get(f"/export/initiatives.{fmt}")
    assert "Content-Length" in whole.headers and whole.headers["ETag"] == response.headers["ETag"]
    if fmt != "gpkg":  # a GeoPackage records the time it was written
        assert whole.get_data() == streamed
    again = client.get(f"/export/initiatives.{fmt}",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_an_export_failing_half_way_is_logged_and_not_ended(app, client, many_initiatives,
                                                            monkeypatch, caplog):
    from app.exchange import geojson_export, services

    real = geojson_export.umap_feature

    def failing(item):
        if item.feature["id"] == many_initiatives[-1]:
            raise RuntimeError("disk full")
        return real(item)

    monkeypatch.setattr(services, "BATCH_ROWS", 300)
    monkeypatch.setattr(geojson_export, "umap_feature", failing)
    # Heard here whatever an earlier test did to the logging set-up.
    monkeypatch.setattr(app.logger, "handlers", [*app.logger.handlers, caplog.handler])
    monkeypatch.setattr(app.logger, "disabled", False)
    response = client.get("/export/initiatives.geojson")
    assert response.status_code == 200 and "Content-Length" not in response.headers
    with pytest.raises(RuntimeError, match="disk full"):
        response.get_data()
    assert "Export geojson cut short" in caplog.text
