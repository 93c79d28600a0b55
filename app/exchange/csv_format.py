"""CSV for spreadsheets: writing (formula injection neutralised) and reading (any delimiter)."""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import TextIO

from app.exchange.errors import ImportFileError, too_many_rows
from app.exchange.flat import ExportItem, flat_properties
from app.models.place_details import PLACE_DETAIL_FIELDS

COLUMNS = (
    "uid", "name", "summary", "description", "kind", "kind_label", "themes", "theme", "tags",
    "actor_name", "actor_type", "actor_id", "actor_siren", "actor_siret", "actor_rna", "partners",
    "commune", "insee", "epci", "departement", "region", "scope", "territory", "territory_name",
    "location_precision", "lon", "lat", "website", "public_contact", "started_on", "ended_on",
    "research_partnership", "source", "source_title", "source_url", "last_verified_on",
    "status", "url", "updated_at", *PLACE_DETAIL_FIELDS, "life_status", "life_note",
    "dossiers",
)
# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
ESCAPE = "'"
DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 20
SNIFF_BYTES = 64 * 1024


def neutralise(value: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe.

    Cells already starting with the apostrophe get one more, so reading strips exactly one.
    """
    if value.startswith(FORMULA_TRIGGERS) or value.startswith(ESCAPE):
        return ESCAPE + value
    return value


def unneutralise(value: str) -> str:
    """Undo neutralise() on a cell read back."""
    if len(value) > 1 and value[0] == ESCAPE and value[1] in (*FORMULA_TRIGGERS, ESCAPE):
        return value[1:]
    return value


def cell(value) -> str | int | float:
    """The CSV value of a property: numbers stay numbers, text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def csv_export(batches: Iterable[list[ExportItem]]) -> Iterator[bytes]:
    """UTF-8 CSV (with a BOM, so spreadsheets detect the encoding), one line per initiative.

    Written a batch at a time: the bytes are those of the whole file encoded at once.
    """
    yield "\ufeff".encode() + csv_lines([COLUMNS])
    for items in batches:
        yield csv_lines(csv_row(item) for item in items)


def csv_row(item: ExportItem) -> list:
    properties = flat_properties(item)
    properties["lon"], properties["lat"] = item.lon, item.lat
    return [cell(properties.get(column)) for column in COLUMNS]


def csv_lines(rows: Iterable) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def decode(data: bytes) -> str:
    """The text of an uploaded file, which must be UTF-8 (a BOM is accepted)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8(data[: error.start].count(b"\n") + 1) from None


def not_utf8(line: int) -> ImportFileError:
    return ImportFileError(
        f"Le fichier n'est pas encodé en UTF-8 (octet invalide ligne {line}). "
        "Enregistrez-le au format « CSV UTF-8 » et recommencez.")


def detect_delimiter(text: str) -> str:
    """The delimiter giving the same number (> 1) of columns on the first records.

    Records are read as CSV (quoted cells may hold newlines), the last one of the sample
    left out since the sample may cut it.
    """
    sample = text[:SNIFF_BYTES]
    best, best_columns = ",", 0
    for delimiter in DELIMITERS:
        counts = record_lengths(sample, delimiter)
        if counts and counts[0] > best_columns and len(set(counts)) == 1:
            best, best_columns = delimiter, counts[0]
    return best


def record_lengths(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        counts = [len(row) for row in itertools.islice(reader, SNIFF_LINES + 1) if row]
    except csv.Error:
        return []
    return counts[:-1] if len(counts) > 1 and len(sample) == SNIFF_BYTES else counts


def header_names(row: list[str]) -> list[str]:
    """Column names, stripped, never empty, never repeated."""
    names: list[str] = []
    for index, raw in enumerate(row, start=1):
        name = raw.strip() or f"colonne {index}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def read_csv(data: bytes, max_rows: int | None = None
             ) -> tuple[list[str], list[tuple[int, dict, str | None]]]:
    """Columns and rows (line number, values, problem) of a CSV file; refuse it as soon as
    it holds more than max_rows rows (the rest is never read)."""
    delimiter = detect_delimiter(decode(data))  # the whole text decoded once, to check it
    # Decoded as it is read: io.StringIO would hold the text at 4 bytes a character.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    columns, records = csv_records(lines, delimiter)
    rows = list(itertools.islice(records, None if max_rows is None else max_rows + 1))
    if max_rows is not None and len(rows) > max_rows:
        raise too_many_rows(max_rows)
    return columns, rows


def csv_records(lines: TextIO, delimiter: str
                ) -> tuple[list[str], Iterator[tuple[int, dict, str | None]]]:
    """The columns of a CSV text, and its rows (line number, values, problem) as they are
    read; raise ImportFileError for a file without columns or one the reader cannot read."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        columns = header_names(next(reader, []))
    except csv.Error as error:
        raise unreadable(reader, error) from None
    if not columns:
        raise ImportFileError("Le fichier CSV est vide.")
    return columns, records_of(reader, columns)


def records_of(reader, columns: list[str]) -> Iterator[tuple[int, dict, str | None]]:
    try:
        for values in reader:
            if any(values):
                yield parsed_row(reader.line_num, values, columns)
    except csv.Error as error:
        raise unreadable(reader, error) from None


def unreadable(reader, error: csv.Error) -> ImportFileError:
    return ImportFileError(f"CSV illisible ligne {reader.line_num} : {error}.")


def parsed_row(line: int, values: list[str], columns: list[str]) -> tuple[int, dict, str | None]:
    problem = None
    if len(values) != len(columns):
        problem = f"{len(values)} valeurs pour {len(columns)} colonnes"
    return line, dict(zip(columns, (unneutralise(v) for v in values), strict=False)), problem
