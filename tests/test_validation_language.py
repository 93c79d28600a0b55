"""Validation messages in the page's language: WTForms' own, the forms' and the field rules'."""

import re
from html import unescape

import pytest

from tests.factories import make_initiative, proposal_data, sign_in

FRENCH_WORDS = re.compile(r"\b(Ce champ|Adresse|Indiquez|Date attendue|caractères|Valeur|"
                          r"Commune introuvable|Choisissez|Cochez|requis|obligatoire)\b")


def field_errors(html: str) -> list[str]:
    """The messages shown next to fields and above the form."""
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    found += re.findall(r"<li>(.*?)</li>", summary[0] if summary else "", re.S)
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def broken_proposal(**overrides) -> dict:
    return proposal_data(name="", website="ftp://repair.example.org", started_on="12/03/2020",
                         consent=None, **overrides)


def test_english_proposal_page_gives_every_message_in_english(client, fast_forms, themes):
    response = client.post("/initiatives/new?lang=en", data=broken_proposal())
    assert response.status_code == 400
    errors = field_errors(response.text)
    assert "This field is required." in errors
    assert "Invalid web address: it must start with http:// or https://." in errors
    assert "A date is expected, as YYYY-MM-DD." in errors
    assert "Tick this box to send the proposal." in errors
    assert not [message for message in errors if FRENCH_WORDS.search(message)], errors


def test_french_proposal_page_keeps_the_french_messages(client, fast_forms, themes):
    response = client.post("/initiatives/new?lang=fr", data=broken_proposal())
    errors = field_errors(response.text)
    assert "Ce champ est obligatoire." in errors
    assert "Adresse web invalide : elle doit commencer par http:// ou https://." in errors
    assert "Date attendue au format AAAA-MM-JJ." in errors


def test_english_length_and_place_messages_carry_their_numbers(client, fast_forms, themes):
    response = client.post("/initiatives/new?lang=en", data=proposal_data(
        name="x" * 250, commune="", website=None))
    errors = field_errors(response.text)
    assert "200 characters at most (250 received)." in errors
    assert "Give a commune or a point on the map." in errors


def test_english_correction_without_change_says_so_in_english(client, fast_forms, themes):
    initiative = make_initiative("Repair café", status="published")
    response = client.post(f"/initiatives/{initiative.id}/correction?lang=en",
                           data=proposal_data(name="Repair café", summary=None, website=None,
                                              private_email=None, themes="gestion-de-crise"))
    assert response.status_code == 400
    assert "Nothing differs from the current entry." in field_errors(response.text)


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Field cannot be longer than 2000 characters."),
    ("fr", "Le champ ne peut pas contenir plus de 2000 caractères.")])
def test_wtforms_own_messages_follow_the_language(client, themes, lang, message):
    sign_in(client, "admin")
    initiative = make_initiative()
    response = client.post(f"/moderation/initiatives/{initiative.id}/decision?lang={lang}", data={
        "decision": "reject", "reason": "x" * 2001, "version": str(initiative.version)})
    assert response.status_code == 400
    assert message in field_errors(response.text)


def test_moderator_edit_in_english_gives_english_messages(client, themes):
    sign_in(client, "admin")
    initiative = make_initiative()
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit?lang=en", data={
        "name": "Jardin", "kind": "initiative", "commune": "Cluny", "website": "javascript:x",
        "version": str(initiative.version)})
    assert response.status_code == 400
    errors = field_errors(response.text)
    assert "Invalid web address: it must start with http:// or https://." in errors
    assert not [message for message in errors if FRENCH_WORDS.search(message)], errors
