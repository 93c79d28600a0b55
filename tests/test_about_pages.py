"""What a first visitor reads about Maillage: the home page's introduction and the about
page (origin, data licence, moderation, contact)."""

import re

import pytest


def test_home_page_says_what_maillage_is_who_it_is_for_and_how_to_contribute(client, themes):
    html = client.get("/").get_data(as_text=True)
    intro = html[html.index('<details class="intro"'):html.index("</details>",
                                                                 html.index('class="intro"'))]
    assert "<summary>Qu'est-ce que Maillage ?</summary>" in intro
    assert "recense les initiatives territoriales" in intro
    assert "Pour les habitants" in intro and "agents publics" in intro
    assert "proposer une initiative, sans compte" in intro
    assert 'href="/initiatives/new"' in intro and 'href="/a-propos"' in intro
    # Folded by default, before the map: the map keeps its place on the first screen.
    assert "<details class=\"intro\" id=\"intro\">" in intro
    assert html.index('class="intro"') < html.index('class="map-section"')


def test_home_page_introduction_is_in_english_too(client, themes):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "What is Maillage?" in html and "About Maillage" in html


def test_about_page_cites_the_origin_licence_and_moderation(client, app):
    response = client.get("/a-propos")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>À propos de Maillage</h1>" in html
    assert "Connecteur Recherche" in html and "20 mai et 3 juillet 2020" in html
    assert "Inventer des formes d'action publique plus réactives et coopératives" in html
    assert ('<a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">'
            "Licence Ouverte 2.0</a>") in html
    assert 'href="/export"' in html
    assert "équipe de modération" in html
    assert "mailto:" not in html  # no address configured: none shown


@pytest.mark.parametrize(("setting", "value"), [
    ("CONTACT_EMAIL", "moderation@maillage.example"),
    ("MAIL_REPLY_TO", "Équipe Maillage <moderation@maillage.example>"),
])
def test_about_page_gives_the_configured_moderation_address(client, app, setting, value):
    app.config[setting] = value
    html = client.get("/a-propos").get_data(as_text=True)
    assert '<a href="mailto:moderation@maillage.example">moderation@maillage.example</a>' in html


def test_about_page_is_in_english(client, app):
    html = client.get("/a-propos?lang=en").get_data(as_text=True)
    assert "<h1>About Maillage</h1>" in html and "Where the project comes from" in html


def test_footer_links_the_about_page_and_the_open_data_page(client, app):
    html = client.get("/initiatives").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">'):html.index("</footer>")]
    assert re.search(r'<a href="/a-propos">À propos</a>', footer)
    assert re.search(r'<a href="/export">[^<]+</a>', footer)
