"""axe-core (RGAA / WCAG 2.1 AA rules) on the public pages, in French and in English."""

import pytest

from tests.browser.conftest import screenshot, wait_for_map

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# path, and what to wait for: our initiatives layer, a plain Leaflet map, or nothing.
PAGES = {
    "home": ("/", "layer"),
    "list": ("/initiatives", None),
    "initiative": ("/initiatives/1", "leaflet"),
    "territory": ("/territoires/35", "layer"),
    "epci": ("/territoires/epci/200041333", "layer"),
    "commune": ("/territoires/commune/79202", "layer"),
    "dossiers": ("/dossiers", None),
    "dossier": ("/dossiers/table-ronde-2020", "layer"),
    "about": ("/a-propos", None),
    "export": ("/export", None),
    "embed": ("/embed", "layer"),
}


def wait_for_page(page, wait: str | None) -> None:
    if wait == "layer":
        wait_for_map(page)
    elif wait == "leaflet":
        page.wait_for_selector(".map-canvas.leaflet-container")


def serious_violations(page, axe_script) -> list[str]:
    """Run axe on the page and describe its serious and critical violations."""
    # Run by the browser's debugging protocol: a <script> tag would be refused by the page's
    # Content-Security-Policy, as any script without the page's nonce.
    page.evaluate(axe_script.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                    else str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(page, axe_script, name, lang):
    path, wait = PAGES[name]
    page.goto(f"{page.base_url}{path}?lang={lang}")
    wait_for_page(page, wait)
    assert page.locator("html").get_attribute("lang") == lang
    assert serious_violations(page, axe_script) == []
    screenshot(page, f"{name}-{lang}-desktop")


def test_open_popup_has_no_serious_accessibility_violation(page, axe_script):
    page.goto(f"{page.base_url}/?commune=02408")
    wait_for_map(page)
    page.locator(".initiative-marker").click()
    page.locator(".initiative-popup__title").wait_for()
    # Leaflet fades popups in: measured mid-fade, the text's contrast is lower than it is.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert serious_violations(page, axe_script) == []


def test_headings_follow_each_other_in_order(page):
    for path, wait in PAGES.values():
        page.goto(page.base_url + path)
        wait_for_page(page, wait)
        levels = page.evaluate(
            "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert levels[0] == 1 and levels.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
