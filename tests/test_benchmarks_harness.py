"""The benchmark harness: scales, statistics, wrk parsing, loading, floors, server, report."""

import itertools
import sqlite3
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from benchmarks import load, report, scales_for, wrk
from benchmarks.client import get
from benchmarks.context import Settings
from benchmarks.figures import Run, Target, merged, percentile
from benchmarks.floors import BoxQuery, RawIndex
from benchmarks.generate import Generator, load_communes
from benchmarks.processes import run_measured
from benchmarks.runner import scenarios_for
from benchmarks.server import PeakMemory, Server
from benchmarks.writers import HiddenInputs, form_post

GAZETTEER = Path(__file__).resolve().parent.parent / "geodata" / "build" / "gazetteer.sqlite"
ROWS = 300
WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:40001
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.10ms    4.20ms  80.00ms   91.00%
    Req/Sec     1.20k   100.00     1.40k    75.00%
  Latency Distribution
     50%   19.50ms
     75%   22.00ms
     90%   26.00ms
     99%    1.20s
  7212 requests in 3.00s, 2.10MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:   2404.00
Transfer/sec:    716.00KB
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A SQLite database migrated and bulk-loaded the benchmark's way."""
    database = load.fresh_sqlite(tmp_path_factory.mktemp("bench"), ROWS)
    rows = Generator(load_communes(GAZETTEER), seed=3).rows(ROWS)
    load.prepare(database, iter(rows), ROWS)  # read once, as a generator is
    return database, rows


def test_size_selects_every_standard_scale_up_to_it():
    assert scales_for(10_000) == [1_000, 10_000]
    assert scales_for(100_000) == [1_000, 10_000, 100_000]
    assert scales_for(500) == [500]
    assert scales_for(20_000) == [1_000, 10_000, 20_000]
    assert scales_for(1_000_000) == [1_000, 10_000, 100_000, 1_000_000]


def test_exports_from_10k_and_submissions_only_at_the_largest_scale():
    names = lambda scale, scales: [m.__name__.rsplit(".", 1)[-1]  # noqa: E731
                                   for m in scenarios_for(scale, scales)]
    assert "exchange" not in names(1_000, [1_000, 10_000])
    assert names(10_000, [1_000, 10_000])[-2:] == ["exchange", "submissions"]
    assert names(1_000, [1_000])[-2:] == ["exchange", "submissions"]
    assert [m.__name__ for m in scenarios_for(1_000, [1_000], ("bbox",))] == [
        "benchmarks.scenarios.bbox"]


def test_percentile_takes_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7.0


def test_targets_say_by_how_much_they_are_missed():
    ratio = Target("ratio", 1.5, text="≤ 1.5×")
    assert ratio.met(10, 1.2) and not ratio.met(10, 3.0)
    assert ratio.miss(10, 3.0) == "3× vs 1.5×: 100 % over"
    throughput = Target("ratio", 0.5, higher_is_better=True)
    assert throughput.miss(1, 0.25) == "0.25× vs 0.5×: 50 % below"
    assert Target("value", 0).met(0, None) and not Target("value", 0).met(2, None)
    assert Target("value", 0).miss(2, None) == "2 vs 0"


def test_wrk_report_is_parsed():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests_per_s == 2404.0
    assert result.p50_ms == 19.5 and result.p99_ms == 1200.0
    assert (result.requests, result.non_2xx, result.socket_errors) == (7212, 12, 4)


def test_wrk_script_rotates_through_the_paths(tmp_path):
    script = wrk.lua_script(['/initiatives/1-a', '/initiatives/2-"b"'], tmp_path / "s.lua")
    text = script.read_text()
    assert '"/initiatives/1-a", "/initiatives/2-\\"b\\""' in text
    assert "paths[(counter % #paths) + 1]" in text


@pytest.mark.slow
def test_bulk_load_goes_through_the_schema_and_fills_the_rtree(loaded):
    database, rows = loaded
    with sqlite3.connect(database.url.removeprefix("sqlite:///")) as connection:
        count = lambda table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731, S608
        assert count("initiatives") == count("initiatives_rtree") == ROWS
        assert count("initiative_themes") == sum(len(row["themes"]) for row in rows)
        assert count("alembic_version") == 1


