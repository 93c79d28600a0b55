"""Scenario 5: eight concurrent writers, through the service and through the proposal form.

Service path: eight processes, each `create_initiative(...)` inside `write_transaction()` in
a loop, as a request does (a read first). HTTP path: eight processes, each loading
`/initiatives/new` and posting it (CSRF token and honeypot as a browser sends them; the bench
server turns the rate limit and the minimum filling time off). Each writer tags the names it
writes, so the rows found afterwards tell whether any was lost.
"""

import multiprocessing
import time
import uuid

import sqlalchemy as sa

from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target
from benchmarks.server import PeakMemory
from benchmarks.writers import http_writer, service_writer

NAME = "submissions"
WRITERS = 8
START_TIMEOUT_S = 180


def run_writers(target, args: tuple, seconds: float) -> list[dict]:
    """Start the writers, release them together, collect what each one did."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(WRITERS + 1)
    results = spawn.Queue()
    processes = [spawn.Process(target=target, args=(barrier, results, *args, writer, seconds))
                 for writer in range(WRITERS)]
    for process in processes:
        process.start()
    try:
        barrier.wait(timeout=START_TIMEOUT_S)
        found = [results.get(timeout=seconds + START_TIMEOUT_S) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return found


def rows_found(ctx: Context, tag: str) -> int:
    from app.extensions import db
    from app.models import Initiative

    with ctx.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)
                                 .where(Initiative.name.startswith(f"[{tag} ")))


def record(ctx: Context, label: str, results: list[dict], tag: str, seconds: float) -> None:
    written = sum(result["ok"] for result in results)
    errors = sum(result["errors"] for result in results)
    found = rows_found(ctx, tag)
    samples = [e for result in results for e in result["first_errors"]][:2]
    note = f"{WRITERS} writers × {seconds:g} s; {written} accepted, {found} rows found" + (
        f"; first errors: {samples}" if samples else "")
    ctx.add(NAME, f"{label}: submissions/s", written / seconds, "/s", note=note)
    ctx.add(NAME, f"{label}: errors", errors, "errors",
            target=Target("value", 0, text="0 errors"), note=note)
    ctx.add(NAME, f"{label}: rows lost", written - found, "rows",
            target=Target("value", 0, text="0 rows lost"), note=note)


def measure(ctx: Context) -> None:
    seconds = ctx.settings.write_seconds
    tag = f"bench-{uuid.uuid4().hex[:8]}"
    gazetteer = ctx.app.config["GAZETTEER_PATH"]
    started = time.perf_counter()
    results = run_writers(service_writer, (ctx.database.url, gazetteer, f"{tag}-s"), seconds)
    ctx.run.timings[f"submissions service {ctx.database.dialect}"] = time.perf_counter() - started
    record(ctx, "service (create_initiative)", results, f"{tag}-s", seconds)
    peak = max(result["maxrss_mb"] for result in results)
    ctx.memory(NAME, "service writer process", peak, True)
    form = get(ctx.base_url, "/initiatives/new")
    if form.status != 200:
        ctx.missing(NAME, f"HTTP path: GET /initiatives/new answered {form.status}")
        return
    with PeakMemory(ctx.server) as memory:
        results = run_writers(http_writer, (ctx.base_url, gazetteer, f"{tag}-h"), seconds)
    record(ctx, "HTTP POST /initiatives/new", results, f"{tag}-h", seconds)
    ctx.memory(NAME, "HTTP proposal form", memory.peak_mb, memory.reset)
