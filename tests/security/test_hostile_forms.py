"""Hostile values through the proposal form, then moderated and viewed everywhere.

Each value is either refused with a clear message (400, nothing written) or stored and then
shown inert: in the follow-up page, the moderation queue, review, edit and history pages,
then once published on its page, in the list, the API and the map's popup data.
"""

import html
import re
from email import policy
from email.parser import BytesParser
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.models import Initiative, OutboxMessage
from tests.factories import proposal_data
from tests.security.conftest import table_counts
from tests.security.exports import exports_are_inert
from tests.security.inspect_html import injections, page_problems
from tests.security.payloads import (
    COORDINATES,
    EMAILS,
    TEXT_PAYLOADS,
    URLS,
    short_id,
)

# The text fields of the form a payload goes into, all at once.
TEXT_FIELDS = ("name", "summary", "description", "actor_name", "public_contact", "tags")


@pytest.fixture
def form_ready(fast_forms, themes):
    """The form may be sent at once, and its default themes exist."""


def propose(client, **fields):
    """Post the proposal form; the body is encoded by hand so lone surrogates go through."""
    body = urlencode(proposal_data(**fields), doseq=True, errors="surrogatepass")
    return client.post("/initiatives/new", data=body,
                       content_type="application/x-www-form-urlencoded")


def stored_initiative(response) -> Initiative | None:
    """The initiative a proposal created (the newest), None when it was refused."""
    if response.status_code != 302:
        return None
    return db.session.scalars(sa.select(Initiative).order_by(Initiative.id.desc())).first()


def assert_refused_cleanly(response, before: dict) -> None:
    """A 400 page saying what is wrong, and not one row written anywhere."""
    assert response.status_code == 400, response.status_code
    assert 'class="error' in response.text or "error-summary" in response.text
    assert injections(response.text) == []
    assert table_counts() == before


def pending_pages(client, moderator, follow_up: str, initiative: Initiative) -> list[str]:
    """The follow-up page, and the moderators' review and edit pages."""
    name = initiative.name
    return [*page_problems(client.get(follow_up), name),
            *page_problems(moderator.get(f"/moderation/initiatives/{initiative.id}"), name),
            *page_problems(moderator.get(f"/moderation/initiatives/{initiative.id}/edit"))]


def queue_problems(moderator, names: list[str]) -> list[str]:
    """Every page of the queue inert, and each stored name on one of them."""
    pages = [moderator.get("/moderation/")]
    while found := re.search(r'<a href="([^"]+)" rel="next">', pages[-1].text):
        pages.append(moderator.get(html.unescape(found.group(1))))
    shown = "".join(html.unescape(page.text) for page in pages)
    return [*(problem for page in pages for problem in page_problems(page)),
            *(f"/moderation/: does not show {name[:40]!r}" for name in names
              if name not in shown)]


def published_pages(client, moderator, initiative: Initiative) -> list[str]:
    """Approve, then the history, the public page, the list, the API and the popup's data."""
    response = moderator.post(f"/moderation/initiatives/{initiative.id}/decision", data={
        "decision": "approve", "version": initiative.version})
    if response.status_code != 302:
        return [f"approval: status {response.status_code}"]
    name = initiative.name
    found = [*page_problems(moderator.get(f"/initiatives/{initiative.id}/history"), name),
             *page_problems(client.get(f"/initiatives/{initiative.id}", follow_redirects=True),
                          name),
             *page_problems(client.get("/initiatives", query_string={"q": name[:50]}))]
    for path in (f"/api/v1/initiatives/{initiative.id}", f"/api/v1/map/points/{initiative.id}"):
        response = client.get(path)
        if response.status_code != 200 or response.get_json()["properties"]["name"] != name:
            found.append(f"{path}: status {response.status_code} or name changed")
    return found


@pytest.mark.slow
def test_hostile_text_is_refused_or_shown_inert_everywhere(client, moderator, form_ready):
    """One proposal per payload, the payload in every text field at once (a loop, not
    parametrised: the pages of all of them are checked in about ten seconds)."""
    problems, stored = [], []
    for payload in TEXT_PAYLOADS:
        before = table_counts()
        response = propose(client, **{field: payload for field in TEXT_FIELDS})
        initiative = stored_initiative(response)
        if initiative is None:
            assert_refused_cleanly(response, before)
            continue
        stored.append(initiative)
        found = pending_pages(client, moderator, response.headers["Location"], initiative)
        problems += [f"{short_id(payload)}: {problem}" for problem in found]
    problems += queue_problems(moderator, [i.name for i in stored])
    for initiative in stored:
        problems += [f"{short_id(initiative.name)}: {problem}"
                     for problem in published_pages(client, moderator, initiative)]
    assert problems == []
    exports_are_inert(client, {initiative.name for initiative in stored})
    assert len(stored) >= len(TEXT_PAYLOADS) // 2  # most are legitimate text, kept as typed


def refused_or_kept(client, **fields) -> Initiative | None:
    """Propose; a refusal must be clean (400, nothing written). Return what was stored."""
    before = table_counts()
    response = propose(client, **fields)
    initiative = stored_initiative(response)
    if initiative is None:
        assert_refused_cleanly(response, before)
    return initiative


@pytest.mark.parametrize("url", URLS, ids=short_id)
def test_website_must_be_a_web_address(client, form_ready, url):
    initiative = refused_or_kept(client, website=url)
    assert initiative is None or initiative.website.startswith(("http://", "https://"))


