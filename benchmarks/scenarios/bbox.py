"""Scenario 2: bbox + filter queries of up to 5,000 initiatives, p50 and p99.

Boxes of several sizes centred on initiatives drawn at random (so, where people live), alone
or with a theme and a kind; `limit=5000`. Floor: the raw index query (R*Tree / GiST) and
orjson of the same rows, run the same number of times.
"""

import random

from werkzeug.datastructures import MultiDict

from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target, median, percentile
from benchmarks.floors import BoxQuery, RawIndex
from benchmarks.generate import THEME_SLUGS
from benchmarks.server import PeakMemory

NAME = "bbox"
PATH = "/api/v1/initiatives"
HALF_SIZES = (0.02, 0.05, 0.1, 0.25, 0.5, 1.0)  # degrees of latitude
FILTERS = ((None, None), ("theme", None), (None, "initiative"), ("theme", "place"))
CENTRES = 12


def centres(ctx: Context) -> list[tuple[float, float]]:
    """Points of initiatives drawn at random: the boxes go where the data is."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Initiative

    with ctx.app.app_context():
        rows = db.session.execute(sa.select(Initiative.lon, Initiative.lat)
                                  .order_by(Initiative.id)).all()
    rnd = random.Random(ctx.scale)
    return [tuple(rnd.choice(rows)) for _ in range(CENTRES)]


def queries(ctx: Context) -> list[BoxQuery]:
    """Every centre with one half-size and one filter combination each, deterministic."""
    rnd = random.Random(7)
    found = []
    for lon, lat in centres(ctx):
        half = rnd.choice(HALF_SIZES)
        theme, kind = rnd.choice(FILTERS)
        bbox = (max(-180, lon - half * 1.4), max(-90, lat - half),
                min(180, lon + half * 1.4), min(90, lat + half))
        found.append(BoxQuery(bbox, rnd.choice(THEME_SLUGS) if theme else None, kind))
    return found


def api_times(ctx: Context, batch: list[BoxQuery]) -> tuple[list[float], list[int]]:
    """Seconds of each API request over the rounds, and the features each query returned."""
    from urllib.parse import urlencode

    import orjson

    times, counts = [], []
    for round_ in range(ctx.settings.repeats + 1):
        for query in batch:
            answer = get(ctx.base_url, f"{PATH}?{urlencode(query.params())}")
            if answer.status != 200:
                raise RuntimeError(f"{PATH} answered {answer.status}: {answer.body[:200]!r}")
            if round_ == 0:  # a warm-up round, not timed
                counts.append(len(orjson.loads(answer.body)["features"]))
            else:
                times.append(answer.seconds)
    return times, counts


def floor_times(ctx: Context, batch: list[BoxQuery]) -> list[float]:
    index = RawIndex(ctx.database)
    try:
        for query in batch:  # warm-up, like the API's
            index.run(query)
        return [index.run(query)[0] for _ in range(ctx.settings.repeats) for query in batch]
    finally:
        index.close()


def plans(ctx: Context, batch: list[BoxQuery]) -> None:
    """Keep the database's plan of a bbox-only and of a filtered query (app.geo.spatial)."""
    from app.filters import parse_filters
    from app.geo.spatial import explain, select_initiatives

    with ctx.app.app_context():
        for label, query in (("bbox", BoxQuery(batch[0].bbox)),
                             ("bbox + theme + kind", BoxQuery(batch[0].bbox, THEME_SLUGS[0],
                                                              "initiative"))):
            stmt = select_initiatives(parse_filters(MultiDict(query.params())))
            ctx.run.plans[f"{ctx.database.label}, {ctx.scale:,} rows, {label}"] = explain(stmt)


def measure(ctx: Context) -> None:
    if not ctx.available(NAME, f"{PATH}?limit=1&bbox=0,0,1,1"):
        return
    batch = queries(ctx)
    with PeakMemory(ctx.server) as memory:
        times, counts = api_times(ctx, batch)
    ctx.memory(NAME, "bbox + filter queries", memory.peak_mb, memory.reset)
    floors = floor_times(ctx, batch)
    plans(ctx, batch)
    note = (f"{len(batch)} queries × {ctx.settings.repeats} rounds; features per answer: "
            f"median {median(counts):.0f}, max {max(counts)}")
    target_50 = Target("ratio", 1.5, text="≤ 1.5× raw index + orjson")
    ctx.add(NAME, "p50 latency", percentile(times, 50) * 1000, "ms",
            floor=percentile(floors, 50) * 1000, floor_label="raw index query + orjson",
            target=target_50, note=note)
    ctx.add(NAME, "p99 latency", percentile(times, 99) * 1000, "ms",
            floor=percentile(floors, 99) * 1000, floor_label="raw index query + orjson",
            target=target_50, note=note)
    if ctx.scale >= 100_000:
        ctx.add(NAME, "p50 latency, absolute", percentile(times, 50) * 1000, "ms",
                target=Target("value", 20, text="p50 ≤ 20 ms from 100k on"), note=note)
