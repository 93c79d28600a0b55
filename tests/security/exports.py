"""Every export format carries stored text as data: valid JSON, the same names, and no
spreadsheet cell that would run as a formula."""

import csv
import io
import json
import tempfile
from pathlib import Path

from app.exchange.csv_format import FORMULA_TRIGGERS
from tests.security.payloads import short_id


def exports_are_inert(client, names: set[str]) -> None:
    """Every export holds the names as they are, and no cell a spreadsheet would run."""
    geojson = client.get("/export/initiatives.geojson").get_json()
    assert {f["properties"]["name"] for f in geojson["features"]} == names
    umap = json.loads(client.get("/export/initiatives.umap").data)
    assert {f["properties"]["name"] for layer in umap["layers"] for f in layer["features"]} \
        == names
    for path in ("/api/v1/initiatives", "/api/v1/map/points"):
        assert client.get(path).status_code == 200
    rows = list(csv.reader(io.StringIO(client.get("/export/initiatives.csv").data
                                       .decode("utf-8-sig"), newline="")))
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(FORMULA_TRIGGERS), short_id(value)
    assert gpkg_names(client.get("/export/initiatives.gpkg").data) == names


def gpkg_names(data: bytes) -> set[str]:
    import pyogrio

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        path.write_bytes(data)
        return set(pyogrio.read_dataframe(path)["name"])
