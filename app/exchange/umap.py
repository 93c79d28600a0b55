"""uMap: the complete map file (.umap), the "Open in uMap" link, and reading .umap layers.

The structure follows the files uMap writes (see ../shared/peers/umap/): a "umap" document
with map properties, a centre point and one FeatureCollection per layer. Layer settings go
under both "_umap_options" (uMap 1.x to 3.x) and "properties" (newer uMap and older files);
filters are written in the current list form and as the legacy "facetKey" every version reads.
"""

import math
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import orjson

from app.exchange.flat import NO_THEME, ExportItem
from app.exchange.geojson_export import umap_feature
from app.geo.scope_places import territory_centre
from app.initiatives.licence import DATA_LICENCE

FRANCE_CENTRE = (2.5, 46.6)
FIELDS = [
    {"key": "name", "type": "String"}, {"key": "description", "type": "Text"},
    {"key": "summary", "type": "Text"}, {"key": "kind_label", "type": "Enum"},
    {"key": "theme", "type": "Enum"}, {"key": "departement", "type": "Enum"},
    {"key": "commune", "type": "String"}, {"key": "actor_name", "type": "String"},
    {"key": "website", "type": "String"}, {"key": "url", "type": "String"},
]
FILTERS = [("kind_label", "Nature"), ("theme", "Thème"), ("departement", "Département")]
# A layer's features sit at this depth of the indented document.
FEATURE_INDENT = b" " * 8
CHUNK_BYTES = 1024 * 1024
POPUP = "# {name}\n{summary}\n\n{description}\n\n[[{url}|Voir la fiche sur Maillage]]"
# The entries that cover a whole territory have no point: uMap needs one, so they go in a
# layer of their own, each at its territory's centre, marked as such (a file, not a page:
# in French, like the theme layers' names).
TERRITORY_LAYER = "Dans tout le territoire (repère au centre du territoire, pas un lieu)"
TERRITORY_COLOUR = "#4D4D4D"
TERRITORY_NOTICE = ("Couvre tout un territoire : {name} ({scope}). Le point n'est qu'un "
                    "repère au centre du territoire, pas un lieu.")
NOTICE_START = TERRITORY_NOTICE.split("{", 1)[0]
SCOPE_WORDS = {"intercommunal": "intercommunalité", "departemental": "département",
               "regional": "région", "national": "France entière"}


@dataclass(frozen=True)
class Layer:
    """A layer found in a .umap file: its name, its label key and its features."""

    name: str
    label_key: str | None
    features: list


def layer_options(name: str, colour: str, rank: int, icon: str = "Drop") -> dict:
    """Settings of one theme layer: clustered markers in the theme's colour."""
    return {
        "name": name, "color": colour, "type": "Cluster", "cluster": {"radius": 60},
        "iconClass": icon, "labelKey": "name", "displayOnLoad": True, "browsable": True,
        "inCaption": True, "rank": rank, "remoteData": {}, "popupContentTemplate": POPUP,
        "fields": FIELDS,
        "filters": [{"widget": "Checkbox", "fieldKey": key} for key, _ in FILTERS],
    }


@dataclass
class Bounds:
    """The smallest box holding the points added so far."""

    west: float = math.inf
    south: float = math.inf
    east: float = -math.inf
    north: float = -math.inf

    def add(self, lon: float, lat: float) -> None:
        self.west, self.east = min(self.west, lon), max(self.east, lon)
        self.south, self.north = min(self.south, lat), max(self.north, lat)


class LayerSpool:
    """The features of one theme layer, written to a temporary file as they come."""

    def __init__(self, item: ExportItem, file, *, territories: bool = False):
        self.theme, self.colour, self.file, self.count = item.main_theme, item.colour, file, 0
        self.territories = territories  # the layer of the whole-territory entries
        if territories:
            self.theme, self.colour = None, TERRITORY_COLOUR

    def add(self, item: ExportItem) -> None:
        feature = orjson.dumps(umap_feature(item), option=orjson.OPT_INDENT_2)
        self.file.write((b",\n" if self.count else b"") + FEATURE_INDENT
                        + feature.replace(b"\n", b"\n" + FEATURE_INDENT))
        self.count += 1

    def chunks(self) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(CHUNK_BYTES):
            yield chunk


