"""A large import's memory does not grow with its file: the command line reads a CSV's rows
a batch at a time at each pass, the report keeps a few short fields per row, and the
commit writes a batch at a time, all in one transaction."""

import tracemalloc

import pytest

from app.database import write_transaction
from app.exchange import imports
from app.exchange.cli_support import load_source, mapping_for
from app.exchange.file_sources import CsvFileRows
from app.geo.territory import current_gazetteer
from app.initiatives.geojson import load_themes
from tests.test_import import count_initiatives

SMALL, LARGE = 500, 2500
# What a row of the report keeps (its number, label, name and outcome) and the ids the
# import remembers: about 0.5 KB. Before, rows, values and report took over 3.5 KB a row.
BYTES_PER_ROW = 1500
CLUNY, RENNES = (4.62, 46.40), (-1.72, 48.08)  # apart: the second file duplicates nothing
DESCRIPTION = "Un atelier de quartier ouvert à tous, où l'on répare et apprend. " * 6


def write_csv(path, count: int, near=CLUNY):
    """A CSV of new initiatives near a place, each with its id, as a spreadsheet writes them."""
    with path.open("w", encoding="utf-8") as file:
        file.write("id,name,summary,description,kind,lat,lon\n")
        for n in range(count):
            lat, lon = near[1] + (n // 100 % 100) * 0.0008, near[0] + n % 100 * 0.0008
            file.write(f"{path.stem}-{n},Atelier {n} du quartier,Réparer ensemble n° {n},"
                       f"\"{DESCRIPTION}\",place,{lat:.5f},{lon:.5f}\n")
    return path


def peak_bytes(path, commit: bool) -> tuple[int, imports.ImportReport]:
    """The Python memory an import of the file takes at its peak, and its report."""
    load_themes(), current_gazetteer()  # loaded once per process, whatever the file
    tracemalloc.start()
    try:
        source = load_source(path, 10**9, 10**6)
        options = imports.ImportOptions(site="http://localhost")
        if commit:
            with write_transaction():
                report = imports.commit(source, mapping_for(source, ()), options, author=None)
        else:
            report = imports.dry_run(source, mapping_for(source, ()), options)
        return tracemalloc.get_traced_memory()[1], report
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("commit", [False, True], ids=["dry run", "commit"])
def test_an_import_peak_does_not_grow_with_its_file(app, themes, tmp_path, commit):
    small, _ = peak_bytes(write_csv(tmp_path / "small.csv", SMALL), commit)
    large, report = peak_bytes(write_csv(tmp_path / "large.csv", LARGE, RENNES), commit)
    assert report.counts["create"] == LARGE and report.committed is commit
    if commit:
        assert count_initiatives() == SMALL + LARGE
    assert large - small < (LARGE - SMALL) * BYTES_PER_ROW, (small, large)
    print(f"{large - small:,} bytes more for {LARGE - SMALL:,} more rows")


def test_a_csv_file_is_read_again_at_each_pass_not_held(app, tmp_path):
    source = load_source(write_csv(tmp_path / "rows.csv", 3), 10**6, 10)
    assert isinstance(source.rows, CsvFileRows) and len(source.rows) == 3
    first, again = list(source.rows), list(source.rows)
    assert first == again and [row.label for row in first] == ["ligne 2", "ligne 3", "ligne 4"]
    assert first[0].properties["id"] == "rows-0"