def test_bulk_load_builds_the_indexes_and_triggers_again(loaded, tmp_path):
    database, _rows = loaded
    fresh = load.fresh_sqlite(tmp_path, 1)
    load.migrate(fresh)
    schema = ("SELECT type, name, tbl_name, sql FROM sqlite_master "
              "WHERE type IN ('index', 'trigger') ORDER BY type, name")
    with sqlite3.connect(database.url.removeprefix("sqlite:///")) as loaded_db, \
            sqlite3.connect(fresh.url.removeprefix("sqlite:///")) as migrated:
        assert loaded_db.execute(schema).fetchall() == migrated.execute(schema).fetchall()
        # The trigger is back: a row written by the app finds its way into the R*Tree.
        loaded_db.execute("UPDATE initiatives SET lon = 2.5, lat = 46.5 WHERE id = 1")
        assert loaded_db.execute("SELECT min_lon FROM initiatives_rtree WHERE id = 1"
                                 ).fetchone()[0] == pytest.approx(2.5)


def test_each_scale_streams_the_first_rows_of_the_larger_ones():
    communes = load_communes(GAZETTEER)
    larger = Generator(communes, seed=4).stream(25_000)
    assert not isinstance(larger, list)  # drawn as they are read
    assert list(itertools.islice(larger, 120)) == Generator(communes, seed=4).rows(120)


def test_import_rows_are_a_share_of_the_scale_up_to_a_cap():
    settings = Settings(10_000, 1, 1, 1, "")
    assert [settings.import_rows(scale) for scale in (1_000, 10_000, 100_000, 1_000_000,
                                                      5_000_000)] == [
        100, 1_000, 10_000, 100_000, 100_000]


@pytest.mark.slow
def test_raw_index_floor_returns_what_the_app_returns(loaded):
    from app.extensions import db
    from app.filters import parse_filters
    from app.geo.spatial import select_initiatives

    database, rows = loaded
    box = (-1.0, 43.0, 6.0, 49.5)
    app = load.bench_app(database)
    index = RawIndex(database)
    try:
        for query in (BoxQuery(box), BoxQuery(box, "gestion-de-crise", "initiative")):
            with app.app_context():
                stmt = select_initiatives(parse_filters(MultiDict(query.params())))
                expected = db.session.scalars(stmt.with_only_columns(
                    sa.literal_column("initiatives.id"))).all()
            seconds, count = index.run(query)
            assert count == len(expected) > 0 and seconds > 0
    finally:
        index.close()


@pytest.mark.slow
def test_server_serves_the_app_and_the_floors_then_stops(loaded, tmp_path):
    database, rows = loaded
    server = Server(database, tmp_path / "static", tmp_path / "gunicorn.log")
    with server:
        assert len(server.worker_pids()) == 2
        (server.static_dir / "page.json").write_bytes(b'{"a": 1}')
        with PeakMemory(server) as memory:
            fixed = get(server.base_url, "/__bench/fixed")
            static = get(server.base_url, "/__bench/static/page.json")
            empty_map = get(server.base_url, "/__bench/empty-map")
        assert fixed.status == 200 and len(fixed.body) == 2048
        assert static.body == b'{"a": 1}'
        assert b"leaflet.js" in empty_map.body and b"initiative-cluster" in empty_map.body
        health = orjson.loads(get(server.base_url, "/healthz").body)
        assert health["status"] == "ok" and "initiatives" not in health  # counts: admins only
        assert memory.reset and 20 < memory.peak_mb < 1000
    assert server.process.poll() is not None


def test_a_command_reports_its_own_peak_memory(tmp_path):
    data = tmp_path / "data.json"
    data.write_text('{"a": [1, 2, 3]}')
    seconds, peak_mb, output = run_measured(["json.tool", str(data)], {"PATH": "/usr/bin"})
    assert '"a"' in output and seconds > 0
    assert 1 < peak_mb < 60  # its own, not the larger test process's it was forked from
    with pytest.raises(RuntimeError):
        run_measured(["json.tool", str(tmp_path / "missing.json")], {})


def test_proposal_post_carries_the_tokens_and_leaves_the_honeypot_empty():
    parser = HiddenInputs()
    parser.feed('<form><input type="hidden" name="csrf_token" value="t1">'
                '<input name="nickname" value=""><input type="hidden" name="stamp" value="s">')
    data = {"name": "Atelier", "kind": "place", "themes": ["gestion-de-crise"],
            "commune_name": "Cluny", "insee": "71137", "lon": 4.66, "lat": 46.43}
    posted = form_post(data, parser.values)
    assert posted["csrf_token"] == "t1" and posted["stamp"] == "s"
    assert posted["nickname"] == "" and posted["consent"] == "y"


