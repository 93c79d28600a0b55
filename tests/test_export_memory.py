"""Exports' memory: a process holds a few batches, never a share of the whole collection."""

import tracemalloc

import pytest
import sqlalchemy as sa

from app.exchange import services
from app.filters import Filters
from tests.test_export import MANY, many_initiatives  # noqa: F401 (a fixture)

BATCH = 100


def export_peak(fmt: str) -> int:
    """The bytes Python held at most, beyond what it held before, while writing the export."""
    from app.extensions import db

    db.session.rollback()  # see the rows written since by other connections
    tracemalloc.start()
    try:
        written = sum(len(chunk) for chunk in services.export_chunks(fmt, Filters(), "http://x"))
        assert written
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def keep_published(ids: list[int]) -> None:
    """Leave only these initiatives public (the others pending)."""
    from app.extensions import db
    from app.models import Initiative

    table = Initiative.__table__
    with db.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id.not_in(ids))
                           .values(status="pending"))


@pytest.mark.slow  # tracemalloc slows the exports down three times
@pytest.mark.parametrize("fmt", ["geojson", "umap", "csv", "gpkg"])
def test_an_export_peak_memory_does_not_grow_with_the_rows(many_initiatives, monkeypatch,  # noqa: F811
                                                           fmt):
    monkeypatch.setattr(services, "BATCH_ROWS", BATCH)
    export_peak(fmt)  # the first export imports its libraries
    large = export_peak(fmt)
    keep_published(many_initiatives[:MANY // 4])
    small = export_peak(fmt)
    # 4 times the rows, the same peak: what a batch needs, give or take the allocator.
    assert large < small * 1.25 + 256 * 1024, (small, large)


def test_a_geopackage_holds_a_few_batches_at_a_time_whatever_the_rows(many_initiatives,  # noqa: F811
                                                                     monkeypatch):
    from app.exchange import gpkg

    written = []
    real = gpkg.write_layer
    monkeypatch.setattr(gpkg, "write_layer", lambda frame, path, mode: (
        written.append(len(frame)), real(frame, path, mode)))
    monkeypatch.setattr(services, "BATCH_ROWS", BATCH)
    export_peak("gpkg")
    assert sum(written) == MANY
    # The frames wait for a few batches, not for a number of rows: a worker writing a large
    # export holds the same frames as one writing a small one, and GDAL the same features.
    assert max(written) <= gpkg.WRITE_BATCHES * BATCH < MANY, written
