"""The GeoPackage export for QGIS users (GeoPandas written through pyogrio)."""

import tempfile
from pathlib import Path

from app.exchange.csv_format import COLUMNS
from app.exchange.flat import ExportItem, flat_properties

LAYER = "initiatives"
TEXT_COLUMNS = [c for c in COLUMNS if c not in ("uid", "lon", "lat", "research_partnership",
                                                 "updated_at")]


def geodataframe(items: list[ExportItem]):
    """The items as a GeoDataFrame in WGS 84, one typed column per public field."""
    import geopandas
    import pandas
    import shapely

    records = [flat_properties(item) for item in items]
    frame = pandas.DataFrame.from_records(records, columns=[
        c for c in COLUMNS if c not in ("lon", "lat")])
    frame[TEXT_COLUMNS] = frame[TEXT_COLUMNS].astype("string")
    frame["uid"] = frame["uid"].astype("int64")
    frame["research_partnership"] = frame["research_partnership"].astype("bool")
    frame["updated_at"] = pandas.to_datetime(frame["updated_at"], utc=True)
    points = shapely.points([[item.lon, item.lat] for item in items]) if items else []
    return geopandas.GeoDataFrame(frame, geometry=list(points), crs="EPSG:4326")


def gpkg_export(items: list[ExportItem]) -> bytes:
    """A GeoPackage with one point layer, "initiatives"."""
    frame = geodataframe(items)
    with tempfile.TemporaryDirectory(prefix="maillage-gpkg-") as folder:
        path = Path(folder) / "initiatives.gpkg"
        frame.to_file(path, driver="GPKG", layer=LAYER, engine="pyogrio")
        return path.read_bytes()
