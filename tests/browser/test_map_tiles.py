"""The map of a large collection, drawn from the server's clusters per tile, in Chromium.

The threshold is set to 0 so the 53 seed points already take the path of a collection past
MAP_CLIENT_POINTS_MAX: the page loads /api/v1/map/tiles/..., never every point.
"""

import re

import pytest

from tests.browser.conftest import POINTS_SEED, ServerThread, open_page, site_app, wait_for_map
from tests.browser.test_map import (
    CRISIS_MANAGEMENT,
    LAON,
    SEEDED,
    map_zoom,
    open_parthenay_spot,
    visible_total,
)

FOCUSED_CLASS = "() => document.activeElement.className"
TILE_REQUEST = re.compile(r"/api/v1/map/tiles/(\d+)/\d+/\d+\.json")


@pytest.fixture(scope="module")
def tiles_server(tmp_path_factory):
    app = site_app(tmp_path_factory.mktemp("tiles-db"), SEED_PATH=str(POINTS_SEED),
                   MAP_CLIENT_POINTS_MAX=0)
    with ServerThread(app) as server:
        yield server


@pytest.fixture
def page(browser, tiles_server):
    context, page = open_page(browser, tiles_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def tile_zooms(page) -> set[int]:
    """The zoom levels of the tiles the page asked for."""
    return {int(match.group(1)) for url in page.requests if (match := TILE_REQUEST.search(url))}


def test_the_map_shows_the_server_clusters_and_never_loads_every_point(page):
    page.goto(page.base_url + "/")
    assert wait_for_map(page) == SEEDED
    assert page.locator(".initiative-cluster").count() > 0
    assert visible_total(page) == SEEDED
    assert page.locator("#map-status").inner_text() == f"{SEEDED} initiatives sur la carte."
    assert tile_zooms(page) >= {0, map_zoom(page)}
    assert not [url for url in page.requests if "/api/v1/map/points" in url]
    assert not page.locator("link[rel=preload][as=fetch]").count()


def test_clicking_a_cluster_zooms_to_it_and_loads_the_closer_tiles(page):
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    wait_for_map(page)
    largest = page.evaluate("""() => {
        const counts = [...document.querySelectorAll('.initiative-cluster [aria-hidden]')]
            .map((node) => Number(node.textContent.replace(/\\D/g, '')));
        return counts.indexOf(Math.max(...counts));
    }""")
    page.locator(".initiative-cluster").nth(largest).click()
    page.wait_for_function("() => !location.hash.startsWith('#map=6/')")
    zoom = map_zoom(page)
    assert zoom > 6
    page.wait_for_function(f"() => performance.getEntriesByType('resource').some("
                           f"r => r.name.includes('/api/v1/map/tiles/{zoom}/'))")
    page.wait_for_selector(".initiative-marker, .initiative-cluster")


def test_a_cluster_from_the_keyboard_zooms_and_hands_the_focus_to_a_marker(page):
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    wait_for_map(page)
    # Every tile in and around the view drawn (none redraws the cluster once focused), and a
    # cluster well inside the map (focusing one at its edge scrolls the map to show it).
    page.wait_for_load_state("networkidle")
    page.evaluate("""() => {
        const map = document.querySelector('.map-canvas').getBoundingClientRect();
        const inside = [...document.querySelectorAll('.initiative-cluster')].find((node) => {
            const box = node.getBoundingClientRect();
            return box.left > map.left + 60 && box.right < map.right - 60
                && box.top > map.top + 60 && box.bottom < map.bottom - 60;
        });
        inside.setAttribute('data-chosen', '');
    }""")
    page.locator(".initiative-cluster[data-chosen]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !location.hash.startsWith('#map=6/')")
    page.wait_for_function("""() => {
        const el = document.activeElement;
        return el && (el.classList.contains('initiative-marker')
                      || el.classList.contains('initiative-cluster'));
    }""")


def test_a_single_marker_is_named_and_opens_its_popup_from_the_keyboard(page):
    page.goto(page.base_url + f"/?commune={LAON}")
    assert wait_for_map(page) == 1
    marker = page.locator(".initiative-marker")
    assert marker.get_attribute("title").endswith(" – Terrain – Organisation des services publics")
    marker.focus()
    page.keyboard.press("Enter")
    page.locator(".initiative-popup__link").wait_for()
    assert page.evaluate(FOCUSED_CLASS) == "initiative-popup__link"
    assert "Laon" in page.locator(".initiative-popup__meta").inner_text()
    page.keyboard.press("Escape")
    page.locator(".initiative-popup").wait_for(state="detached")
    assert "initiative-marker" in page.evaluate(FOCUSED_CLASS)


def test_initiatives_at_one_place_are_listed_in_one_popup(page):
    open_parthenay_spot(page)


def test_a_filter_asks_the_tiles_again_with_it(page):
    page.goto(page.base_url + "/")
    wait_for_map(page)
    page.get_by_text("Préciser : Organisation des services publics").click()
    page.get_by_label(re.compile(r"^Gestion de crise")).check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"/\?theme=gestion-de-crise(#.*)?$"))
    assert wait_for_map(page) == CRISIS_MANAGEMENT
    assert visible_total(page) == CRISIS_MANAGEMENT
    filtered = [url for url in page.requests
                if TILE_REQUEST.search(url) and "theme=gestion-de-crise" in url]
    assert filtered


def test_the_embed_and_the_view_in_the_address_work_on_tiles(page):
    page.goto(page.base_url + "/embed#map=9/45.7600/4.8400")
    wait_for_map(page)
    assert map_zoom(page) == 9
    assert tile_zooms(page) >= {0, 9}
    page.goto(page.base_url + "/embed")
    assert wait_for_map(page) == SEEDED


def held_requests(page, held: list, settle_ms: int = 300) -> int:
    """Wait until no new tile request is held for settle_ms; how many are held."""
    count = -1
    while count != len(held):
        count = len(held)
        page.wait_for_timeout(settle_ms)
    return count


def test_each_tile_is_drawn_as_soon_as_its_answer_comes(page):
    """The view's tiles answer one by one (held, then let through): the markers grow with
    each answer, not all at once after the slowest."""
    held: list = []
    page.route(re.compile(r"/api/v1/map/tiles/6/"), lambda route: held.append(route))
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    assert held_requests(page, held) > 1
    totals = []
    for route in list(held):
        route.continue_()
        page.wait_for_timeout(150)
        totals.append(visible_total(page))
    while len(held) > len(totals):  # the margin's tiles, asked once the view's came
        held[len(totals)].continue_()
        totals.append(None)
        held_requests(page, held, 150)
    final = visible_total(page)
    assert final > 0
    assert any(0 < total < final for total in totals if total is not None), totals
