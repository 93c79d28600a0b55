"""The région and département filters in the browser, and a map that fits a new search or
territory."""

import re

from tests.browser.conftest import wait_for_map

BRETAGNE_DEPARTEMENTS = ["22", "29", "35", "56"]
PARTHENAY = (46.6487, -0.2519)  # three seed initiatives at the town hall


def departement_codes(page) -> list[str]:
    return page.eval_on_selector_all("#filter-departement option",
                                     "options => options.map(o => o.value).filter(Boolean)")


def map_view(page) -> tuple[int, float, float]:
    zoom, lat, lon = page.evaluate("() => location.hash").removeprefix("#map=").split("/")
    return int(zoom), float(lat), float(lon)


def move_the_map(page) -> None:
    """Zoom in once, as a visitor looking around does: the view is now theirs."""
    page.get_by_role("button", name="Zoom avant").click()
    page.wait_for_function("() => location.hash.startsWith('#map=7/')")


def test_choosing_a_region_offers_only_its_departements(page):
    page.goto(page.base_url + "/initiatives")
    assert len(departement_codes(page)) >= 100
    page.select_option("#filter-region", "53")
    assert departement_codes(page) == BRETAGNE_DEPARTEMENTS
    page.select_option("#filter-departement", "29")
    page.select_option("#filter-region", "75")  # Nouvelle-Aquitaine: Finistère is dropped
    assert "33" in departement_codes(page) and "29" not in departement_codes(page)
    assert page.input_value("#filter-departement") == ""
    page.select_option("#filter-region", "")
    assert len(departement_codes(page)) >= 100


def test_a_region_and_one_of_its_departements_filter_together(page):
    page.goto(page.base_url + "/initiatives")
    page.select_option("#filter-region", "53")
    page.select_option("#filter-departement", "35")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"/initiatives\?departement=35&region=53$|region=53&departement=35"))
    assert page.locator(".result").count() > 0
    assert page.locator("#filter-warning").count() == 0


def test_without_javascript_a_mismatch_is_explained(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/initiatives")
    page.select_option("#filter-region", "53")
    page.select_option("#filter-departement", "33")  # all are offered before sending
    page.get_by_role("button", name="Filtrer").click()
    warning = page.locator("#filter-warning")
    assert "Gironde (33) n'est pas dans la région Bretagne" in warning.inner_text()
    assert departement_codes(page) == ["22", "29", "33", "35", "56"]
    # exact: the scope checkbox "Départementale" holds the word too
    assert page.get_by_label("Département", exact=True).get_attribute("aria-invalid") == "true"
    context.close()


def test_a_new_search_fits_the_map_to_its_results(page):
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    wait_for_map(page)
    move_the_map(page)
    page.get_by_label("Rechercher").fill("Parthenay")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"\?q=Parthenay"))
    wait_for_map(page)
    page.wait_for_function("() => /^#map=(1\\d)\\//.test(location.hash)")
    zoom, lat, lon = map_view(page)
    assert zoom >= 10 and abs(lat - PARTHENAY[0]) < 0.1 and abs(lon - PARTHENAY[1]) < 0.1


def test_a_new_region_fits_the_map_to_its_results(page):
    page.goto(page.base_url + "/#map=6/47.0000/2.0000")
    wait_for_map(page)
    move_the_map(page)
    page.select_option("#filter-region", "53")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"\?region=53"))
    wait_for_map(page)
    page.wait_for_function("() => !/^#map=[67]\\//.test(location.hash)")
    zoom, lat, lon = map_view(page)
    assert zoom >= 8 and 47 < lat < 49 and -5.5 < lon < -1  # Bretagne


def test_a_theme_filter_keeps_the_view_the_visitor_chose(page):
    page.goto(page.base_url + "/#map=7/47.0000/2.0000")
    wait_for_map(page)
    page.get_by_label(re.compile(r"^Organisation des services publics")).check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"\?theme=services-publics#map=7/"))
    wait_for_map(page)
    assert map_view(page)[0] == 7
