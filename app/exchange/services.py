"""Exports: the public initiatives matching the filters, in each open format."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import orjson

from app.exchange.csv_format import csv_export
from app.exchange.flat import ExportItem
from app.exchange.geojson_export import geojson_export
from app.exchange.gpkg import gpkg_chunks
from app.exchange.umap import umap_export
from app.filters import Filters
from app.geo.spatial import select_initiatives
from app.initiatives import geojson, stored_features
from app.models import Initiative

# Rows read and written at a time: a worker holds one batch, whatever the export's size.
BATCH_ROWS = 2000


@dataclass(frozen=True)
class Format:
    mimetype: str
    write: Callable[[Iterable[list[ExportItem]], str], Iterator[bytes]]


FORMATS = {
    "geojson": Format("application/geo+json", lambda batches, site: geojson_export(batches)),
    "umap": Format("application/json", umap_export),
    "csv": Format("text/csv", lambda batches, site: csv_export(batches)),
    "gpkg": Format("application/geopackage+sqlite3", lambda batches, site: gpkg_chunks(batches)),
}


def export_statement(filters: Filters):
    """The public initiatives an export holds; raise FilterError for an unknown theme."""
    geojson.check_themes(filters)
    return select_initiatives(filters)


def export_batches(filters: Filters, site: str, size: int) -> Iterator[list[ExportItem]]:
    """The matching initiatives by id, as features with their themes, `size` at a time.

    The features are the ones stored when each initiative was written (its uMap text
    converted then, not once per request). Each batch starts after the last id of the one
    before (keyset), so it is one short query, however far into the export.
    """
    # In id order even with `near` (which sorts by distance): the keyset needs it.
    stmt = select_initiatives(filters).order_by(None).order_by(Initiative.id).limit(size)
    after = None
    themes = {theme.slug: theme for theme in geojson.load_themes().values()}
    while True:
        page = stmt if after is None else stmt.where(Initiative.id > after)
        rows = stored_features.features_of(page)
        if not rows:
            return
        features = [orjson.loads(stored_features.with_site(stored, site)) for _, stored in rows]
        yield [ExportItem(feature, [themes[slug] for slug in feature["properties"]["themes"]])
               for feature in features]
        if len(rows) < size:
            return
        after = rows[-1][0]


def export_chunks(format_name: str, filters: Filters, site: str) -> Iterator[bytes]:
    """The file of the matching initiatives in the given format, piece by piece."""
    return FORMATS[format_name].write(export_batches(filters, site, BATCH_ROWS), site)


def export(format_name: str, filters: Filters, site: str) -> bytes:
    """The whole file of the matching initiatives in the given format."""
    return b"".join(export_chunks(format_name, filters, site))