def spool_layers(batches: Iterable[list[ExportItem]], files: ExitStack,
                 bounds: Bounds) -> list[LayerSpool]:
    """One spool per main theme, in the taxonomy's order, unthemed last."""
    spools: dict[str | None, LayerSpool] = {}
    for items in batches:
        for item in items:
            key = None if item.lon is None else item.main_theme.slug if item.main_theme else ""
            if key is None:
                item = at_territory_centre(item)
            else:
                bounds.add(item.lon, item.lat)
            if key not in spools:
                spools[key] = LayerSpool(item, files.enter_context(tempfile.TemporaryFile()),
                                         territories=key is None)
            spools[key].add(item)
    # The whole territories last, after the unthemed points.
    return sorted(spools.values(), key=lambda spool: (
        spool.territories, spool.theme.position if spool.theme else math.inf))


def at_territory_centre(item: ExportItem) -> ExportItem:
    """A whole-territory entry drawn at its territory's centre, and saying so."""
    properties = item.feature["properties"]
    lon, lat = territory_centre(properties["scope"], properties["territory"]) or FRANCE_CENTRE
    notice = TERRITORY_NOTICE.format(name=properties["territory_name"] or "",
                                     scope=SCOPE_WORDS.get(properties["scope"], ""))
    feature = {**item.feature, "geometry": {"type": "Point", "coordinates": [lon, lat]},
               "properties": {**properties,
                              "description": f"{notice}\n\n{properties['description']}"}}
    return ExportItem(feature, item.themes)


def theme_layer(spool: LayerSpool, rank: int) -> dict:
    """A layer whose features are a placeholder, replaced by the spooled ones when written."""
    if spool.territories:
        options = layer_options(TERRITORY_LAYER, spool.colour, rank, icon="Circle")
    else:
        options = layer_options(spool.theme.label_fr if spool.theme else NO_THEME,
                                spool.colour, rank)
    return {"type": "FeatureCollection", "features": [placeholder(rank)],
            "_umap_options": options, "properties": options}


def placeholder(rank: int) -> str:
    return f"@@maillage-layer-{rank}@@"


def view(bounds: Bounds) -> tuple[tuple[float, float], int]:
    """The centre and a zoom level showing every point of the bounds."""
    if bounds.west > bounds.east:
        return FRANCE_CENTRE, 6
    centre = ((bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2)
    span = max(bounds.east - bounds.west, (bounds.north - bounds.south) * 1.5, 0.01)
    return (round(centre[0], 6), round(centre[1], 6)), max(2, min(14, int(math.log2(360 / span))))


def umap_document(bounds: Bounds, layers: list[dict], site: str, title: str) -> dict:
    """A complete uMap map: import it in uMap and the map is ready."""
    (lon, lat), zoom = view(bounds)
    facets = ",".join(f"{key}|{label}|checkbox" for key, label in FILTERS)
    properties = {
        "name": title, "description": f"Initiatives publiées sur [[{site}|Maillage]].",
        "licence": DATA_LICENCE, "shortCredit": "Maillage",
        "longCredit": f"Données [[{site}|Maillage]], Licence Ouverte 2.0",
        "zoom": zoom, "center": {"lat": lat, "lng": lon}, "defaultView": "data",
        "labelKey": "name", "slugKey": "uid", "sortKey": "name", "facetKey": facets,
        "onLoadPanel": "caption", "captionBar": True, "displayPopupFooter": True,
        "datalayersControl": True, "scrollWheelZoom": True, "color": "DarkBlue",
    }
    return {"type": "umap", "uri": f"{site}/", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, "layers": layers}


def umap_export(batches: Iterable[list[ExportItem]], site: str,
                title: str = "Maillage") -> Iterator[bytes]:
    """The .umap file, indented as orjson writes it whole.

    The centre and the layers' order are known only once every item is read, so the
    features wait in temporary files (one per layer) rather than in memory.
    """
    with ExitStack() as files:
        bounds = Bounds()
        spools = spool_layers(batches, files, bounds)
        layers = [theme_layer(spool, rank) for rank, spool in enumerate(spools)]
        rest = orjson.dumps(umap_document(bounds, layers, site, title),
                            option=orjson.OPT_INDENT_2)
        for rank, spool in enumerate(spools):
            head, rest = rest.split(FEATURE_INDENT + orjson.dumps(placeholder(rank)), 1)
            yield head
            yield from spool.chunks()
        yield rest


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
        features = [without_territory_notice(feature) for feature in features
                    ] if isinstance(features, list) else []
        layers.append(Layer(name, label_key if isinstance(label_key, str) else None, features))
    return layers


def without_territory_notice(feature):
    """A whole territory's feature without the notice our export put before its description
    (its marker is dropped on import: the row's scope says it has no point)."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict) or properties.get("scope") in (None, "local"):
        return feature
    description = properties.get("description")
    if not (isinstance(description, str) and description.startswith(NOTICE_START)):
        return feature
    rest = description.split("\n\n", 1)[1] if "\n\n" in description else ""
    return {**feature, "properties": {**properties, "description": rest}}