def test_report_shows_floors_misses_and_what_is_not_available():
    run = Run(1000, [1000], machine={"nproc": 2, "date": "today"},
              command="python -m benchmarks --size 1000")
    run.add("bbox", "sqlite", 1000, "p50 latency", 30.0, "ms", floor=10.0,
            floor_label="raw index query + orjson", target=Target("ratio", 1.5, text="≤ 1.5×"))
    run.missing("map page", "postgresql", 1000, "GET / answered 404: not available yet")
    text = report.render(run)
    assert "| SQLite | 1,000 | p50 latency | 30 ms | 10 ms (raw index query + orjson) | 3.00× |" \
        in text
    assert "**missed** (3× vs 1.5×: 100 % over)" in text
    assert "Not measured (PostgreSQL, 1,000): GET / answered 404: not available yet" in text
    assert "| nproc | 2 |" in text
    assert "Generated by `python -m benchmarks --size 1000`" in text


def test_report_shows_every_scenario_measured_titled_or_not():
    run = Run(1000, [1000], machine={"date": "today"}, command="python -m benchmarks")
    run.add("printed directory", "sqlite", 1000, "500 entries, cold", 8000.0, "ms")
    run.add("a scenario of tomorrow", "sqlite", 1000, "its figure", 1.0, "ms")
    text = report.render(run)
    assert "## 10. Printed directory of 500 entries (PDF)" in text
    assert "| SQLite | 1,000 | 500 entries, cold | 8,000 ms |" in text
    assert "## a scenario of tomorrow" in text and "| its figure | 1 ms |" in text


def test_a_saved_run_is_read_back_for_its_report(tmp_path):
    run = Run(1000, [1000], command="python -m benchmarks")
    run.add("collection", "postgresql", 1000, "cold", 9.0, "ms", floor=3.0,
            target=Target("ratio", 1.5))
    run.missing("bbox", "sqlite", 1000, "not available yet")
    run.save(tmp_path / "results.json")
    again = Run.load(tmp_path / "results.json")
    assert again.figures[0].ratio == 3.0 and again.figures[0].met is False
    assert report.render(again) == report.render(run)


def test_a_merged_run_replaces_only_what_was_measured_again(tmp_path):
    earlier = Run(1_000_000, [1_000_000], command="python -m benchmarks --scales 1000000",
                  machine={"date": "2026-12-06 05:34 UTC"})
    earlier.add("map page", "postgresql", 1_000_000, "settled", 2400.0, "ms")
    earlier.add("bbox", "postgresql", 1_000_000, "p50 latency", 9.0, "ms")
    earlier.missing("list pages", "postgresql", 1_000_000, "crashed")
    earlier.add("memory", "postgresql", 1_000_000, "exports and import: import", 1400.0, "MB")
    earlier.add("memory", "postgresql", 1_000_000, "map page: map page loads", 210.0, "MB")
    later = Run(1_000_000, [1_000_000], command="python -m benchmarks --only map_page --merge",
                machine={"date": "2026-12-06 07:10 UTC",
                         "load average at start (1/5/15 min)": "0.5 / 0.6 / 0.7"})
    later.add("map page", "postgresql", 1_000_000, "settled", 900.0, "ms")
    later.add("memory", "postgresql", 1_000_000, "map page: map page loads", 220.0, "MB")
    later.save(tmp_path / "later.json")

    run = merged(earlier, Run.load(tmp_path / "later.json"))

    assert [(f.scenario, f.value) for f in run.figures] == [
        ("bbox", 9.0), ("memory", 1400.0), ("map page", 900.0), ("memory", 220.0)]
    assert [u.scenario for u in run.unavailable] == ["list pages"]
    text = report.render(run)
    assert "Generated by `python -m benchmarks --scales 1000000`" in text
    assert ("- `python -m benchmarks --only map_page --merge` on 2026-12-06 07:10 UTC (load "
            "average at start 0.5 / 0.6 / 0.7, at end ?): map page (postgresql, 1,000,000)"
            in text)
