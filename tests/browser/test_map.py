"""What a visitor does on the map, in a real headless Chromium."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TILE_HOST, screenshot, wait_for_map

SEEDED = 53
CRISIS_MANAGEMENT = 8  # seed initiatives with the "Gestion de crise" theme
LAON = "02408"  # a commune with a single seed initiative
PARTHENAY = "79202"  # three seed initiatives at the same point (the town hall)
PARTHENAY_NAMES = {"Centre d'appel du CCAS de Parthenay pour les personnes vulnérables",
                   "Mission visiteurs du CCAS de Parthenay",
                   "Essaimage de la démarche solidaire dans les communes de Parthenay-Gâtine"}


def visible_total(page) -> int:
    """Initiatives shown on the map: cluster counts plus single markers."""
    return page.evaluate("""() => {
        const clusters = [...document.querySelectorAll('.initiative-cluster [aria-hidden]')]
            .reduce((sum, node) => sum + Number(node.textContent.replace(/\\D/g, '')), 0);
        return clusters + document.querySelectorAll('.initiative-marker').length;
    }""")


def test_home_map_shows_the_seeded_initiatives_in_clusters(page):
    page.goto(page.base_url + "/")
    assert wait_for_map(page) == SEEDED
    assert page.locator(".initiative-cluster").count() > 0
    assert visible_total(page) == SEEDED
    assert page.locator("#map-status").inner_text() == f"{SEEDED} initiatives sur la carte."
    assert page.evaluate("() => typeof window.jQuery") == "undefined"
    screenshot(page, "home-desktop")


def test_map_page_requests_only_the_app_and_the_tile_server(page):
    page.goto(page.base_url + "/")
    wait_for_map(page)
    page.locator(".initiative-cluster").first.click()
    page.wait_for_load_state("networkidle")
    assert page.requests.hosts() == {urlsplit(page.base_url).netloc, TILE_HOST}
    assert any(TILE_HOST in url for url in page.requests)


def test_theme_filter_changes_the_map_the_list_and_the_url(page):
    page.goto(page.base_url + "/")
    wait_for_map(page)
    # A child category sits folded under its top category until asked for.
    page.get_by_text("Préciser : Organisation des services publics").click()
    page.get_by_label(re.compile(r"^Gestion de crise")).check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"/\?theme=gestion-de-crise(#.*)?$"))
    assert wait_for_map(page) == CRISIS_MANAGEMENT
    assert visible_total(page) == CRISIS_MANAGEMENT
    assert page.locator(".result-count").inner_text() == f"{CRISIS_MANAGEMENT} initiatives"
    page.get_by_role("link", name="Voir ces initiatives en liste").click()
    page.wait_for_url(re.compile(r"/initiatives\?theme=gestion-de-crise$"))
    assert page.locator(".result").count() == CRISIS_MANAGEMENT
    assert page.get_by_label(re.compile(r"^Gestion de crise")).is_checked()


def test_popup_names_the_initiative_and_leads_to_its_page(page):
    page.goto(page.base_url + f"/?commune={LAON}")
    assert wait_for_map(page) == 1
    page.locator(".initiative-marker").click()
    popup = page.locator(".initiative-popup")
    title = popup.locator(".initiative-popup__title")
    title.wait_for()
    name = title.inner_text()
    assert "Laon" in popup.locator(".initiative-popup__meta").inner_text()
    screenshot(page, "popup-desktop")
    popup.get_by_role("link", name=re.compile("^Voir la fiche")).click()
    page.wait_for_url(re.compile(r"/initiatives/\d+-[a-z0-9-]+$"))
    assert page.locator("h1").inner_text() == name


def test_popup_opens_from_the_keyboard_and_focuses_its_link(page):
    page.goto(page.base_url + f"/?commune={LAON}")
    wait_for_map(page)
    page.locator(".initiative-marker").focus()
    page.keyboard.press("Enter")
    page.locator(".initiative-popup__link").wait_for()
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "initiative-popup__link"
    page.keyboard.press("Escape")
    page.locator(".initiative-popup").wait_for(state="detached")
    assert "initiative-marker" in page.evaluate("() => document.activeElement.className")


def map_zoom(page) -> int:
    return int(page.evaluate("() => location.hash").removeprefix("#map=").split("/")[0])


def test_a_cluster_zooms_in_until_its_initiatives_part(page):
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    wait_for_map(page)
    before = map_zoom(page)
    # The largest cluster of the view: Rennes, Saint-Brieuc and the other Breton initiatives.
    largest = page.evaluate("""() => {
        const counts = [...document.querySelectorAll('.initiative-cluster [aria-hidden]')]
            .map((node) => Number(node.textContent.replace(/\\D/g, '')));
        return counts.indexOf(Math.max(...counts));
    }""")
    page.locator(".initiative-cluster").nth(largest).click()
    page.wait_for_function(f"() => !location.hash.startsWith('#map={before}/')")
    assert map_zoom(page) > before
    page.locator(".initiative-popup--list").wait_for(state="detached")


def open_parthenay_spot(page) -> None:
    """Open the one cluster of Parthenay's three co-located entries by keyboard and check its
    popup lists them, the focus on its first link."""
    page.goto(page.base_url + f"/?commune={PARTHENAY}")
    assert wait_for_map(page) == 3
    cluster = page.locator(".initiative-cluster")
    assert cluster.count() == 1 and page.locator(".initiative-marker").count() == 0
    cluster.focus()
    page.keyboard.press("Enter")
    links = page.locator(".initiative-popup--list .initiative-popup__list a")
    links.first.wait_for()
    assert page.locator(".initiative-popup--list .initiative-popup__title").inner_text() \
        == "3 initiatives à cet endroit"
    assert set(links.all_inner_texts()) == PARTHENAY_NAMES
    assert page.evaluate("() => document.activeElement.className") == "initiative-popup__link"


def test_initiatives_at_one_place_are_listed_by_their_cluster(page):
    open_parthenay_spot(page)
    screenshot(page, "cluster-list-desktop")
    page.locator(".initiative-popup--list .initiative-popup__list a").first.click()
    page.wait_for_url(re.compile(r"/initiatives/\d+-[a-z0-9-]+$"))
    assert page.locator("h1").inner_text() in PARTHENAY_NAMES


def test_map_view_is_kept_in_the_url(page):
    page.goto(page.base_url + "/#map=9/45.7600/4.8400")
    wait_for_map(page)
    zoom, lat, lon = page.evaluate("() => location.hash").removeprefix("#map=").split("/")
    assert zoom == "9" and abs(float(lat) - 45.76) < 0.01 and abs(float(lon) - 4.84) < 0.01
    page.get_by_role("button", name="Zoom avant").click()
    page.wait_for_function("() => location.hash.startsWith('#map=10/')")
    assert page.input_value("#share-link").endswith(page.evaluate("() => location.hash"))


def test_embed_renders_in_a_frame_on_another_site_while_the_home_page_refuses(
        page, live_server, other_site):
    page.goto(f"{other_site.url}/?src={live_server.url}/embed?theme=gestion-de-crise")
    frame = page.frame_locator("#framed")
    frame.locator(".map-canvas[data-state=ready]").wait_for(timeout=15_000)
    assert frame.locator(".map-canvas").get_attribute("data-count") == str(CRISIS_MANAGEMENT)

    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(f"{other_site.url}/?src={live_server.url}/")
    page.wait_for_load_state("load")
    framed = page.frame(url=re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    home_content = framed.evaluate("() => document.body && document.body.innerHTML") \
        if framed else ""
    assert "site-nav" not in (home_content or "")
    assert page.frame_locator("#framed").locator(".site-header").count() == 0


def test_list_page_is_usable_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/initiatives")
    page.get_by_label(re.compile(r"^Ressource")).check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"/initiatives\?kind=resource$"))
    assert page.locator(".result").count() == 14
    page.select_option("#sort", "updated")
    page.get_by_role("button", name="Trier").click()
    page.wait_for_url(re.compile(r"sort=updated"))
    assert "kind=resource" in page.url
    context.close()


def test_skip_link_is_the_first_stop_and_focus_is_visible(page):
    page.goto(page.base_url + "/initiatives")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


def test_language_switcher_keeps_english_for_the_next_pages(page):
    page.goto(page.base_url + "/initiatives")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="List", exact=True)).to_be_visible()
    page.get_by_role("link", name="Map", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert wait_for_map(page) == SEEDED
    assert page.locator("#map-status").inner_text() == f"{SEEDED} initiatives on the map."


@pytest.mark.parametrize("path", ["/", "/initiatives", "/territoires/35"])
def test_pages_fit_a_375_px_screen(phone_page, path):
    phone_page.goto(phone_page.base_url + path)
    if path != "/initiatives":
        wait_for_map(phone_page)
    overflow = phone_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    if path == "/":
        assert phone_page.locator("details.filters-panel").get_attribute("open") is None
        box = phone_page.locator(".map-canvas").bounding_box()
        assert box["width"] >= 330 and box["height"] >= 300
    name = "home" if path == "/" else path.strip("/").replace("/", "-")
    screenshot(phone_page, f"{name}-375")
