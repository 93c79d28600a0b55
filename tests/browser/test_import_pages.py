"""A moderator imports a CSV through the four pages: steps, tables, error rows (Chromium)."""

import re

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_contribution_flow import MODERATOR_71, pages, server, sign_in

__all__ = ["pages", "server"]  # the fixtures, shared with the contribution flow

CSV = ("Titre;Ville;Thèmes\n"
       "Atelier de la Grosne;Cluny;Jeunesse, éducation et familles\n"
       "Fablab clunisois;Cluny;\"Gestion de crise; Jeunesse, éducation et familles\"\n"
       "Nulle part;Atlantide;Astrologie\n")


def current_step(page) -> str:
    return page.locator('.import-steps [aria-current="step"]').inner_text()


def check_page(page, axe_script, step: str, name: str) -> None:
    assert re.fullmatch(rf"{step}\s+\S.*", current_step(page), re.S)
    assert serious_violations(page, axe_script) == []
    screenshot(page, f"import-{name}")


def test_a_moderator_imports_a_file_through_four_accessible_steps(pages, axe_script):
    page = pages()
    sign_in(page, MODERATOR_71)
    page.goto(page.base_url + "/import")
    check_page(page, axe_script, "1/4", "upload")
    page.set_input_files("#file", files=[{"name": "ateliers.csv", "mimeType": "text/csv",
                                         "buffer": CSV.encode()}])
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(r"/import/[A-Za-z0-9_-]{32}"))
    check_page(page, axe_script, "2/4", "mapping")
    page.get_by_label("Thèmes", exact=True).select_option("Thèmes")
    page.get_by_role("button", name=re.compile("^Vérifier")).click()
    check_page(page, axe_script, "3/4", "report")
    totals = page.locator(".import-totals li").all_inner_texts()
    assert totals == ["2 seront créées", "1 erreur"]
    error_row = page.locator("tr.import-row--error")
    assert "Thème inconnu : Astrologie." in error_row.inner_text()
    assert "Commune inconnue : Atlantide." in error_row.inner_text()
    plain_row = page.locator("tr.import-row--create").first
    background = "el => getComputedStyle(el).backgroundColor"
    assert error_row.evaluate(background) != plain_row.evaluate(background)
    page.get_by_role("button", name="Importer les lignes acceptées").click()
    check_page(page, axe_script, "4/4", "done")
    assert "2 initiatives écrites depuis ateliers.csv." in page.get_by_role("status").inner_text()
