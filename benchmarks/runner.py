"""A whole run: for each database and scale, load, serve, measure; then the report."""

import time
import traceback
from pathlib import Path

from benchmarks import PROJECT_ROOT, RESULTS_DIR, load, machine, postgres, report
from benchmarks.context import Context, Settings
from benchmarks.figures import Run, merged
from benchmarks.generate import Generator, load_communes
from benchmarks.scenarios import (
    bbox,
    collection,
    directory,
    exchange,
    listing,
    map_page,
    page_weight,
    single,
    submissions,
)
from benchmarks.server import Server, status_kb

READING = (collection, bbox, single, map_page, page_weight, directory, listing)
ERRORS_LOG = RESULTS_DIR / "errors.log"
IN_PROGRESS = RESULTS_DIR / "results-in-progress.json"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def attempt(ctx: Context, module, name: str) -> None:
    """Run one scenario; a failure is reported as such, and the run goes on."""
    log(f"{ctx.database.label}, {ctx.scale:,}: {name}")
    started = time.perf_counter()
    try:
        module.measure(ctx)
    except Exception as error:  # noqa: BLE001 - reported, the other scenarios still run
        first_line = (str(error).strip().splitlines() or [""])[0][:300]
        ctx.missing(getattr(module, "NAME", name), f"failed: {type(error).__name__}: "
                    f"{first_line}")
        with open(ERRORS_LOG, "a") as handle:
            handle.write(f"== {name} {ctx.database.dialect} {ctx.scale}\n"
                         f"{traceback.format_exc()}\n")
    ctx.run.timings[f"{name}, {ctx.database.dialect}, {ctx.scale:,}"] = (
        time.perf_counter() - started)


def module_name(module) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def scenarios_for(scale: int, scales: list[int], only: tuple[str, ...] = ()) -> list:
    """The scenarios of this scale: exports from 10k on, submissions at the largest scale."""
    largest = scale == scales[-1]
    found = list(READING)
    if scale >= 10_000 or (largest and scales[-1] < 10_000):
        found.append(exchange)
    if largest:
        found.append(submissions)
    return [module for module in found if not only or module_name(module) in only]


def measure_scale(run: Run, settings: Settings, database: load.Database, scale: int,
                  communes: list, loaded: bool = False) -> None:
    """Load the database (unless a kept one is `loaded` already), then run the scenarios."""
    workdir = RESULTS_DIR / "work" / f"{database.dialect}-{scale}"
    workdir.mkdir(parents=True, exist_ok=True)
    if loaded:
        run.notes.append(f"{database.label}, {scale:,}: the database kept by a previous run "
                         "(--keep-database) was reused, not loaded again.")
    else:
        # Generated while loading, never all in memory; the same seed gives each scale the
        # first rows of the larger ones.
        prepared = load.prepare(database, Generator(communes).stream(scale), scale)
        run.timings[f"migrate {database.dialect} {scale:,}"] = prepared["migrate_s"]
        run.timings[f"bulk load {database.dialect} {scale:,}"] = prepared["load_s"]
    ctx = Context(run, database, scale, settings, workdir, app=load.bench_app(database))
    try:
        for module in scenarios_for(scale, run.scales, settings.only):
            # A fresh server each time: its workers' memory and caches owe nothing to the
            # scenario before (Python seldom gives memory back to the system).
            with Server(database, workdir / "static", workdir / "gunicorn.log") as server:
                ctx.server = server
                if "idle" not in ctx.shared:
                    ctx.shared["idle"] = idle_worker_mb(ctx)
                attempt(ctx, module, module_name(module))
        if settings.profile and scale == run.scales[-1]:
            run.notes.append(f"Profile ({database.label}, {scale:,}): {profile(ctx)}")
    finally:
        with ctx.app.app_context():
            from app.extensions import db

            db.engine.dispose()
        tidy(workdir)


