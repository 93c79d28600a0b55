"""Reading an uploaded file into rows: GeoJSON, uMap map files (.umap) and CSV.

Nothing here trusts the file: its size is checked before parsing, JSON is parsed by orjson
(strict: no NaN, bounded nesting, UTF-8 only) and every row keeps its own problem instead of
failing the whole file.
"""

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePath
from typing import BinaryIO, Protocol

import orjson

from app.exchange.csv_format import decode, read_csv
from app.exchange.errors import ImportFileError, too_large, too_many_rows
from app.exchange.standard_imports import is_data_inclusion, standard_format
from app.exchange.umap import umap_layers

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection")
MAX_COLUMNS = 200
READ_CHUNK = 1024 * 1024
# A feature's `"type": "Feature"` member, not one quoted inside a string: counted in the raw
# bytes, it tells a file with too many features before they are built (parsed, 32 MB of
# GeoJSON take ten times that as Python objects).
FEATURE_MARK = re.compile(rb'(?<!\\)"type"\s*:\s*"Feature"')


@dataclass
class RawRow:
    """One row or feature of the file, before any mapping."""

    number: int
    label: str
    properties: dict
    geometry: dict | None = None
    feature_id: str | None = None
    label_key: str | None = None
    problem: str | None = None


class Rows(Iterable[RawRow], Protocol):
    """A file's rows: read in order, as often as needed, their number known."""

    def __len__(self) -> int: ...


def batches(items: Iterable, size: int) -> Iterator[list]:
    """The items, size at a time (the last batch may be shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class Source:
    """A parsed file: its format, its columns (or property keys) and its rows (a list, or
    rows read again at each pass: from the file on disk, or from the staged chunks)."""

    format: str
    filename: str
    rows: Rows
    columns: list[str] = field(default_factory=list)

    @property
    def has_geometry(self) -> bool:
        return self.format in ("geojson", "umap")


def parse_source(data: bytes, filename: str, max_bytes: int,
                 max_rows: int | None = None) -> Source:
    """Parse an uploaded file; raise ImportFileError when nothing can be read from it, or
    when it holds more than max_rows rows or features (checked before they are built)."""
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data.strip():
        raise ImportFileError("Le fichier est vide.")
    if is_csv(data, filename):
        columns, rows = read_csv(data, max_rows)
        raw = [RawRow(line, f"ligne {line}", values, problem=problem)
               for line, values, problem in rows]
        return Source(standard_format(columns) or "csv", filename, raw, columns[:MAX_COLUMNS])
    check_row_count(len(FEATURE_MARK.findall(data)), max_rows)  # before building any
    return json_source(load_json(data), filename, max_rows)


def is_csv(head: bytes, filename: str) -> bool:
    """Whether a file (its first bytes, its name) is read as CSV rather than JSON."""
    suffix = PurePath(filename or "").suffix.lower()
    looks_json = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"[")
    return suffix == ".csv" or (suffix not in (".json", ".geojson", ".umap") and not looks_json)


def read_capped(stream: BinaryIO, max_bytes: int) -> bytes:
    """An upload's bytes, refused as soon as they pass max_bytes (never read whole)."""
    return b"".join(capped_chunks(stream, max_bytes))


def capped_chunks(stream: BinaryIO, max_bytes: int) -> Iterator[bytes]:
    """A stream's bytes a megabyte at a time, refused as soon as they pass max_bytes.

    A megabyte at a time: read(max_bytes + 1) would allocate the whole cap at once.
    """
    size = 0
    while chunk := stream.read(min(READ_CHUNK, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:
            raise too_large(max_bytes)
        yield chunk


def load_json(data: bytes):
    """Parse JSON strictly, with an error saying where it breaks."""
    try:
        return orjson.loads(data.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as error:
        decode(data)  # a clear message for a file that is not UTF-8 (orjson refuses it)
        raise ImportFileError(
            f"JSON invalide (ligne {error.lineno}, colonne {error.colno}) : {error.msg}."
        ) from None


def json_source(document, filename: str, max_rows: int | None = None) -> Source:
    """The rows of a GeoJSON object or a uMap map file."""
    if isinstance(document, dict) and document.get("type") == "umap":
        layers = umap_layers(document)
        check_row_count(sum(len(layer.features) for layer in layers), max_rows)
        rows = []
        for layer in layers:
            rows += feature_rows(layer.features, f"calque « {layer.name} », ",
                                 layer.label_key, start=len(rows) + 1)
        return with_columns(Source("umap", filename, rows))
    if is_data_inclusion(document):
        check_row_count(len(document), max_rows)
        return with_columns(Source("data-inclusion", filename, [
            RawRow(number, f"objet {number}", item) for number, item in
            enumerate(document, start=1)]))
    features = geojson_features(document)
    check_row_count(len(features), max_rows)
    return with_columns(Source("geojson", filename, feature_rows(features)))


def check_row_count(count: int, max_rows: int | None) -> None:
    if max_rows is not None and count > max_rows:
        raise too_many_rows(max_rows)


def geojson_features(document) -> list:
    """The features of any GeoJSON object (collection, feature, geometry or a list)."""
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "FeatureCollection" and isinstance(document.get("features"), list):
        return document["features"]
    if kind == "Feature":
        return [document]
    if kind == "GeometryCollection" and isinstance(document.get("geometries"), list):
        return [{"type": "Feature", "geometry": g, "properties": {}}
                for g in document["geometries"]]
    if kind in GEOMETRY_TYPES:
        return [{"type": "Feature", "geometry": document, "properties": {}}]
    if isinstance(document, list):
        return document
    raise ImportFileError("Ce fichier JSON n'est ni du GeoJSON (FeatureCollection, Feature) "
                          "ni une carte uMap (.umap).")


def feature_rows(features: list, prefix: str = "", label_key: str | None = None,
                 start: int = 1) -> list[RawRow]:
    rows = []
    for number, feature in enumerate(features, start=start):
        label = f"{prefix}objet {number - start + 1}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rows.append(RawRow(number, label, {}, problem="Objet qui n'est pas un Feature GeoJSON"))
            continue
        properties = feature.get("properties")
        geometry = feature.get("geometry")
        feature_id = feature.get("id")
        rows.append(RawRow(
            number, label, properties if isinstance(properties, dict) else {},
            geometry if isinstance(geometry, dict) else None,
            str(feature_id) if isinstance(feature_id, str | int) else None, label_key,
            None if properties is None or isinstance(properties, dict)
            else "Propriétés illisibles (pas un objet)",
        ))
    return rows


def with_columns(source: Source) -> Source:
    """Set the property keys uMap would turn into fields: no "_" prefix, no objects."""
    keys: dict[str, None] = {}
    for row in source.rows:
        for key, value in row.properties.items():
            if isinstance(key, str) and not key.startswith("_") and not isinstance(value, dict):
                keys[key] = None
    source.columns = list(keys)[:MAX_COLUMNS]
    return source
