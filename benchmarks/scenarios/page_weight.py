"""Scenario: what a phone transfers on a first visit (cold cache) to the list, an initiative
and a commune's page, in headless Chromium; tiles stubbed, nothing leaves the loopback.

Each figure sums the response headers and encoded bodies of every request the page made
until the network was idle. Floor: the same for `/__bench/empty-map` (Leaflet and our map
CSS with one marker), what any page with a map costs. Target (issue 18.4): under 150 KB.
"""

import sqlalchemy as sa

from benchmarks.context import Context
from benchmarks.figures import Target
from benchmarks.scenarios.map_page import ARGS, stub_outside

NAME = "page weight"
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
BUDGET_KB = 150


def first_load_kb(browser, origin: str, path: str) -> float:
    """Kilobytes received while a page loads in a fresh phone-sized context."""
    context = browser.new_context(**PHONE)
    sizes: dict[str, int] = {}

    def record(request):
        if request.url.startswith(origin):
            found = request.sizes()
            sizes[request.url] = found["responseBodySize"] + found["responseHeadersSize"]

    try:
        context.route("**/*", lambda route: stub_outside(route, origin))
        page = context.new_page()
        page.on("requestfinished", record)
        page.goto(origin + path, wait_until="load", timeout=90_000)
        page.wait_for_load_state("networkidle")
        return sum(sizes.values()) / 1024
    finally:
        context.close()


def sample_paths(ctx: Context) -> dict[str, str]:
    """The pages weighed: the list, the first published initiative, its commune."""
    from app.extensions import db
    from app.models import Initiative

    with ctx.app.app_context():
        found = db.session.execute(sa.select(Initiative.id, Initiative.insee).where(
            Initiative.status == "published", Initiative.insee.is_not(None))
            .order_by(Initiative.id).limit(1)).first()
    paths = {"list /initiatives": "/initiatives"}
    if found is not None:
        paths["initiative /initiatives/<id>"] = f"/initiatives/{found.id}"
        paths["commune /territoires/commune/<insee>"] = f"/territoires/commune/{found.insee}"
    return paths


def measure(ctx: Context) -> None:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=ctx.settings.chromium,
                                                 args=ARGS)
            try:
                floor = first_load_kb(browser, ctx.base_url, "/__bench/empty-map")
                weights = {label: first_load_kb(browser, ctx.base_url, path)
                           for label, path in sample_paths(ctx).items()}
            finally:
                browser.close()
    except Error as error:
        ctx.missing(NAME, f"Chromium could not run: {str(error).splitlines()[0]}")
        return
    target = Target("value", BUDGET_KB, text=f"< {BUDGET_KB} KB on a phone's first load")
    for label, kb in weights.items():
        ctx.add(NAME, f"{label}: transferred", kb, "KB", floor=floor,
                floor_label="empty Leaflet page, one marker", target=target,
                note="375 px phone, cold cache, headers and encoded bodies, tiles stubbed")
