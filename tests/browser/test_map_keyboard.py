"""The map from the keyboard and a screen reader: markers named after their initiative,
clusters that hand the focus on, skip links past the filters."""

import re

import pytest

from tests.browser.conftest import wait_for_map
from tests.browser.test_accessibility import serious_violations

LAON = "02408"  # a commune with a single seed initiative
FOCUSED_CLASS = "() => document.activeElement.className"


def marker_names(page) -> list[str]:
    return page.eval_on_selector_all(".initiative-marker", "ms => ms.map(m => m.title)")


def test_a_marker_is_named_and_titled_after_its_initiative(page):
    page.goto(page.base_url + f"/?commune={LAON}")
    wait_for_map(page)
    name = page.request.get(page.base_url + f"/api/v1/initiatives?commune={LAON}").json()[
        "features"][0]["properties"]["name"]
    marker = page.get_by_role("button", name=re.compile("^" + re.escape(name) + " – "))
    marker.wait_for()
    assert marker.get_attribute("title") == f"{name} – Terrain – Organisation des services publics"


def test_markers_in_view_all_get_their_names(page):
    page.goto(page.base_url + "/")  # France: eight single markers among the clusters
    wait_for_map(page)
    page.wait_for_function("""() => {
        const ms = [...document.querySelectorAll('.initiative-marker')];
        return ms.length > 1 && ms.every(m => m.title.split(' – ').length === 3);
    }""")
    names = page.request.get(page.base_url + "/api/v1/initiatives?limit=100").json()
    known = {f["properties"]["name"] for f in names["features"]}
    assert all(title.split(" – ")[0] in known for title in marker_names(page))


@pytest.mark.parametrize("key", ["Enter", " "])
def test_a_cluster_activated_from_the_keyboard_hands_the_focus_to_a_marker(page, key):
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    wait_for_map(page)
    cluster = page.locator(".initiative-cluster").first
    cluster.focus()
    page.keyboard.press(key)
    page.wait_for_function("() => !location.hash.startsWith('#map=6/')")
    page.wait_for_function("""() => {
        const el = document.activeElement;
        return el && (el.classList.contains('initiative-marker')
                      || el.classList.contains('initiative-cluster'));
    }""")
    assert page.evaluate("() => document.activeElement !== document.body")
    assert page.evaluate("() => window.scrollY") == 0  # Space did not scroll the page


def test_a_cluster_at_one_place_lists_its_initiatives_and_focuses_the_first(page):
    page.goto(page.base_url + "/?commune=79202")
    wait_for_map(page)
    page.locator(".initiative-cluster").focus()
    page.keyboard.press(" ")
    page.locator(".initiative-popup--list .initiative-popup__link").first.wait_for()
    assert page.evaluate(FOCUSED_CLASS) == "initiative-popup__link"


def test_skip_link_jumps_past_the_filters_to_the_map(page, axe_script):
    page.goto(page.base_url + "/")
    wait_for_map(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.textContent")
    assert skip == "Aller à la carte"
    assert page.locator(".skip-link:focus").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "map-section"
    page.keyboard.press("Tab")
    assert "leaflet-container" in page.evaluate(FOCUSED_CLASS)
    assert serious_violations(page, axe_script) == []


def test_skip_link_jumps_past_the_filters_to_the_results(page):
    page.goto(page.base_url + "/initiatives")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Aller aux résultats"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "results"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "sort"
