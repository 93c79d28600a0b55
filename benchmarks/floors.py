"""Floors: the least work that gives the same answer, measured in the same run.

The raw index query is hand-written SQL on a bare DB-API connection (sqlite3 / psycopg):
on purpose per dialect, since it stands for the best the database itself can do.
"""

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import psycopg
import sqlalchemy as sa

from benchmarks.load import Database

COLUMNS = (
    "id, name, summary, description, kind, actor_name, actor_type, lon, lat, "
    "location_precision, insee, commune_name, epci, departement, region, website, "
    "public_contact, started_on, ended_on, research_partnership, source, last_verified_on, "
    "status, updated_at"
)
NAMES = tuple(name.strip() for name in COLUMNS.split(","))
SQLITE_BOX = ("id IN (SELECT id FROM initiatives_rtree WHERE max_lon >= ? AND min_lon <= ? "
              "AND max_lat >= ? AND min_lat <= ?)")
POSTGIS_BOX = "geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
THEME = ("id IN (SELECT initiative_id FROM initiative_themes JOIN themes "
         "ON themes.id = initiative_themes.theme_id WHERE themes.slug = {p})")


@dataclass(frozen=True)
class BoxQuery:
    """A bbox with optional theme and kind filters, as the API's parameters say it."""

    bbox: tuple[float, float, float, float]
    theme: str | None = None
    kind: str | None = None
    limit: int = 5000

    def params(self) -> dict:
        found = {"bbox": ",".join(f"{v:.6f}" for v in self.bbox), "limit": str(self.limit)}
        if self.theme:
            found["theme"] = self.theme
        if self.kind:
            found["kind"] = self.kind
        return found


class RawIndex:
    """The spatial index query plus orjson of the rows, on a bare connection."""

    def __init__(self, database: Database):
        self.dialect = database.dialect
        url = sa.engine.make_url(database.url)
        if self.dialect == "sqlite":
            self.connection = sqlite3.connect(url.database)
            self.placeholder = "?"
        else:
            self.connection = psycopg.connect(
                host=url.host, port=url.port, user=url.username, password=url.password,
                dbname=url.database, autocommit=True)
            self.placeholder = "%s"

    def close(self) -> None:
        self.connection.close()

    def sql(self, query: BoxQuery) -> tuple[str, list]:
        p = self.placeholder
        where = [SQLITE_BOX if self.dialect == "sqlite" else POSTGIS_BOX,
                 f"lon BETWEEN {p} AND {p}", f"lat BETWEEN {p} AND {p}",
                 "status = 'published'"]
        minlon, minlat, maxlon, maxlat = query.bbox
        box = [minlon, maxlon, minlat, maxlat] if self.dialect == "sqlite" \
            else [minlon, minlat, maxlon, maxlat]
        params = [*box, minlon, maxlon, minlat, maxlat]
        if query.theme:
            where.append(THEME.format(p=p))
            params.append(query.theme)
        if query.kind:
            where.append(f"kind = {p}")
            params.append(query.kind)
        text = (f"SELECT {COLUMNS} FROM initiatives WHERE {' AND '.join(where)} "  # noqa: S608
                f"ORDER BY id LIMIT {int(query.limit)}")
        return text, params

    def run(self, query: BoxQuery) -> tuple[float, int]:
        """Seconds for the query, its rows and their orjson serialisation; and the row count."""
        text, params = self.sql(query)
        started = time.perf_counter()
        rows = self.connection.execute(text, params).fetchall()
        orjson.dumps([dict(zip(NAMES, row, strict=True)) for row in rows])
        return time.perf_counter() - started, len(rows)


def pyogrio_write(frame, path: Path, driver: str, **options) -> float:
    """Seconds pyogrio takes to write the frame with a GDAL driver."""
    import pyogrio

    path.unlink(missing_ok=True)
    started = time.perf_counter()
    pyogrio.write_dataframe(frame, path, driver=driver, **options)
    return time.perf_counter() - started
