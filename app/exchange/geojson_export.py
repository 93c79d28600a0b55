"""The GeoJSON export, shaped for uMap: flat properties and a colour per feature."""

import orjson

from app.exchange.flat import ExportItem, flat_properties


def umap_feature(item: ExportItem) -> dict:
    """A feature uMap imports well: flat fields, name, description, uid, theme colour."""
    properties = flat_properties(item)
    properties["_umap_options"] = {"color": item.colour}
    return {"type": "Feature", "id": item.feature["id"], "geometry": item.feature["geometry"],
            "properties": properties}


def geojson_export(items: list[ExportItem]) -> bytes:
    """An RFC 7946 FeatureCollection of the items."""
    collection = {"type": "FeatureCollection", "features": [umap_feature(i) for i in items]}
    return orjson.dumps(collection)
