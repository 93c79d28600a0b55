"""`--profile`: pyinstrument on the slowest scenario, in-process through the test client."""

import random
from collections.abc import Callable

import orjson
import sqlalchemy as sa

from benchmarks import RESULTS_DIR
from benchmarks.context import Context
from benchmarks.scenarios.bbox import queries

# Which in-process workload stands for each scenario.
SCENARIOS = ("collection", "bbox", "one initiative", "map page", "exports and import")
ALIASES = {"single": "one initiative", "map_page": "map page", "exchange": "exports and import"}


def worst_scenario(ctx: Context) -> str:
    """The scenario whose figure misses its target by the most here (collection if none)."""
    def overshoot(figure) -> float:
        measured = figure.value if figure.target.on == "value" else figure.ratio
        if not measured or not figure.target.bound:
            return 0.0
        share = measured / figure.target.bound
        return 1 / share if figure.target.higher_is_better else share

    missed = [f for f in ctx.run.figures if f.met is False and f.database ==
              ctx.database.dialect and f.scale == ctx.scale and f.scenario in SCENARIOS]
    return max(missed, key=overshoot).scenario if missed else "collection"


def collection(client) -> None:
    cursor = None
    for _ in range(10_000):
        url = "/api/v1/initiatives?limit=10000" + (f"&cursor={cursor}" if cursor else "")
        cursor = orjson.loads(client.get(url).data).get("next_cursor")
        if not cursor:
            return


def workload(ctx: Context, scenario: str) -> Callable:
    """The requests that stand for the scenario."""
    if scenario == "bbox":
        batch = queries(ctx)
        return lambda client: [client.get("/api/v1/initiatives", query_string=q.params())
                               for q in batch]
    if scenario == "one initiative":
        from app.extensions import db
        from app.models import Initiative

        with ctx.app.app_context():
            ids = db.session.scalars(sa.select(Initiative.id).limit(5000)).all()
        chosen = random.Random(3).sample(list(ids), min(200, len(ids)))
        return lambda client: [client.get(f"/api/v1/initiatives/{i}") for i in chosen] + [
            client.get(f"/initiatives/{i}", follow_redirects=True) for i in chosen]
    if scenario == "map page":
        return lambda client: [client.get("/"), client.get("/api/v1/map/points")]
    if scenario == "exports and import":
        return lambda client: [client.get(f"/export/initiatives.{fmt}")
                               for fmt in ("geojson", "csv", "gpkg", "umap")]
    return collection


def profile(ctx: Context, requested: str) -> str:
    """Profile the scenario, save HTML and text next to the results; return the text path."""
    from pyinstrument import Profiler

    scenario = worst_scenario(ctx) if requested == "auto" else ALIASES.get(requested, requested)
    if scenario not in SCENARIOS:
        raise ValueError(f"no profile for {requested!r}; one of {', '.join(SCENARIOS)}")
    run = workload(ctx, scenario)
    client = ctx.app.test_client()
    run(client)  # warm-up: imports, caches, connections
    profiler = Profiler()
    with ctx.app.app_context(), profiler:
        run(client)
    stem = f"profile-{scenario.replace(' ', '-')}-{ctx.database.dialect}-{ctx.scale}"
    directory = RESULTS_DIR / "profiles"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.html").write_text(profiler.output_html())
    text_path = directory / f"{stem}.txt"
    text_path.write_text(profiler.output_text(unicode=True, show_all=False))
    return str(text_path)
