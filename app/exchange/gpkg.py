"""The GeoPackage export for QGIS users (GeoPandas written through pyogrio)."""

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.exchange.csv_format import COLUMNS
from app.exchange.flat import ExportItem, flat_properties
from app.initiatives.memory import gc_paused

LAYER = "initiatives"
CHUNK_BYTES = 1024 * 1024
# Batches per write: one write per batch would be a slow append per 2,000 rows; 20,000 rows
# at a time held 70 MB of frames more and left the worker's memory growing with each write
# (346 MB at 1,000,000 initiatives), 6,000 write as fast at 240 MB, flat.
WRITE_BATCHES = 3
TEXT_COLUMNS = [c for c in COLUMNS if c not in ("uid", "lon", "lat", "research_partnership",
                                                 "updated_at", "actor_id")]


def geodataframe(items: list[ExportItem]):
    """The items as a GeoDataFrame in WGS 84, one typed column per public field."""
    import geopandas
    import numpy
    import pandas
    import shapely

    records = [flat_properties(item) for item in items]
    frame = pandas.DataFrame.from_records(records, columns=[
        c for c in COLUMNS if c not in ("lon", "lat")])
    frame[TEXT_COLUMNS] = frame[TEXT_COLUMNS].astype("string")
    frame["uid"] = frame["uid"].astype("int64")
    frame["actor_id"] = frame["actor_id"].astype("Int64")  # none without a lead actor
    frame["research_partnership"] = frame["research_partnership"].astype("bool")
    frame["updated_at"] = pandas.to_datetime(frame["updated_at"], utc=True)
    coordinates = numpy.array([[item.lon, item.lat] for item in items], dtype=float)
    points = shapely.points(coordinates) if items else numpy.array([], dtype=object)
    points[numpy.isnan(coordinates[:, 0]) if items else []] = None  # a whole territory
    return geopandas.GeoDataFrame(frame, geometry=list(points), crs="EPSG:4326")


def gpkg_export(batches: Iterable[list[ExportItem]], path: Path) -> None:
    """Write a GeoPackage with one point layer, "initiatives", WRITE_BATCHES batches at a
    time (the whole-territory entries are its rows without geometry).

    The first write creates the layer and its column types; the others append to it. Each
    append is a slow transaction of its own, so the batches wait as compact frames until
    there are enough of them for one write: a few, so the memory does not grow with the size.
    """
    import pandas

    mode, pending = "w", []
    for items in batches:
        with gc_paused():  # thousands of small dicts, no cycle among them
            pending.append(geodataframe(items))
        if len(pending) >= WRITE_BATCHES:
            write_layer(pandas.concat(pending, ignore_index=True), path, mode)
            mode, pending = "a", []
    if pending:
        write_layer(pandas.concat(pending, ignore_index=True), path, mode)
    elif mode == "w":  # nothing matched: still a valid file with the typed, empty layer
        write_layer(geodataframe([]), path, mode)


def write_layer(frame, path: Path, mode: str) -> None:
    frame.to_file(path, driver="GPKG", layer=LAYER, engine="pyogrio", mode=mode)


def gpkg_chunks(batches: Iterable[list[ExportItem]]) -> Iterator[bytes]:
    """The GeoPackage's bytes: the file is complete (a SQLite database) before the first."""
    with tempfile.TemporaryDirectory(prefix="maillage-gpkg-") as folder:
        path = Path(folder) / "initiatives.gpkg"
        gpkg_export(batches, path)
        with path.open("rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
