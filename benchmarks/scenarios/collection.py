"""Scenario 1: the whole collection, /api/v1/initiatives without filter.

The API pages its answer (`limit` up to its maximum, then `cursor`): the harness asks for the
largest page the API accepts and follows the `next_cursor` of each page to the end.
Floors: orjson.dumps of the same features in one FeatureCollection, prebuilt in memory; and
the same pages' bytes served as static files by the same server.
Cold is a fresh server with no page file on disk (app.caching.page_files); warm repeats the
fetch; restarted is the first fetch after a restart, the page files kept.
"""

import time
from urllib.parse import urlencode

import orjson

from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target, median
from benchmarks.server import PeakMemory

NAME = "collection"
PATH = "/api/v1/initiatives"
LIMITS = (100_000, 50_000, 10_000, 5_000, 1_000)


def page_limit(ctx: Context) -> int | None:
    """The largest page size the API accepts."""
    for limit in LIMITS:
        if get(ctx.base_url, f"{PATH}?limit={limit}&bbox=0,0,0,0").status == 200:
            return limit
    return None


def fetch_all(ctx: Context, limit: int | None) -> list[tuple[str, object]]:
    """Every page as (path, answer), following the cursors (default page size without limit)."""
    pages, cursor = [], None
    for _ in range(10_000):  # bounded: far more pages than any scale needs
        query = {**({"limit": limit} if limit else {}), **({"cursor": cursor} if cursor else {})}
        path = f"{PATH}?{urlencode(query)}"
        answer = get(ctx.base_url, path)
        if answer.status != 200:
            raise RuntimeError(f"{PATH} answered {answer.status}: {answer.body[:200]!r}")
        pages.append((path, answer))
        cursor = orjson.loads(answer.body).get("next_cursor")
        if not cursor:
            return pages
    raise RuntimeError("the collection never ended")


def revalidate(ctx: Context, pages: list) -> list:
    """The same pages asked again with the ETag each one had (304 when unchanged)."""
    return [get(ctx.base_url, path, {"If-None-Match": answer.header("etag") or ""})
            for path, answer in pages]


def total_seconds(answers: list) -> float:
    return sum(answer.seconds for answer in answers)


def measure(ctx: Context) -> None:
    if not ctx.available(NAME, f"{PATH}?limit=1"):
        return
    limit = page_limit(ctx)
    # Truly cold: no page file on disk either (the probes above wrote none; be sure).
    ctx.server.clear_page_files()
    with PeakMemory(ctx.server) as memory:
        pages = fetch_all(ctx, limit)
        warm = [total_seconds([a for _, a in fetch_all(ctx, limit)])
                for _ in range(ctx.settings.repeats)]
        revalidations = [revalidate(ctx, pages) for _ in range(ctx.settings.repeats)]
    ctx.memory(NAME, "whole collection, cold then warm", memory.peak_mb, memory.reset)
    ctx.server.restart()
    restarted = total_seconds([answer for _, answer in fetch_all(ctx, limit)])
    ctx.shared["restarted_s"] = restarted
    cold = [answer for _, answer in pages]
    features = [f for answer in cold for f in orjson.loads(answer.body)["features"]]
    ctx.shared["features"] = features
    ctx.shared["revalidation_statuses"] = sorted({str(a.status) for run in revalidations
                                                  for a in run})
    how = f"{len(cold)} page(s) of limit={limit}, following next_cursor"
    record(ctx, cold, warm, [total_seconds(run) for run in revalidations], features, how)


def orjson_floor(features: list, repeats: int) -> tuple[float, int]:
    """Median time of orjson.dumps of the features in one FeatureCollection, and its size."""
    collection = {"type": "FeatureCollection", "features": features}
    times, size = [], 0
    for _ in range(max(3, repeats)):
        started = time.perf_counter()
        size = len(orjson.dumps(collection))
        times.append(time.perf_counter() - started)
    return median(times), size


def static_floor(ctx: Context, cold: list) -> float:
    """Median time to fetch the same page bytes as static files from the same server."""
    names = []
    for index, answer in enumerate(cold):
        name = f"collection-{ctx.database.dialect}-{ctx.scale}-{index}.json"
        (ctx.server.static_dir / name).write_bytes(answer.body)
        names.append(name)
    get(ctx.base_url, f"/__bench/static/{names[0]}")  # warm the page cache
    runs = [sum(get(ctx.base_url, f"/__bench/static/{name}").seconds for name in names)
            for _ in range(ctx.settings.repeats)]
    return median(runs)


def record(ctx: Context, cold, warm, revalidated, features, how: str) -> None:
    count = len(features)
    floor_s, floor_bytes = orjson_floor(features, ctx.settings.repeats)
    static_s = static_floor(ctx, cold)
    body_bytes = sum(len(answer.body) for answer in cold)
    note = f"{count} features; {how}"
    ctx.add(NAME, "cold: first fetch after start, no page file", total_seconds(cold) * 1000, "ms",
            floor=floor_s * 1000, floor_label="orjson.dumps in memory",
            target=Target("ratio", 1.5, text="≤ 1.5× orjson floor, cold"), note=note)
    ctx.add(NAME, "restarted: first fetch after a restart, page files on disk",
            ctx.shared["restarted_s"] * 1000, "ms", floor=static_s * 1000,
            floor_label="same bytes as static files", note=note)
    ctx.add(NAME, "warm: repeated fetch (median)", median(warm) * 1000, "ms",
            floor=static_s * 1000, floor_label="same bytes as static files",
            target=Target("ratio", 1.2, text="≤ 1.2× static file, cached"), note=note)
    ctx.add(NAME, "revalidated: If-None-Match (median)", median(revalidated) * 1000, "ms",
            floor=static_s * 1000, floor_label="same bytes as static files",
            note=f"conditional GETs, answered {'/'.join(ctx.shared['revalidation_statuses'])}")
    ctx.add(NAME, "bytes of the whole collection", body_bytes, "B", floor=floor_bytes,
            floor_label="orjson bytes of one FeatureCollection", note=note)
    if ctx.scale == 100_000:  # the whole collection is the 100k of the target only there
        ctx.add(NAME, "cold fetch of 100k initiatives", total_seconds(cold), "s",
                target=Target("value", 1.0, text="≤ 1 s at 100k"), note=note)

