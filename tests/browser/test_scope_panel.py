"""The panel of the entries that cover a whole territory follows the map (issue 15.3)."""

import pytest

from tests.browser.conftest import ServerThread, open_page, site_app, wait_for_map
from tests.browser.test_accessibility import serious_violations
from tests.conftest import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "geodata" / "seed_corpus.geojson"


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory):
    """The app seeded with the corpus v2: 18 points and 69 whole territories."""
    app = site_app(tmp_path_factory.mktemp("corpus-db"), SEED_PATH=str(CORPUS))
    with ServerThread(app) as server:
        yield server


@pytest.fixture
def corpus_page(browser, corpus_server):
    context, page = open_page(browser, corpus_server, viewport={"width": 1400, "height": 900})
    yield page
    context.close()


def panel_state(page) -> dict:
    """The panel's headings and the number of entries listed."""
    return page.evaluate("""() => ({
        headings: [...document.querySelectorAll('#scope-panel h3')]
            .map(h => h.firstChild.textContent.trim()),
        entries: document.querySelectorAll('#scope-panel li a').length,
        names: [...document.querySelectorAll('#scope-panel li a')].map(a => a.textContent)})""")


def test_the_panel_lists_what_covers_the_view_and_follows_it(corpus_page, axe_script):
    page = corpus_page
    page.goto(page.base_url + "/")
    assert wait_for_map(page) == 18  # the points only
    france = panel_state(page)
    assert france["headings"][0] == "Partout en France" and france["entries"] >= 60
    # Zoom on the Côtes-d'Armor: France's entries, Bretagne's, the département's.
    page.goto(page.base_url + "/?view=bretagne#map=9/48.45/-2.75")
    wait_for_map(page)
    page.wait_for_function(
        "() => document.querySelectorAll('#scope-panel li a').length < "
        f"{france['entries']} && document.querySelector('#scope-panel')"
        ".getAttribute('data-state') === 'ready'", timeout=15_000)
    bretagne = panel_state(page)
    assert bretagne["headings"][:3] == ["Partout en France", "Dans toute une région",
                                        "Dans tout un département"]
    assert not any("Gard" in name or "Gironde" in name for name in bretagne["names"])
    # A keyboard user reaches the entries as links, and axe finds nothing serious.
    link = page.locator("#scope-panel li a").first
    link.focus()
    assert page.evaluate("() => document.activeElement.closest('#scope-panel') !== null")
    assert serious_violations(page, axe_script) == []
