"""The GeoJSON export, shaped for uMap: flat properties and a colour per feature."""

from collections.abc import Iterable, Iterator

import orjson

from app.exchange.flat import ExportItem, flat_properties

HEAD = b'{"type":"FeatureCollection","features":['
TAIL = b"]}"


def umap_feature(item: ExportItem) -> dict:
    """A feature uMap imports well: flat fields, name, description, uid, theme colour."""
    properties = flat_properties(item)
    properties["_umap_options"] = {"color": item.colour}
    return {"type": "Feature", "id": item.feature["id"], "geometry": item.feature["geometry"],
            "properties": properties}


def geojson_export(batches: Iterable[list[ExportItem]]) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection of the items, written a batch at a time.

    The bytes are those orjson writes for the whole collection at once.
    """
    yield HEAD
    separator = b""
    for items in batches:
        if items:
            yield separator + b",".join(orjson.dumps(umap_feature(i)) for i in items)
            separator = b","
    yield TAIL
