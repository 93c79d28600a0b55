"""The map popup says when an entry was confirmed and marks it "à vérifier" once stale."""

import pytest

from tests.browser.conftest import wait_for_map
from tests.browser.test_map import LAON


def open_laon_popup(page):
    page.goto(page.base_url + f"/?commune={LAON}")
    assert wait_for_map(page) == 1
    page.locator(".initiative-marker").click()
    note = page.locator(".initiative-popup .initiative-popup__freshness")
    note.wait_for()
    return note


@pytest.fixture
def everything_stale(browser_app):
    """Count every entry as stale (confirmed before tomorrow) for one test."""
    browser_app.config["STALE_AFTER_DAYS"] = -1
    yield
    browser_app.config["STALE_AFTER_DAYS"] = 365


def test_popup_says_when_the_entry_was_confirmed(page):
    note = open_laon_popup(page)
    assert note.inner_text().startswith("Informations confirmées le ")
    assert note.locator(".badge--stale").count() == 0


def test_popup_marks_a_stale_entry_to_be_checked(page, everything_stale):
    note = open_laon_popup(page)
    assert note.locator(".badge--stale").inner_text() == "à vérifier"
    assert "Informations confirmées le " in note.inner_text()