def tidy(workdir: Path) -> None:
    """Remove the large files a scale leaves (pages, exports, the import CSV); keep logs."""
    for path in sorted(workdir.rglob("*"), reverse=True):
        if path.is_file() and path.suffix != ".log":
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def idle_worker_mb(ctx: Context) -> float | None:
    """A worker's resident memory once the server answers, before any scenario."""
    sizes = [status_kb(pid, "VmRSS") for pid in ctx.server.worker_pids()]
    sizes = [size for size in sizes if size is not None]
    peak = max(sizes) / 1024 if sizes else None
    ctx.memory("server", "idle worker after start", peak, True)
    return peak


def profile(ctx: Context) -> str:
    """Profile the slow scenario; say where the profile is, or why there is none."""
    try:
        from benchmarks.profiling import profile as run_profiler

        path = run_profiler(ctx, ctx.settings.profile)
    except ImportError:
        return "pyinstrument is not installed (.venv/bin/pip install pyinstrument)"
    except Exception as error:  # noqa: BLE001 - the measurements stand without it
        return f"failed: {type(error).__name__}: {error}"
    return str(Path(path).relative_to(PROJECT_ROOT))


def databases(use_postgres: bool | None) -> list:
    """SQLite always; PostgreSQL when asked, or when a server runs and it was not refused."""
    found = ["sqlite"]
    if use_postgres or (use_postgres is None and postgres.server_online()):
        found.append("postgresql")
    return found


def fresh(dialect: str, scale: int) -> load.Database:
    if dialect == "sqlite":
        return load.fresh_sqlite(RESULTS_DIR / "work", scale)
    return load.fresh_postgres()


def run_all(settings: Settings, scales: list[int], use_postgres: bool | None,
            command: str, earlier: Run | None = None) -> Run:
    """Measure every scale on every database; write results.json and BENCHMARKS.md, the
    earlier run's figures kept where this one measured nothing (--merge)."""
    run = Run(settings.size, scales, machine=machine.describe(), command=command)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    ERRORS_LOG.unlink(missing_ok=True)
    started = time.perf_counter()
    communes = load_communes(PROJECT_ROOT / "geodata" / "build" / "gazetteer.sqlite")
    run.timings["read the communes"] = time.perf_counter() - started
    chosen = databases(use_postgres)
    if "postgresql" not in chosen:
        run.notes.append("PostgreSQL was not measured: no server running and --postgres "
                         "not given.")
    try:
        for dialect in chosen:
            for scale in scales:
                if dialect == "sqlite" and scale > settings.sqlite_max:
                    run.missing("all", dialect, scale, f"SQLite measured up to "
                                f"{settings.sqlite_max:,} (--sqlite-max)")
                    continue
                measure_database(run, settings, dialect, scale, communes)
    finally:
        if "postgresql" in chosen and not settings.keep_database:
            postgres.drop_database()
        run.machine["load average at end (1/5/15 min)"] = machine.load_average()
        final = merged(earlier, run) if earlier else run
        final.save(RESULTS_DIR / "results.json")
        report.write(final, PROJECT_ROOT / "BENCHMARKS.md")
    return final


def measure_database(run: Run, settings: Settings, dialect: str, scale: int,
                     communes: list) -> None:
    """A fresh database of this scale, measured, then removed (SQLite files are large).

    With --keep-database, PostgreSQL's is kept at the end and reused by the next run when
    it holds this scale's rows at the migrations' head (a scenario that wrote rows, or a
    new migration, has it loaded again).
    """
    kept = load.kept_postgres(scale) if dialect == "postgresql" and settings.keep_database \
        else None
    database = kept or fresh(dialect, scale)
    if dialect == "postgresql":
        run.machine["postgresql"] = postgres.versions()
    try:
        measure_scale(run, settings, database, scale, communes, loaded=kept is not None)
    finally:
        run.save(IN_PROGRESS)  # results.json is written once the run ends
        if dialect == "sqlite":
            path = database.url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
