"""The header's links: open data for everyone, imports and administration for those who may
use them, and the menu button of narrow screens."""

import re

import pytest

from tests.factories import login
from tests.test_header_navigation import header


def nav_link(html: str, path: str) -> str | None:
    found = re.search(rf'<a href="{re.escape(path)}"[^>]*>[^<]*</a>', header(html))
    return found and found.group(0)


def test_open_data_in_the_header_leads_to_the_public_export_page(client, themes):
    html = client.get("/initiatives").text
    assert ">Données ouvertes</a>" in nav_link(html, "/export")
    assert "/api/v1/docs" not in header(html)
    assert 'aria-current="page">Données ouvertes' in nav_link(client.get("/export").text, "/export")


def test_footer_open_data_link_leads_to_the_export_page_too(client, themes):
    html = client.get("/initiatives").text
    footer = html[html.index('<footer class="site-footer">'):]
    assert 'href="/export">' in footer and "/api/v1/docs" not in footer


@pytest.mark.parametrize("who, imports, administers", [
    ("contributor", False, False), ("moderator_71", True, False),
    ("national", True, False), ("admin", True, True)])
def test_header_links_imports_and_administration_to_who_may_use_them(
        client, accounts, who, imports, administers):
    login(client, getattr(accounts, who))
    html = client.get("/initiatives").text
    assert (nav_link(html, "/import") is not None) is imports
    assert (nav_link(html, "/admin/") is not None) is administers
    assert (client.get("/import").status_code == 200) is imports
    assert (client.get("/admin/").status_code == 200) is administers


def test_signed_out_visitors_see_neither_imports_nor_administration(client, themes):
    html = client.get("/initiatives").text
    assert nav_link(html, "/import") is None and nav_link(html, "/admin/") is None


def test_header_links_are_translated(client, accounts):
    login(client, accounts.admin)
    html = client.get("/initiatives?lang=en").text
    assert ">Import</a>" in nav_link(html, "/import")
    assert ">Administration</a>" in nav_link(html, "/admin/")
    assert ">Open data</a>" in nav_link(html, "/export")


def test_current_admin_and_import_pages_are_marked_in_the_header(client, accounts):
    login(client, accounts.admin)
    assert 'aria-current="page">Administration' in nav_link(client.get("/admin/").text, "/admin/")
    assert 'aria-current="page">Importer' in nav_link(client.get("/import").text, "/import")


def test_menu_button_controls_the_navigation(client, themes):
    html = header(client.get("/").text)
    button = re.search(r'<button type="button" class="menu-button"[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="site-nav"' in button
    assert '<nav class="site-nav" id="site-nav"' in html
