"""The header on a 375 px phone: one compact line with a menu button; wide screens and
browsers without JavaScript see the whole navigation."""

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_map
from tests.browser.test_accessibility import serious_violations

COMPACT_PX = 64


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


@pytest.mark.parametrize("path", ["/", "/initiatives", "/initiatives/new", "/initiatives/1"])
def test_phone_header_is_one_compact_line_with_a_menu_button(phone_page, path):
    phone_page.goto(phone_page.base_url + path)
    phone_page.reload()  # an initiative's page the second time comes from the page cache
    assert header_height(phone_page) <= COMPACT_PX
    menu = phone_page.get_by_role("button", name="Menu")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not phone_page.get_by_role("link", name="Territoires").is_visible()
    screenshot(phone_page, f"header-phone-closed-{path.strip('/').replace('/', '-') or 'home'}")


def test_phone_menu_opens_and_closes_from_the_keyboard(phone_page, axe_script):
    phone_page.goto(phone_page.base_url + "/initiatives")
    menu = phone_page.get_by_role("button", name="Menu")
    menu.focus()
    phone_page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    links = phone_page.get_by_role("navigation", name="Navigation principale")
    assert links.get_by_role("link", name="Territoires").is_visible()
    assert links.get_by_role("link", name="Données ouvertes").is_visible()
    assert serious_violations(phone_page, axe_script) == []
    screenshot(phone_page, "header-phone-open")
    phone_page.keyboard.press("Tab")  # into the menu: its first link
    assert phone_page.evaluate("() => document.activeElement.textContent.trim()") == "Carte"
    phone_page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert phone_page.evaluate("() => document.activeElement.className") == "menu-button"
    phone_page.keyboard.press(" ")
    assert menu.get_attribute("aria-expanded") == "true"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "false"
    assert not links.get_by_role("link", name="Territoires").is_visible()


def test_phone_menu_link_leads_to_its_page(phone_page):
    phone_page.goto(phone_page.base_url + "/")
    wait_for_map(phone_page)
    phone_page.get_by_role("button", name="Menu").click()
    phone_page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Liste").click()
    phone_page.wait_for_url(re.compile(r"/initiatives$"))


def test_phone_without_javascript_shows_the_whole_navigation(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR",
                                  viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/initiatives")
    assert page.get_by_role("button", name="Menu").count() == 0  # hidden, not just dimmed
    assert page.get_by_role("link", name="Territoires").is_visible()
    assert page.get_by_role("link", name="Données ouvertes").is_visible()
    context.close()


def test_wide_screens_show_the_navigation_without_a_menu_button(page):
    page.goto(page.base_url + "/initiatives")
    assert page.get_by_role("button", name="Menu").count() == 0
    assert page.get_by_role("link", name="Territoires").is_visible()
    assert header_height(page) <= COMPACT_PX
