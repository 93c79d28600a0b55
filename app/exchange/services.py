"""Exports: the public initiatives matching the filters, in each open format."""

from collections.abc import Callable
from dataclasses import dataclass

from app.exchange.csv_format import csv_export
from app.exchange.flat import ExportItem
from app.exchange.geojson_export import geojson_export
from app.exchange.gpkg import gpkg_export
from app.exchange.umap import umap_export
from app.filters import Filters
from app.geo.spatial import select_initiatives
from app.initiatives import geojson


@dataclass(frozen=True)
class Format:
    mimetype: str
    write: Callable[[list[ExportItem], str], bytes]


FORMATS = {
    "geojson": Format("application/geo+json", lambda items, site: geojson_export(items)),
    "umap": Format("application/json", umap_export),
    "csv": Format("text/csv", lambda items, site: csv_export(items)),
    "gpkg": Format("application/geopackage+sqlite3", lambda items, site: gpkg_export(items)),
}


def export_statement(filters: Filters):
    """The public initiatives an export holds; raise FilterError for an unknown theme."""
    geojson.check_themes(filters)
    return select_initiatives(filters)


def export_items(filters: Filters, site: str) -> list[ExportItem]:
    """The matching initiatives as features with their themes, loaded in three queries."""
    records = geojson.public_records(export_statement(filters))
    return [ExportItem(feature, records.themes_of(feature["id"]))
            for feature in geojson.features(records, site)]


def export(format_name: str, filters: Filters, site: str) -> bytes:
    """The file of the matching initiatives in the given format."""
    return FORMATS[format_name].write(export_items(filters, site), site)
