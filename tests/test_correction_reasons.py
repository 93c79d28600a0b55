"""A correction says why, in a field seen first; a moderator asking for details is warned when
nobody can be told."""

import re

from app.extensions import db
from app.models import ChangeSet
from tests.factories import login, make_initiative, proposal_data


def test_the_why_field_comes_before_the_fields_to_correct(client, themes):
    initiative = make_initiative(status="published")
    page = client.get(f"/initiatives/{initiative.id}/correction").text
    why = page.index('name="message"')
    assert why < page.index('name="name"')
    assert "Pourquoi cette correction ?" in page[:why]
    assert re.search(r'<textarea[^>]*aria-describedby="message-hint"[^>]*name="message"', page)


def test_the_why_is_stored_and_shown_to_moderators(client, accounts, fast_forms):
    initiative = make_initiative(status="published")
    sent = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name="Jardin des Griottes", consent=None, message="Le jardin a changé de nom en mai."))
    assert sent.status_code == 302
    change_set = db.session.scalar(db.select(ChangeSet))
    assert change_set.message == "Le jardin a changé de nom en mai."
    moderator = client.application.test_client()
    login(moderator, accounts.national)
    page = moderator.get(f"/moderation/change-sets/{change_set.id}").text
    section = page[page.index('id="why-title"'):]
    assert "Pourquoi cette correction" in section[:80]
    assert "Le jardin a changé de nom en mai." in section[:400]


def warning_of(page: str) -> str | None:
    found = re.search(r'<p class="warning" id="no-email-warning">(.*?)</p>', page, re.S)
    return found[1] if found else None


def test_asking_for_details_warns_when_the_proposer_left_no_email(client, accounts):
    login(client, accounts.national)
    silent = make_initiative("Sans adresse", private_email=None)
    reachable = make_initiative("Avec adresse")
    page = client.get(f"/moderation/initiatives/{silent.id}").text
    assert "pas laissé d'adresse e-mail" in warning_of(page)
    assert re.search(r'value="request_changes"[^>]*aria-describedby="no-email-warning"', page) \
        or re.search(r'aria-describedby="no-email-warning"[^>]*value="request_changes"', page)
    assert warning_of(client.get(f"/moderation/initiatives/{reachable.id}").text) is None


def test_an_account_holder_is_reachable_without_a_typed_email(client, accounts):
    login(client, accounts.national)
    initiative = make_initiative("D'un agent", private_email=None, author=accounts.contributor)
    assert warning_of(client.get(f"/moderation/initiatives/{initiative.id}").text) is None


def test_a_correction_without_email_warns_too(client, accounts, fast_forms):
    initiative = make_initiative(status="published")
    client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name="Jardin des Griottes", consent=None, private_email=None))
    change_set = db.session.scalar(db.select(ChangeSet))
    login(client, accounts.national)
    page = client.get(f"/moderation/change-sets/{change_set.id}").text
    assert "pas laissé d'adresse e-mail" in warning_of(page)
