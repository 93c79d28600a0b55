"""French by default, English on request: the catalogue, the switcher, localised formats."""

import subprocess
from datetime import date

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string

from tests.browser.conftest import compile_catalogues
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.factories import PARIS, make_initiative
from tests.page_parsers import map_config_of

CATALOGUE = PROJECT_ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(autouse=True)
def compiled(app):
    compile_catalogues()


def english_catalogue():
    with open(CATALOGUE, "rb") as fh:
        return read_po(fh, locale="en")


def test_french_is_the_default_language(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "<h1>Carte des initiatives</h1>" in html


def test_lang_parameter_switches_to_english_and_is_remembered(client, seeded):
    response = client.get("/?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "<h1>Map of initiatives</h1>" in html
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]
    later = client.get("/initiatives").get_data(as_text=True)
    assert "<h1>List of initiatives</h1>" in later


def test_browser_preference_for_english_is_followed(client, seeded):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, seeded):
    html = client.get("/initiatives?theme=gestion-de-crise").get_data(as_text=True)
    assert ('<a href="/initiatives?theme=gestion-de-crise&amp;lang=en" lang="en" '
            'hreflang="en">English</a>') in html
    english = client.get("/initiatives?lang=en").get_data(as_text=True)
    assert 'hreflang="fr">Français</a>' in english


def test_map_texts_and_labels_follow_the_language(client, seeded):
    config = map_config_of(client.get("/?lang=en").get_data(as_text=True))
    assert config["locale"] == "en"
    assert config["text"]["open"] == "See the page"
    assert config["kinds"]["field_site"] == "Field site"
    assert config["themes"]["gestion-de-crise"]["label"] == "Crisis management"


def test_initiative_page_dates_are_localised(client, themes):
    initiative_id = make_initiative("Initiative de test", started_on="2020-03-17",
                                    status="published", insee=PARIS, summary="Résumé de test.",
                                    private_email=None).id
    french = client.get(f"/initiatives/{initiative_id}", follow_redirects=True)
    english = client.get(f"/initiatives/{initiative_id}?lang=en", follow_redirects=True)
    assert "17 mars 2020" in french.get_data(as_text=True)
    assert "March 17, 2020" in english.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "number", "day"), [
    ("fr", "12\u202f345", "1 juin 2024"),
    ("en", "12,345", "June 1, 2024"),
])
def test_numbers_and_dates_use_the_locale(app, lang, number, day):
    with app.test_request_context(f"/?lang={lang}"):
        rendered = render_template_string(
            "{{ 12345|numberformat }}|{{ day|dateformat('long') }}", day=date(2024, 6, 1))
    assert rendered == f"{number}|{day}"


def test_every_ui_string_of_the_app_is_translated_into_english(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [str(VENV_BIN / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "-o", str(template), "app", "templates"],
        cwd=PROJECT_ROOT, check=True, capture_output=True)
    with open(template, "rb") as fh:
        wanted = {message.id for message in read_po(fh) if message.id}
    catalogue = english_catalogue()
    translated = {m.id for m in catalogue if m.id and m.string and all(m.string)
                  and not m.fuzzy}
    missing = sorted(str(message_id) for message_id in wanted - translated)
    assert missing == [], "Run `make messages` and translate: " + "; ".join(missing[:20])


def test_translations_keep_their_placeholders():
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in english_catalogue().check()]
    assert problems == []
