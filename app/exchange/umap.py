"""uMap: the complete map file (.umap), the "Open in uMap" link, and reading .umap layers.

The structure follows the files uMap writes (see ../shared/peers/umap/): a "umap" document
with map properties, a centre point and one FeatureCollection per layer. Layer settings go
under both "_umap_options" (uMap 1.x to 3.x) and "properties" (newer uMap and older files);
filters are written in the current list form and as the legacy "facetKey" every version reads.
"""

import math
from dataclasses import dataclass
from urllib.parse import quote

import orjson

from app.exchange.flat import NO_THEME, ExportItem
from app.exchange.geojson_export import umap_feature

FRANCE_CENTRE = (2.5, 46.6)
LICENCE = {"name": "Licence Ouverte 2.0",
           "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
FIELDS = [
    {"key": "name", "type": "String"}, {"key": "description", "type": "Text"},
    {"key": "summary", "type": "Text"}, {"key": "kind_label", "type": "Enum"},
    {"key": "theme", "type": "Enum"}, {"key": "departement", "type": "Enum"},
    {"key": "commune", "type": "String"}, {"key": "actor_name", "type": "String"},
    {"key": "website", "type": "String"}, {"key": "url", "type": "String"},
]
FILTERS = [("kind_label", "Nature"), ("theme", "Thème"), ("departement", "Département")]
POPUP = "# {name}\n{summary}\n\n{description}\n\n[[{url}|Voir la fiche sur Maillage]]"


@dataclass(frozen=True)
class Layer:
    """A layer found in a .umap file: its name, its label key and its features."""

    name: str
    label_key: str | None
    features: list


def layer_options(name: str, colour: str, rank: int) -> dict:
    """Settings of one theme layer: clustered markers in the theme's colour."""
    return {
        "name": name, "color": colour, "type": "Cluster", "cluster": {"radius": 60},
        "iconClass": "Drop", "labelKey": "name", "displayOnLoad": True, "browsable": True,
        "inCaption": True, "rank": rank, "remoteData": {}, "popupContentTemplate": POPUP,
        "fields": FIELDS,
        "filters": [{"widget": "Checkbox", "fieldKey": key} for key, _ in FILTERS],
    }


def theme_layers(items: list[ExportItem]) -> list[dict]:
    """One FeatureCollection per main theme, in the taxonomy's order, unthemed last."""
    groups: dict[str, list[ExportItem]] = {}
    for item in items:
        groups.setdefault(item.main_theme.slug if item.main_theme else "", []).append(item)
    ordered = sorted(groups.values(), key=lambda group: (
        group[0].main_theme.position if group[0].main_theme else math.inf))
    return [theme_layer(group, rank) for rank, group in enumerate(ordered)]


def theme_layer(group: list[ExportItem], rank: int) -> dict:
    theme = group[0].main_theme
    options = layer_options(theme.label_fr if theme else NO_THEME, group[0].colour, rank)
    return {"type": "FeatureCollection", "features": [umap_feature(i) for i in group],
            "_umap_options": options, "properties": options}


def view(items: list[ExportItem]) -> tuple[tuple[float, float], int]:
    """The centre and a zoom level showing every item."""
    if not items:
        return FRANCE_CENTRE, 6
    lons, lats = [i.lon for i in items], [i.lat for i in items]
    centre = ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.5, 0.01)
    return (round(centre[0], 6), round(centre[1], 6)), max(2, min(14, int(math.log2(360 / span))))


def umap_document(items: list[ExportItem], site: str, title: str) -> dict:
    """A complete uMap map: import it in uMap and the map is ready."""
    (lon, lat), zoom = view(items)
    facets = ",".join(f"{key}|{label}|checkbox" for key, label in FILTERS)
    properties = {
        "name": title, "description": f"Initiatives publiées sur [[{site}|Maillage]].",
        "licence": LICENCE, "shortCredit": "Maillage",
        "longCredit": f"Données [[{site}|Maillage]], Licence Ouverte 2.0",
        "zoom": zoom, "center": {"lat": lat, "lng": lon}, "defaultView": "data",
        "labelKey": "name", "slugKey": "uid", "sortKey": "name", "facetKey": facets,
        "onLoadPanel": "caption", "captionBar": True, "displayPopupFooter": True,
        "datalayersControl": True, "scrollWheelZoom": True, "color": "DarkBlue",
    }
    return {"type": "umap", "uri": f"{site}/", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "layers": theme_layers(items)}


def umap_export(items: list[ExportItem], site: str, title: str = "Maillage") -> bytes:
    return orjson.dumps(umap_document(items, site, title), option=orjson.OPT_INDENT_2)


def open_in_umap_url(data_url: str, umap_url: str, locale: str = "fr") -> str:
    """A uMap URL creating a map that loads our live GeoJSON as a remote layer."""
    return (f"{umap_url.rstrip('/')}/{locale}/map/new/"
            f"?dataUrl={quote(data_url, safe='')}&dataFormat=geojson")


def umap_layers(document: dict) -> list[Layer]:
    """The layers of a .umap document, each with its settings' name and label key."""
    layers = []
    for index, layer in enumerate(document.get("layers") or [], start=1):
        if not isinstance(layer, dict):
            continue
        options = layer.get("_umap_options") or layer.get("properties") or {}
        options = options if isinstance(options, dict) else {}
        name = str(options.get("name") or f"Calque {index}")
        label_key = options.get("labelKey")
        features = layer.get("features")
        layers.append(Layer(name, label_key if isinstance(label_key, str) else None,
                            features if isinstance(features, list) else []))
    return layers
