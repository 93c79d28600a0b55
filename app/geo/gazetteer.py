"""Read-only gazetteer of French communes: autocomplete, lookup, reverse geocoding, outlines.

The SQLite file is built by `app/geo/gazetteer_build.py` (`flask --app app geodata build`).
Nothing is opened at import time; `get_gazetteer(path)` opens it once per process.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import shapely

from app.geo.distances import box_around, distance_m, outline_distance_m
from app.geo.outside_gazetteer import outside_epci
from app.text import fold

if TYPE_CHECKING:
    import geopandas

# The articles INSEE puts in front of names, so "havre" finds "Le Havre" as a prefix match.
ARTICLES = ("", "l ", "la ", "le ", "les ", "aux ", "las ", "los ")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MIN_NAME_LENGTH = 2
# Postcode or INSEE code, complete or being typed: "71", "71250", "2A004", "97411".
CODE_QUERY = re.compile(r"[0-9][0-9AB][0-9]{0,3}")
# name_norm holds only [a-z0-9 ], so this character sorts after every continuation of a prefix.
PREFIX_END = "\x7f"

COMMUNE_COLUMNS = """
    c.insee, c.name, c.postcodes, c.departement, d.name, c.region, r.name,
    c.epci, e.name, c.population, c.lon, c.lat
"""
COMMUNE_FROM = """
    communes AS c
    LEFT JOIN departements AS d ON d.code = c.departement
    LEFT JOIN regions AS r ON r.code = c.region
    LEFT JOIN epcis AS e ON e.code = c.epci
"""


class GazetteerMissing(RuntimeError):
    """Raised when the gazetteer file has not been built."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Gazetteer not found at {path}. Build it with `flask --app app geodata build` "
            "or `make geodata` (it takes well under a minute)."
        )
        self.path = path


@dataclass(frozen=True)
class Commune:
    """A commune with the names of its territories, as the app shows and stores it."""

    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    departement_name: str | None
    region: str
    region_name: str | None
    epci: str | None
    epci_name: str | None
    population: int | None
    # None for the few communes the source gives neither an outline nor a town hall.
    lon: float | None
    lat: float | None

    @classmethod
    def from_row(cls, row: tuple) -> Commune:
        """Build a commune from a row selected with COMMUNE_COLUMNS."""
        insee, name, postcodes, *middle, lon, lat = row
        return cls(insee, name, tuple(postcodes.split()), *middle, lon, lat)


