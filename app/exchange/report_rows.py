"""An import report's rows, written to a temporary file as they are planned.

A report of 100,000 rows (each row's reasons are a few sentences) is written out a batch at
a time and read back a batch at a time: neither the dry run, nor the commit, nor the page
or the command printing it holds it whole. The file is deleted once the report is let go.
"""

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import orjson


@dataclass(slots=True)
class RowReport:
    """What one row will do (or did), and why: its values (data) only while it is planned
    and written, so a report holds a few short fields per row."""

    number: int
    label: str
    name: str
    action: str = "create"
    reasons: list[str] = field(default_factory=list)
    data: dict | None = field(default_factory=dict)
    target_id: int | None = None
    written_id: int | None = None


class ReportRows:
    """Rows appended a batch at a time to a temporary file, read back in order as often as
    needed (two readings may interleave, and rows may be appended meanwhile)."""

    def __init__(self, rows: Iterable[RowReport] = ()):
        self.file = tempfile.TemporaryFile(buffering=0)
        self.batches: list[tuple[int, int]] = []  # each batch's offset and size in the file
        self.end = self.count = 0
        self.extend(rows)

    def extend(self, rows: Iterable[RowReport]) -> None:
        """Append rows (their values, data, are not kept)."""
        fields = [(row.number, row.label, row.name, row.action, row.reasons, row.target_id,
                   row.written_id) for row in rows]
        if not fields:
            return
        encoded = orjson.dumps(fields)
        os.pwrite(self.file.fileno(), encoded, self.end)
        self.batches.append((self.end, len(encoded)))
        self.end += len(encoded)
        self.count += len(fields)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[RowReport]:
        for offset, size in list(self.batches):
            for number, label, name, action, reasons, target_id, written_id in orjson.loads(
                    os.pread(self.file.fileno(), size, offset)):
                yield RowReport(number, label, name, action, reasons, None, target_id,
                                written_id)

    def __getitem__(self, index: int | slice) -> RowReport | list[RowReport]:
        """A row or rows by position: reads the whole report, for a few rows (tests)."""
        return list(self)[index]
