"""The sources' rules speak the page's language, like every other field's."""

import pytest

from app.initiatives.fields import InvalidInitiative, clean_fields
from app.text import Message
from tests.factories import proposal_data
from tests.test_sources import REPORT, form_rows


@pytest.mark.parametrize("sources", [
    "not a list", ["not a source"], [{"quote": "sans titre"}], [{"title": "x" * 301}],
    [{"title": "x" * 1_000_000}], [{"title": "Doc", "published_on": "20 mai"}],
    [{"title": "Doc", "url": "ftp://example.org"}], [{"title": f"Doc {n}"} for n in range(21)],
])
def test_every_source_rule_gives_a_message_for_the_catalogue(sources):
    with pytest.raises(InvalidInitiative) as refused:
        clean_fields({"sources": sources})
    message = refused.value.errors["sources"]
    assert isinstance(message, Message) and "%(" in message.template or \
        message.template == "Liste de sources attendue."


def test_english_form_shows_a_bad_source_in_english(fast_forms, client, themes):
    client.get("/?lang=en")
    bad = {**REPORT, "url": "javascript:alert(1)"}
    response = client.post("/initiatives/new?lang=en", data=proposal_data(**form_rows(bad)))
    assert response.status_code == 400
    assert "Source 1: invalid web address, it must start with http:// or https://." in \
        response.text
    assert "adresse web invalide" not in response.text
