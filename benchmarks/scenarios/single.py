"""Scenario 3: one initiative (API and page) under 50 concurrent connections (wrk).

Each request takes the next of 200 initiatives drawn at random. Floor: `/__bench/fixed`, a
bare Flask view returning fixed bytes from the same gunicorn server, loaded the same way.
The pages are anonymous visits: after a worker's first request for a page it answers from its
page cache (app/caching/pages.py), still reading the page's stamp from the database.
"""

import random
from urllib.parse import urlsplit

import sqlalchemy as sa

from benchmarks import wrk
from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target
from benchmarks.server import PeakMemory

NAME = "one initiative"
SAMPLE = 200
ENDPOINTS = (
    ("API /api/v1/initiatives/<id>", "/api/v1/initiatives/{id}"),
    ("page /initiatives/<id>-<slug>", "/initiatives/{id}"),
)


def sample_ids(ctx: Context) -> list[int]:
    from app.extensions import db
    from app.models import Initiative

    with ctx.app.app_context():
        ids = db.session.scalars(sa.select(Initiative.id).where(
            Initiative.status == "published").order_by(Initiative.id)).all()
    return random.Random(3).sample(list(ids), min(SAMPLE, len(ids)))


def canonical_paths(ctx: Context, template: str, ids: list[int]) -> tuple[list[str], str]:
    """The paths to load (following one redirect, to the slugged URL); or why there are none."""
    paths = []
    for initiative_id in ids:
        path = template.format(id=initiative_id)
        answer = get(ctx.base_url, path)
        if answer.status in (301, 302, 303, 307, 308) and answer.header("location"):
            location = urlsplit(answer.header("location"))
            path = location.path + (f"?{location.query}" if location.query else "")
            answer = get(ctx.base_url, path)
        if answer.status != 200:
            return [], f"GET {path} answered {answer.status}: not available yet"
        paths.append(path)
    return paths, ""


def load_floor(ctx: Context) -> wrk.WrkResult:
    """The fixed-bytes route under the same load, once per database and scale."""
    if "fixed" not in ctx.shared:
        script = ctx.workdir / "wrk-fixed.lua"
        ctx.shared["fixed"] = wrk.run(ctx.base_url, ["/__bench/fixed"],
                                      ctx.settings.load_seconds, script)
    return ctx.shared["fixed"]


def measure(ctx: Context) -> None:
    if not wrk.available():
        ctx.missing(NAME, "wrk is not installed (make bench installs Debian's package)")
        return
    ids = sample_ids(ctx)
    for label, template in ENDPOINTS:
        paths, reason = canonical_paths(ctx, template, ids)
        if not paths:
            ctx.missing(NAME, f"{label}: {reason}")
            continue
        floor = load_floor(ctx)
        with PeakMemory(ctx.server) as memory:
            result = wrk.run(ctx.base_url, paths, ctx.settings.load_seconds,
                             ctx.workdir / "wrk-paths.lua")
        ctx.memory(NAME, label, memory.peak_mb, memory.reset)
        record(ctx, label, result, floor)


def record(ctx: Context, label: str, result: wrk.WrkResult, floor: wrk.WrkResult) -> None:
    note = (f"{result.requests} requests over {SAMPLE} initiatives, {result.non_2xx} "
            f"non-2xx/3xx, {result.socket_errors} socket errors; {wrk.CONNECTIONS} connections, "
            f"{ctx.settings.load_seconds:g} s")
    if label.startswith("page"):
        note += "; anonymous, served from each worker's page cache after its first request"
    ctx.add(NAME, f"{label}: throughput", result.requests_per_s, "req/s",
            floor=floor.requests_per_s, floor_label="bare Flask route, fixed bytes",
            target=Target("ratio", 0.5, higher_is_better=True, text="≥ 0.5× the bare route"),
            note=note)
    ctx.add(NAME, f"{label}: p99 latency", result.p99_ms, "ms",
            floor=floor.p99_ms, floor_label="bare Flask route, fixed bytes",
            target=Target("value", 50, text="p99 ≤ 50 ms"), note=note)
    ctx.add(NAME, f"{label}: p50 latency", result.p50_ms, "ms",
            floor=floor.p50_ms, floor_label="bare Flask route, fixed bytes", note=note)
