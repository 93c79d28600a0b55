"""What a harvest source serves, read as an import reads a file: rows, mapping and a plan
for each row (the importer's parsing, mapping and duplicate detection, unchanged).

Each row is known by its id at the source: the file's id column (the standards' `id`, a
CSV's mapped "Identifiant dans la source"), else the GeoJSON feature's id, else — for
another Maillage's features — its `uid` with the site's host. A row with none of them is
known by a hash of its name, point and commune: stable while those stay the same (a renamed
row then looks like a new one, and the old one is archived).
"""

import hashlib
from dataclasses import dataclass

import orjson
from flask import current_app

from app.exchange import rows as r
from app.exchange.errors import ImportFileError
from app.exchange.imports import ImportOptions, Planner, row_context
from app.exchange.mapping import TARGETS, check_mapping, guess_mapping
from app.exchange.report_rows import RowReport
from app.exchange.sources import Source, json_source, parse_source
from app.models.harvest import HarvestSource

# The name parse_source reads a body under: its suffix tells CSV from JSON.
FILENAMES = {"mediation-num": "source.csv", "csv": "source.csv", "data-inclusion": "source.json",
             "geojson": "source.geojson", "umap": "source.umap", "maillage": "source.geojson"}
# What parse_source may find in a body of each declared format.
ACCEPTED = {"csv": ("csv", "mediation-num"), "maillage": ("geojson",)}
FORMAT_NAMES = {"mediation-num": "CSV des lieux de médiation numérique",
                "data-inclusion": "JSON data·inclusion", "geojson": "GeoJSON",
                "umap": "carte uMap (.umap)", "csv": "CSV", "maillage": "API Maillage"}


@dataclass
class HarvestRow:
    """A row's plan (create, update, unchanged, duplicate or error), with its id at the
    source (None when unknown) and a digest of the values it gave."""

    report: RowReport
    key: str | None
    digest: str | None


@dataclass
class Plan:
    rows: list[HarvestRow]
    # Every row was known by its id: an entry missing from them has left the source.
    keys_complete: bool


def read_body(source: HarvestSource, body: bytes) -> Source:
    """Parse what the source served; ImportFileError when it is not of its format."""
    config = current_app.config
    parsed = parse_source(body, FILENAMES[source.format], config["IMPORT_MAX_BYTES"],
                          config["IMPORT_MAX_ROWS"])
    if parsed.format not in ACCEPTED.get(source.format, (source.format,)):
        raise ImportFileError(
            f"Le contenu lu n'est pas au format attendu ({FORMAT_NAMES[source.format]}) : "
            f"c'est un fichier {FORMAT_NAMES.get(parsed.format, parsed.format)}.")
    return parsed


def read_features(features: list) -> Source:
    """Another Maillage's features as the rows of a GeoJSON file."""
    return json_source({"type": "FeatureCollection", "features": features},
                       FILENAMES["maillage"], current_app.config["IMPORT_MAX_ROWS"])


def mapping_for(source: HarvestSource, parsed: Source) -> dict[str, str]:
    """The guessed mapping, changed by the source's saved one (an empty column unmaps);
    every column the saved one names must still be in the file."""
    mapping = guess_mapping(parsed)
    saved = source.column_mapping or {}
    missing = sorted({column for column in saved.values() if column} - set(parsed.columns))
    if missing:
        raise ImportFileError(
            f"Colonne(s) de la correspondance enregistrée absente(s) du fichier : "
            f"{', '.join(missing)}. Colonnes du fichier : {', '.join(parsed.columns)[:300]}.")
    for target, column in saved.items():
        if column:
            mapping[target] = column
        else:
            mapping.pop(target, None)
    return mapping


def parse_mapping(lines: list[str]) -> dict[str, str]:
    """"champ=colonne" lines as a saved mapping; ValueError names the first bad line."""
    mapping = {}
    for line in (line.strip() for line in lines):
        if not line:
            continue
        target, sep, column = line.partition("=")
        if not sep or target.strip() not in TARGETS:
            raise ValueError(f"« {line[:80]} » : champ=colonne attendu, le champ parmi "
                             f"{', '.join(TARGETS)}.")
        mapping[target.strip()] = column.strip()
    return mapping


def mapping_lines(mapping: dict[str, str] | None) -> str:
    return "\n".join(f"{target}={column}" for target, column in (mapping or {}).items())


def plan(source: HarvestSource, parsed: Source) -> Plan:
    """Plan every row against the entries already known (by id, then as duplicates)."""
    if not parsed.rows:
        raise ImportFileError("La source ne contient aucune entrée : rien n'a été archivé. "
                              "Si elle est vide pour de bon, mettez-la en pause.")
    mapping = mapping_for(source, parsed)
    check_mapping(parsed, mapping)
    options = ImportOptions(shapes_to_points=True)
    planner = HarvestPlanner(row_context(parsed, mapping, options, key_prefix(source)))
    planned = planner.plan_all(parsed.rows)
    if all(row.report.action == "error" for row in planned):
        first = "; ".join(f"{row.report.label} : {' '.join(row.report.reasons)}"
                          for row in planned[:3])
        raise ImportFileError(f"Aucune entrée lisible ({len(planned)} en erreur) : {first}"[:1500])
    return Plan(planned, all(row.key is not None for row in planned))


def key_prefix(source: HarvestSource) -> str:
    """The external ids' prefix of a source's rows: frozen, whatever its name becomes."""
    return f"moisson-{source.id}"


class HarvestPlanner(Planner):
    """The importer's planner, keeping each row's id at the source and values' digest."""

    def decide(self, row, values: r.RowValues, who: r.Identity | None) -> HarvestRow:
        report = super().decide(row, values, who)
        if who is None:  # rows in error: still known by an id the file gives
            found = r.identity(row, values, self.ctx)
            who = found if found.explicit else None
        key = source_id(who.key, self.ctx.source_key) if who else None
        return HarvestRow(report, key, None if report.action == "error" else digest(values.data))


def source_id(external_id: str, prefix: str) -> str:
    """The id at the source in an external id ("import:moisson-3:42" → "42"; another
    Maillage's "import:host:7" → "host:7")."""
    return external_id.removeprefix(f"import:{prefix}:").removeprefix("import:")


def digest(values: dict) -> str:
    """A fingerprint of the values a row gave: equal when the source did not change it."""
    data = orjson.dumps(values, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
                        default=str)
    return hashlib.sha256(data).hexdigest()