class Gazetteer:
    """Queries over one gazetteer file; safe to share between threads and forked workers."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise GazetteerMissing(self.path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        """Return this thread's connection, reopened after a fork (gunicorn workers)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # immutable: the file never changes in place (a rebuild replaces it), so skip locking.
            uri = f"{self.path.as_uri()}?mode=ro&immutable=1"
            local.connection = sqlite3.connect(uri, uri=True)
            local.pid = os.getpid()
        return local.connection

    def _communes(self, where: str, params: tuple, order: str = "", limit: int = -1) -> list:
        # Only constant SQL fragments are interpolated; every value is a bound parameter.
        sql = f"SELECT {COMMUNE_COLUMNS} FROM {COMMUNE_FROM} WHERE {where} {order} LIMIT ?"  # noqa: S608
        rows = self._connection().execute(sql, (*params, limit)).fetchall()
        return [Commune.from_row(row) for row in rows]

    def get(self, insee: str) -> Commune | None:
        """Return the commune with this INSEE code, or None."""
        found = self._communes("c.insee = ?", ((insee or "").strip().upper(),), limit=1)
        return found[0] if found else None

    def search(self, q: str, limit: int = 10) -> list[Commune]:
        """Autocomplete communes by name, postcode or INSEE code, best matches first."""
        text = (q or "").strip()
        if limit <= 0 or not text:
            return []
        if CODE_QUERY.fullmatch(text.replace(" ", "").upper()):
            return self._search_code(text.replace(" ", "").upper(), limit)
        return self._search_name(fold(text), limit)

    def _search_code(self, code: str, limit: int) -> list[Commune]:
        """Postcode matches by population, then INSEE codes starting with the query."""
        by_postcode = self._communes(
            "c.insee IN (SELECT insee FROM commune_postcodes WHERE postcode >= ? AND postcode < ?)",
            (code, code + PREFIX_END), "ORDER BY c.population DESC, c.insee", limit)
        by_insee = self._communes("c.insee >= ? AND c.insee < ?", (code, code + PREFIX_END),
                                  "ORDER BY c.insee", limit)
        return _unique(by_postcode + by_insee)[:limit]

    def _search_name(self, key: str, limit: int) -> list[Commune]:
        """Exact names, then names starting with the query, then names with a word starting so."""
        if len(key) < MIN_NAME_LENGTH:
            # A lone letter only finds a commune of that name (there is one: Y, in the Somme).
            return self._communes("c.name_norm = ?", (key,), "ORDER BY c.population DESC", limit)
        starts = [article + variant for variant in _variants(key) for article in ARTICLES]
        ranges = " OR ".join(["(name_norm >= ? AND name_norm < ?)"] * len(starts))
        bounds = tuple(bound for start in starts for bound in (start, start + PREFIX_END))
        exact = ", ".join("?" * len(starts))
        rank = "ORDER BY {0}name_norm IN ({1}) DESC, {0}population DESC, {0}rowid"
        # Ranked inside the (name_norm, population) index; only the best rows are then read.
        best = f"SELECT rowid FROM communes WHERE {ranges} {rank.format('', exact)} LIMIT ?"  # noqa: S608
        found = self._communes(f"c.rowid IN ({best})", (*bounds, *starts, limit, *starts),
                               rank.format("c.", exact), limit)
        if len(found) < limit:
            found = _unique(found + self._search_words(_variants(key), limit))
        return found[:limit]

    def _search_words(self, variants: list[str], limit: int) -> list[Commune]:
        """Communes with a later word starting with the query ("etienne" → Saint-Étienne)."""
        ranges = " OR ".join(["(suffix >= ? AND suffix < ?)"] * len(variants))
        bounds = tuple(bound for variant in variants for bound in (variant, variant + PREFIX_END))
        where = f"c.rowid IN (SELECT commune FROM commune_words WHERE {ranges})"  # noqa: S608
        return self._communes(where, bounds, "ORDER BY c.population DESC, c.insee", limit)

    def locate(self, lon: float, lat: float) -> Commune | None:
        """Return the commune whose outline covers the point, or None (sea, abroad, bad input)."""
        try:
            lon, lat = float(lon), float(lat)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        candidates = self._connection().execute(
            "SELECT c.rowid, c.outline FROM communes_rtree AS t"
            " JOIN communes AS c ON c.rowid = t.id"
            " WHERE t.minx <= ? AND t.maxx >= ? AND t.miny <= ? AND t.maxy >= ? ORDER BY c.rowid",
            (lon, lon, lat, lat),
        ).fetchall()
        point = shapely.Point(lon, lat)
        for rowid, outline in candidates:
            if parse_outline(outline).covers(point):
                return self._communes("c.rowid = ?", (rowid,), limit=1)[0]
        return None

    def outline(self, insee: str) -> shapely.Geometry | None:
        """The outline of the commune with this INSEE code, or None."""
        row = self._connection().execute(
            "SELECT outline FROM communes WHERE insee = ?", (insee,)).fetchone()
        return parse_outline(row[0]) if row and row[0] else None

    def distance_m(self, commune: Commune, lon: float, lat: float) -> float | None:
        """Metres from a point to a commune's outline (0 inside), or to its reference point
        when it has no outline; None when it has neither."""
        outline = self.outline(commune.insee)
        if outline is not None:
            return outline_distance_m(outline, lon, lat)
        return distance_m(lon, lat, commune.lon, commune.lat) if commune.lon is not None else None

    def nearest(self, lon: float, lat: float, within_m: float) -> Commune | None:
        """The commune nearest to a point, if one is within_m metres of it (a beach, a quay)."""
        minx, miny, maxx, maxy = box_around(lon, lat, within_m)
        candidates = self._connection().execute(
            "SELECT c.rowid, c.outline FROM communes_rtree AS t"
            " JOIN communes AS c ON c.rowid = t.id"
            " WHERE t.minx <= ? AND t.maxx >= ? AND t.miny <= ? AND t.maxy >= ?"
            " AND c.outline IS NOT NULL",
            (maxx, minx, maxy, miny),
        ).fetchall()
        distances = [(outline_distance_m(parse_outline(outline), lon, lat), rowid)
                     for rowid, outline in candidates]
        best = min(distances, default=None)
        if best is None or best[0] > within_m:
            return None
        return self._communes("c.rowid = ?", (best[1],), limit=1)[0]

    def departement(self, code: str) -> dict | None:
        """Return a département as {code, name, region, region_name}, or None."""
        found = [d for d in self.departements() if d["code"] == (code or "").strip().upper()]
        return found[0] if found else None

    def departements(self) -> list[dict]:
        """Return every département, in code order."""
        rows = self._connection().execute(
            "SELECT d.code, d.name, d.region, r.name FROM departements AS d"
            " JOIN regions AS r ON r.code = d.region ORDER BY d.code"
        ).fetchall()
        keys = ("code", "name", "region", "region_name")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def region(self, code: str) -> dict | None:
        """Return a région as {code, name}, or None."""
        found = [r for r in self.regions() if r["code"] == (code or "").strip()]
        return found[0] if found else None

    def regions(self) -> list[dict]:
        """Return every région, in code order."""
        rows = self._connection().execute("SELECT code, name FROM regions ORDER BY code")
        return [{"code": code, "name": name} for code, name in rows]

    def epci(self, code: str) -> dict | None:
        """Return an EPCI as {code, name, type, departements}, or None; its communes'
        départements come most communes first (the first is where its breadcrumbs go).
        The EPTs of the Grand Paris, which the source lacks, come from outside_gazetteer."""
        rows = self._connection().execute(
            "SELECT e.code, e.name, e.type, c.departement FROM epcis AS e"
            " JOIN communes AS c ON c.epci = e.code WHERE e.code = ?"
            " GROUP BY c.departement ORDER BY count(*) DESC, c.departement",
            ((code or "").strip(),),
        ).fetchall()
        if not rows:
            return outside_epci(code)
        code, name, type_, _departement = rows[0]
        return {"code": code, "name": name, "type": type_,
                "departements": [row[3] for row in rows]}

    def territory_outline(self, level: str, code: str) -> shapely.Geometry | None:
        """The outline of a région, a département or an EPCI (its communes' union), or None."""
        if level == "epci":
            rows = self._connection().execute(
                "SELECT outline FROM communes WHERE epci = ? AND outline IS NOT NULL", (code,))
            outlines = [parse_outline(row[0]) for row in rows]
            return shapely.union_all(outlines) if outlines else None
        table = {"region": "regions", "departement": "departements"}[level]
        row = self._connection().execute(
            f"SELECT outline FROM {table} WHERE code = ?", (code,)).fetchone()  # noqa: S608
        return shapely.from_wkb(row[0]) if row and row[0] else None

    def epci_names(self) -> list[tuple[str, str]]:
        """Every EPCI as (SIREN, name), in SIREN order."""
        return self._connection().execute("SELECT code, name FROM epcis ORDER BY code").fetchall()

    def departement_outlines(self) -> geopandas.GeoDataFrame:
        """Return the simplified outlines of the départements (code, name, region, geometry)."""
        return self._frame("SELECT code, name, region, outline FROM departements ORDER BY code")

    def region_outlines(self) -> geopandas.GeoDataFrame:
        """Return the simplified outlines of the régions (code, name, geometry)."""
        return self._frame("SELECT code, name, outline FROM regions ORDER BY code")

    def commune_outlines(self, departement: str) -> geopandas.GeoDataFrame:
        """Return the outlines of a département's communes (insee, name, population, epci,
        geometry)."""
        return self._frame(
            "SELECT insee, name, population, epci, outline FROM communes"
            " WHERE departement = ? AND outline IS NOT NULL ORDER BY insee",
            ((departement or "").strip().upper(),),
        )

    def _frame(self, sql: str, params: tuple = ()) -> geopandas.GeoDataFrame:
        """Run a query whose last column is a WKB outline and return it as a GeoDataFrame."""
        import geopandas  # heavy; only the map and export pages need it

        cursor = self._connection().execute(sql, params)
        columns = [description[0] for description in cursor.description][:-1]
        rows = cursor.fetchall()
        data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
        outlines = shapely.from_wkb([row[-1] for row in rows])
        return geopandas.GeoDataFrame(data, geometry=list(outlines), crs="EPSG:4326")

    def meta(self) -> dict[str, str]:
        """Return the build metadata: source, version, licence, counts."""
        return dict(self._connection().execute("SELECT key, value FROM meta ORDER BY key"))


@functools.lru_cache(maxsize=4096)
def parse_outline(wkb: bytes) -> shapely.Geometry:
    """A commune's outline from its stored WKB (the same few communes come back row after
    row in an import, so their parsed outlines are kept)."""
    return shapely.from_wkb(wkb)


@functools.lru_cache(maxsize=8)
def _open(path: str) -> Gazetteer:
    return Gazetteer(path)


def get_gazetteer(path: str | Path) -> Gazetteer:
    """Return the gazetteer for this file, opened once per process."""
    return _open(os.fspath(Path(path).resolve()))


def _variants(key: str) -> list[str]:
    """Return the query and its spelled-out form ("st etienne" → "saint etienne")."""
    words = key.split()
    # The last word may still be being typed ("st" → "strasbourg"), so it stays as it is.
    spelled = [ABBREVIATIONS.get(word, word) for word in words[:-1]] + words[-1:]
    return list(dict.fromkeys([key, " ".join(spelled)]))


def _unique(communes: list[Commune]) -> list[Commune]:
    """Drop repeated communes, keeping the first (best ranked) occurrence."""
    seen: set[str] = set()
    unique = []
    for commune in communes:
        if commune.insee not in seen:
            seen.add(commune.insee)
            unique.append(commune)
    return unique