@pytest.mark.parametrize("email", EMAILS, ids=short_id)
def test_private_email_never_holds_a_header_break(client, form_ready, email):
    initiative = refused_or_kept(client, private_email=email)
    # "%0d%0a" typed as such is odd, but a single line
    assert initiative is None or (initiative.private_email.isprintable()
                                  and " " not in initiative.private_email)


@pytest.mark.parametrize(("lon", "lat"), COORDINATES, ids=lambda value: short_id(str(value)))
def test_impossible_coordinates_are_refused(client, form_ready, lon, lat):
    initiative = refused_or_kept(client, lon=lon, lat=lat, insee="", commune="")
    # Stored: a point on the map (swapped axes land outside France, with no commune).
    assert initiative is None or (-180 <= initiative.lon <= 180 and -90 <= initiative.lat <= 90)


def test_one_megabyte_title_and_ten_megabyte_description_are_refused(client, form_ready):
    before = table_counts()
    response = propose(client, name="N" * 1_000_000, description="D" * 10_000_000)
    assert response.status_code == 413  # over the form body cap: refused unread
    assert table_counts() == before
    response = propose(client, name="N" * 1_000, description="D" * 25_000)
    assert_refused_cleanly(response, before)
    assert "200 caractères au plus" in response.text


@pytest.mark.parametrize(("content_type", "status"), [
    ("application/x-www-form-urlencoded", 302),  # unknown fields are ignored
    ("multipart/form-data", 413),  # more parts than Werkzeug reads
])
def test_thousands_of_unknown_form_fields(client, form_ready, content_type, status):
    before = table_counts()
    data = proposal_data()
    data.update({f"field{index}": "x" * 100 for index in range(3_000)})  # under the body cap
    response = client.post("/initiatives/new", data=data, content_type=content_type)
    assert response.status_code == status
    assert table_counts()["initiatives"] == before["initiatives"] + (status == 302)


def test_thousands_of_themes_are_refused(client, form_ready):
    before = table_counts()
    themes = [f"theme-{index}" for index in range(2_000)]
    assert_refused_cleanly(propose(client, themes=themes), before)


def test_thousands_of_tags_are_refused(client, form_ready):
    before = table_counts()
    response = propose(client, tags=",".join(f"tag{index}" for index in range(3_000)))
    assert_refused_cleanly(response, before)


def test_tags_with_a_nul_byte_are_refused(client, form_ready):
    before = table_counts()
    assert_refused_cleanly(propose(client, tags="ok, nul\x00byte"), before)


@pytest.mark.parametrize("field", ["name", "actor_name", "public_contact"])
def test_single_line_fields_keep_no_line_break(client, form_ready, field):
    """A line break in a name would end an e-mail header (the subject names the initiative)."""
    response = propose(client, **{field: "Atelier\r\nBcc: victim@example.org\n\nInjected"})
    initiative = stored_initiative(response)
    if initiative is not None:
        assert not re.search(r"[\r\n\x0b\x0c\x85\u2028\u2029]", getattr(initiative, field))


def test_hostile_name_cannot_block_the_outbox(app, client, form_ready, tmp_path):
    """A line break in a name once reached the subject: `flask mail send` crashed on it and
    the message, still pending, stopped every later run."""
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    response = propose(client, name="Atelier\r\nBcc: victim@example.org\n\nCorps injecté")
    assert response.status_code == 302
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    eml = next(tmp_path.glob("*.eml")).read_bytes()
    message = BytesParser(policy=policy.default).parsebytes(eml)
    assert message["Bcc"] is None
    assert "Atelier Bcc: victim@example.org Corps injecté" in message["Subject"]


def send_outbox(app, folder, *messages: tuple[str, str]) -> str:
    """Store these (recipient, subject) messages, run `flask mail send`; return its output."""
    app.config["MAIL_EML_DIR"] = str(folder)
    with write_transaction():
        db.session.add_all([OutboxMessage(recipient=recipient, subject=subject, body="Corps")
                            for recipient, subject in messages])
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.exception
    return result.output


def test_a_stored_subject_with_a_line_break_does_not_stop_the_outbox(app, tmp_path):
    output = send_outbox(app, tmp_path, ("a@example.org", "Ancienne\r\nBcc: x@example.org"),
                         ("b@example.org", "Normal"))
    assert "2 sent, 0 failed" in output
    subjects = [BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
                for eml in sorted(tmp_path.glob("*.eml"))]
    assert [message["Subject"] for message in subjects] == [
        "Ancienne Bcc: x@example.org", "Normal"]
    assert all(message["Bcc"] is None for message in subjects)


def test_a_message_that_cannot_be_built_fails_at_once_and_the_rest_leave(app, tmp_path):
    """A recipient is never folded into another address: the message fails, with its error,
    and is not tried again on every run."""
    output = send_outbox(app, tmp_path, ("a@example.org\r\nBcc: x@example.org", "Un"),
                         ("b@example.org", "Deux"))
    assert "1 sent, 1 failed" in output
    bad, good = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert (bad.status, good.status) == ("failed", "sent")
    assert "ValueError" in bad.last_error
    assert "0 sent, 0 failed" in app.test_cli_runner().invoke(args=["mail", "send"]).output
