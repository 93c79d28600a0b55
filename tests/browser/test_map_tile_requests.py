"""Which tiles the map of a large collection asks for, in Chromium: those it shows, then a margin.

The first view asks for its own zoom only (the world's tile aside), never for a zoom the page
passed through; the margin around the view is fetched for smooth panning but drawn only once
a move brings it into view, from the answer already kept; a move never asks for the tiles of
the view it left.
"""

import math
import re

import pytest
from playwright.sync_api import Error

from tests.browser.conftest import open_page, wait_for_map
from tests.browser.test_map_tiles import held_requests, tiles_server  # noqa: F401

TILE = re.compile(r"/api/v1/map/tiles/(\d+)/(\d+)/(\d+)\.json")
LAON_POINT = (49.564499, 3.62052)  # the only seed initiative of its commune: lat, lon
RHONE = (4.24, 45.45, 5.16, 46.31)  # west, south, east, north: a département's box
MARGIN = 0.25  # VIEW_PADDING in static/js/map.js
MAP = ("Object.keys(window).filter((key) => key.startsWith('map_'))"
       ".map((key) => window[key]).find((value) => value instanceof L.Map)")
# The tile columns and rows of the view and its margin (a share of its size), clamped.
VIEW_TILES = f"""(padding) => {{
    const map = {MAP};
    const zoom = map.getZoom(), view = map.getPixelBounds(), last = 2 ** zoom - 1;
    const padX = (view.max.x - view.min.x) * padding, padY = (view.max.y - view.min.y) * padding;
    const tile = (value) => Math.min(Math.max(Math.floor(value / 256), 0), last);
    return [zoom, tile(view.min.x - padX), tile(view.max.x + padX),
            tile(view.min.y - padY), tile(view.max.y + padY)];
}}"""
# The tile holding each marker drawn, at the map's zoom.
MARKER_TILES = f"""() => {{
    const map = {MAP}, zoom = map.getZoom(), found = [];
    map.eachLayer((layer) => {{
        if (layer instanceof L.Marker) {{
            const at = map.project(layer.getLatLng(), zoom);
            found.push([Math.floor(at.x / 256), Math.floor(at.y / 256)]);
        }}
    }});
    return found;
}}"""


@pytest.fixture
def page(browser, tiles_server):  # noqa: F811 - the module's server
    """The benchmark's viewport: France's box fits at zoom 5 there, the page starts at 6."""
    context, page = open_page(browser, tiles_server, viewport={"width": 1280, "height": 800})
    yield page
    context.close()


def requested_tiles(page, since: int = 0) -> list[tuple[int, int, int]]:
    """The tiles the page asked for (zoom, x, y), in order, from its since-th request on."""
    return [tuple(int(part) for part in match.groups())
            for url in page.requests[since:] if (match := TILE.search(url))]


def quiet(page, settle_ms: int = 500) -> None:
    """Wait until the page asks for nothing more for settle_ms (the margin comes last)."""
    count = -1
    while count != len(page.requests):
        count = len(page.requests)
        page.wait_for_timeout(settle_ms)


def outside(tiles, box) -> list:
    """The tiles not of the box's zoom or not within its columns and rows."""
    zoom, west, east, north, south = box
    return [t for t in tiles
            if t[0] != zoom or not (west <= t[1] <= east and north <= t[2] <= south)]


def test_the_first_view_asks_for_its_own_zoom_and_margin_only_and_each_tile_once(page):
    page.goto(page.base_url + "/")
    wait_for_map(page)
    quiet(page)
    tiles = requested_tiles(page)
    assert tiles.count((0, 0, 0)) == 1
    shown = [t for t in tiles if t != (0, 0, 0)]
    assert not outside(shown, page.evaluate(VIEW_TILES, MARGIN))
    assert len(shown) == len(set(shown))
    # The view's own tiles come first, the margin's after them.
    view = page.evaluate(VIEW_TILES, 0)
    in_view = [not outside([t], view) for t in shown]
    assert in_view == sorted(in_view, reverse=True) and all(in_view[:1]) and not all(in_view)


def world_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates of a point at a zoom level (256-pixel tiles)."""
    size = 256 * 2 ** zoom
    sin = math.sin(math.radians(lat))
    return (lon / 360 + 0.5) * size, (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size


def lat_lon(x: float, y: float, zoom: int) -> tuple[float, float]:
    size = 256 * 2 ** zoom
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))
    return lat, x / size * 360 - 180


def test_the_margin_is_fetched_but_drawn_only_when_a_pan_brings_it_into_view(page):
    page.goto(page.base_url + "/")
    wait_for_map(page)
    width = page.evaluate(f"() => ({MAP}).getSize().x")
    zoom = 9
    x, y = world_pixel(*LAON_POINT, zoom)
    column, row = math.floor(x / 256), math.floor(y / 256)
    # The view's east edge 40 px short of the tile holding Laon's initiative: in the margin.
    centre = lat_lon(column * 256 - 40 - width / 2, y, zoom)
    page.goto(page.base_url + f"/#map={zoom}/{centre[0]:.6f}/{centre[1]:.6f}")
    page.requests.clear()
    page.reload()
    wait_for_map(page)
    quiet(page)
    assert page.evaluate(f"() => ({MAP}).getZoom()") == zoom  # the page's own fit came first
    assert (zoom, column, row) in requested_tiles(page)
    assert [column, row] not in page.evaluate(MARKER_TILES)
    page.evaluate(f"() => ({MAP}).panBy([200, 0], {{animate: false}})")
    drawn = f"() => ({MARKER_TILES})().some(([x, y]) => x === {column} && y === {row})"
    page.wait_for_function(drawn, timeout=5_000)
    assert requested_tiles(page).count((zoom, column, row)) == 1


def test_a_move_asks_for_nothing_of_the_view_it_left(page):
    """The first view's answers are held until the map moved to a département: the tiles
    then asked for are the new view's and its margin's, none of the zoom left behind."""
    held: list = []
    page.route(re.compile(r"/api/v1/map/tiles/6/"), lambda route: held.append(route))
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    assert held_requests(page, held) > 1
    west, south, east, north = RHONE
    page.evaluate(f"() => ({MAP}).fitBounds([[{south}, {west}], [{north}, {east}]], "
                  "{animate: false})")
    since = len(page.requests)
    for route in held:
        try:
            route.continue_()
        except Error:  # the page gave up on it: nothing to answer
            pass
    page.unroute(re.compile(r"/api/v1/map/tiles/6/"))
    wait_for_map(page)
    quiet(page)
    moved = requested_tiles(page, since)
    assert moved
    assert not outside(moved, page.evaluate(VIEW_TILES, MARGIN))
    assert page.locator(".initiative-marker, .initiative-cluster").count() > 0
