"""A dossier's page in Chromium: its introduction, quotes, map and list agree."""

import re

from tests.browser.conftest import screenshot, wait_for_map

DOSSIER = "table-ronde-2020"


def test_dossier_page_maps_and_lists_its_initiatives(page):
    page.goto(page.base_url + "/dossiers")
    page.get_by_role("link", name=re.compile("Inventer des formes d'action publique")).click()
    page.wait_for_url(re.compile(f"/dossiers/{DOSSIER}$"))
    listed = page.locator(".dossier__list > li").count()
    mapped = page.evaluate(
        "url => fetch(url).then(r => r.json()).then(d => d.count)",
        f"/api/v1/map/points?dossier={DOSSIER}")
    assert listed > 0 and mapped > 0
    assert wait_for_map(page) == mapped <= listed
    assert page.locator("#map-status").inner_text().startswith(f"{mapped} initiative")
    assert page.locator(".dossier__sources blockquote").count() >= 3
    export = page.get_by_role("link", name="CSV")
    assert export.get_attribute("href").endswith(f"/export/initiatives.csv?dossier={DOSSIER}")
    screenshot(page, "dossier-desktop")
    page.locator(".dossier__list > li a").first.click()
    page.wait_for_url(re.compile(r"/initiatives/\d+-"))
    assert page.get_by_role("link", name=re.compile("Inventer des formes")).count() == 1
