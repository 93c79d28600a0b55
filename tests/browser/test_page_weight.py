"""Light pages (issue 18.4): the list, an initiative and a territory page weigh under 150 KB
transferred on a phone's first load (cold cache), the map's tiles apart."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from app.web.urls import page_url

BUDGET_BYTES = 150 * 1024


def transferred(page, path: str) -> dict[str, int]:
    """Bytes received per URL (headers and encoded body) while a page loads and settles."""
    sizes: dict[str, int] = {}

    def record(request):
        if "/tiles.test/" in request.url or request.url.startswith("data:"):
            return
        found = request.sizes()
        sizes[request.url] = found["responseBodySize"] + found["responseHeadersSize"]

    page.on("requestfinished", record)
    page.goto(page.base_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", record)
    return sizes


@pytest.fixture
def initiative_path(browser_app) -> str:
    with browser_app.test_request_context():
        found = db.session.scalars(sa.select(Initiative).where(
            Initiative.status == "published").order_by(Initiative.id)).first()
        return page_url(found)


@pytest.mark.parametrize("path", ["/initiatives", "initiative", "/territoires/commune/35238"])
def test_first_load_on_a_phone_is_light(phone_page, initiative_path, path):
    path = initiative_path if path == "initiative" else path
    sizes = transferred(phone_page, path)
    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    assert total < BUDGET_BYTES, f"{path}: {total:,} bytes; heaviest: {heaviest}"
