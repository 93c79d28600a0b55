"""The home page's introduction: one line above the map, opened on demand, map kept in view."""

import pytest

from tests.browser.conftest import open_page, screenshot, wait_for_map


@pytest.fixture
def laptop_page(browser, live_server):
    """A 1280 × 800 page: a common laptop screen, shorter than the usual fixture's."""
    context, page = open_page(browser, live_server, viewport={"width": 1280, "height": 800})
    yield page
    context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_introduction_leaves_the_whole_map_on_the_first_screen(laptop_page, lang):
    page = laptop_page
    page.goto(f"{page.base_url}/?lang={lang}")
    wait_for_map(page)
    summary = page.locator(".intro > summary")
    assert summary.is_visible()
    assert box(page, ".intro > summary")["y"] + 24 < box(page, ".map-canvas")["y"]
    map_box = box(page, ".map-canvas")
    assert map_box["y"] + map_box["height"] <= 800
    screenshot(page, f"home-intro-{lang}-folded")


def test_introduction_opens_to_say_what_maillage_is(laptop_page):
    page = laptop_page
    page.goto(page.base_url + "/")
    wait_for_map(page)
    body = page.locator(".intro__body")
    assert not body.is_visible()
    page.locator(".intro > summary").click()
    assert body.is_visible()
    assert "recense les initiatives territoriales" in body.inner_text()
    page.get_by_role("link", name="À propos de Maillage").click()
    page.wait_for_url("**/a-propos")
    assert page.locator("h1").inner_text() == "À propos de Maillage"
