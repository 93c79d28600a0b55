"""An import file read from disk (the command line): a CSV is read again at each pass, a
batch of rows at a time, so a file of 100,000 rows is never held whole.

The file is checked whole before its rows are planned, as an upload is: it must be UTF-8,
readable as CSV and within IMPORT_MAX_ROWS. It must not change during the import.
"""

import codecs
import io
import itertools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from app.exchange.csv_format import SNIFF_BYTES, csv_records, detect_delimiter, not_utf8
from app.exchange.errors import too_large, too_many_rows
from app.exchange.sources import (
    MAX_COLUMNS,
    READ_CHUNK,
    RawRow,
    Source,
    capped_chunks,
    is_csv,
    parse_source,
    read_capped,
)
from app.exchange.standard_imports import standard_format

UTF8_MAX_BYTES = 4  # a character's bytes at most: enough bytes for SNIFF_BYTES characters


class CsvFileRows:
    """The rows of a CSV file, parsed again each time they are read (their number known)."""

    def __init__(self, path: Path, delimiter: str, count: int):
        self.path, self.delimiter, self.count = path, delimiter, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[RawRow]:
        with self.path.open("rb") as file:
            _, records = csv_records(text_lines(file), self.delimiter)
            for line, values, problem in itertools.islice(records, self.count):
                yield RawRow(line, f"ligne {line}", values, problem=problem)


def text_lines(file) -> io.TextIOWrapper:
    """The file's text, decoded as it is read (a BOM is dropped)."""
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def parse_file(path: Path, max_bytes: int, max_rows: int | None = None,
               filename: str | None = None) -> Source:
    """Parse an import file on disk, as parse_source parses its bytes (same checks, same
    rows); only a CSV's rows are left on disk (JSON is parsed whole: orjson has no stream).

    filename: the name the file came with (an upload spooled under another), else its own.
    """
    name = filename or path.name
    if path.stat().st_size > max_bytes:
        raise too_large(max_bytes)
    with path.open("rb") as file:
        head = file.read(SNIFF_BYTES * UTF8_MAX_BYTES)
    if not head.strip() or not is_csv(head, name):
        with path.open("rb") as file:  # capped as it is read too: the file may be growing
            return parse_source(read_capped(file, max_bytes), name, max_bytes, max_rows)
    check_utf8(path)
    delimiter = detect_delimiter(sniffed_text(head))
    with path.open("rb") as file:
        columns, records = csv_records(text_lines(file), delimiter)
        count = sum(1 for _ in itertools.islice(records, None if max_rows is None
                                                 else max_rows + 1))
    if max_rows is not None and count > max_rows:
        raise too_many_rows(max_rows)
    return Source(standard_format(columns) or "csv", name,
                  CsvFileRows(path, delimiter, count), columns[:MAX_COLUMNS])


@contextmanager
def spooled(stream: BinaryIO, max_bytes: int) -> Iterator[Path]:
    """An upload copied to a temporary file as it is read (refused past max_bytes), deleted
    when the block ends, however it ends: parse_file reads it, never whole for a CSV."""
    with tempfile.NamedTemporaryFile(prefix="maillage-import-") as file:
        for chunk in capped_chunks(stream, max_bytes):
            file.write(chunk)
        file.flush()
        yield Path(file.name)


def sniffed_text(head: bytes) -> str:
    """The first SNIFF_BYTES characters, as detect_delimiter reads them of the whole text."""
    return codecs.getincrementaldecoder("utf-8-sig")().decode(head)[:SNIFF_BYTES]


def check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, saying on which line, as decode() does."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines_before = 0
    with path.open("rb") as file:
        while chunk := file.read(READ_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise not_utf8(lines_before + chunk[:max(error.start, 0)].count(b"\n") + 1
                               ) from None
            lines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a character
            raise not_utf8(lines_before + 1) from None
