"""`python -m benchmarks --size 10000`: measure, then write BENCHMARKS.md."""

import argparse
import os
import sys

from benchmarks import PROJECT_ROOT, RESULTS_DIR, report, scales_for
from benchmarks.context import Settings
from benchmarks.figures import Run
from benchmarks.runner import log, run_all


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE") or 10_000),
                        help="largest scale (default 10000): every standard scale up to it "
                             "is measured (1000, 10000, 100000, 1000000)")
    parser.add_argument("--scales", type=int, nargs="+",
                        help="measure exactly these scales instead (quick runs)")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--postgres", action="store_true", default=None,
                          help="measure PostgreSQL too, installing/starting it if needed")
    database.add_argument("--no-postgres", dest="postgres", action="store_false",
                          help="SQLite only")
    parser.add_argument("--load-seconds", type=float, default=10,
                        help="duration of each wrk run (default 10)")
    parser.add_argument("--write-seconds", type=float,
                        help="duration of each submissions run (default 30 when SIZE >= "
                             "100000, else 10)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="repetitions of warm fetches, bbox rounds, page loads (default 3)")
    parser.add_argument("--only", nargs="+", default=(), metavar="SCENARIO",
                        choices=("collection", "bbox", "single", "map_page", "page_weight",
                                 "directory", "exchange", "submissions", "listing"),
                        help="run only these scenarios")
    parser.add_argument("--sqlite-max", type=int, default=1_000_000, metavar="N",
                        help="measure SQLite only at scales up to N (default 1000000; "
                             "e.g. 100000 to measure 1,000,000 on PostGIS alone)")
    parser.add_argument("--import-ratio", type=float, default=0.1,
                        help="rows imported by the import scenario, as a share of the scale "
                             "(default 0.1)")
    parser.add_argument("--import-max", type=int, default=100_000,
                        help="at most this many rows imported (default 100000)")
    parser.add_argument("--keep-database", action="store_true",
                        help="keep the PostgreSQL database maillage_bench loaded at the end, "
                             "and reuse it when it holds the scale's rows at the migrations' "
                             "head (re-measure one scenario at 1,000,000 in minutes)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--report-only", action="store_true",
                        help="write BENCHMARKS.md again from benchmarks/results/results.json")
    parser.add_argument("--merge", action="store_true",
                        help="keep the previous run's figures (benchmarks/results/results.json) "
                             "and replace only those of the scenarios, scales and databases "
                             "measured now")
    parser.add_argument("--profile", nargs="?", const="auto", default=None,
                        metavar="SCENARIO",
                        help="pyinstrument the scenario missing its target by the most (or "
                             "the one named: collection, bbox, single, map_page, exchange)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(sys.argv[1:] if argv is None else argv)
    if args.report_only:
        report.write(Run.load(RESULTS_DIR / "results.json"), PROJECT_ROOT / "BENCHMARKS.md")
        return 0
    scales = sorted(set(args.scales)) if args.scales else scales_for(args.size)
    size = max(scales)
    write_seconds = args.write_seconds or (30 if size >= 100_000 else 10)
    settings = Settings(size, args.load_seconds, write_seconds, max(1, args.repeats),
                        args.chromium, args.profile, tuple(args.only), args.sqlite_max,
                        args.import_ratio, args.import_max, args.keep_database)
    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    log(f"scales {scales}; report: BENCHMARKS.md")
    earlier = Run.load(RESULTS_DIR / "results.json") if args.merge else None
    run = run_all(settings, scales, args.postgres, command.strip(), earlier)
    log(f"done: {len(run.figures)} figures, {len(run.unavailable)} not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
