"""`--keep-database`: the benchmark's PostgreSQL database is reused only when it holds the
scale's rows at the migrations' head (issue 19: re-measure one scenario at 1M in minutes)."""

import os

import pytest

from benchmarks import load, postgres


@pytest.mark.slow
def test_a_kept_database_is_reused_only_at_its_scale_and_head(monkeypatch):
    if not postgres.server_online():
        pytest.skip("no PostgreSQL server on this machine")
    monkeypatch.setattr(postgres, "BENCH_DB", f"maillage_keep_{os.getpid()}")
    try:
        database = load.fresh_postgres()
        assert load.kept_postgres(0) is None  # created, never migrated
        load.migrate(database)
        assert load.kept_postgres(0) == database
        assert load.kept_postgres(1000) is None  # another scale, or rows written since
        monkeypatch.setattr(load, "migration_head", lambda: "0123456789ab")
        assert load.kept_postgres(0) is None  # a migration landed since
    finally:
        postgres.drop_database()


def test_the_option_reaches_the_settings():
    from benchmarks.__main__ import arguments

    assert arguments(["--keep-database"]).keep_database
    assert not arguments([]).keep_database
