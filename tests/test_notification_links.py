"""What every e-mail says and carries: the moderation team's Reply-To, and a link to what it
is about (built on PUBLIC_URL)."""

import email
import re

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.models import OutboxMessage
from tests.factories import SECRET_EMAIL, login, make_initiative, proposal_data

pytestmark = pytest.mark.usefixtures("fast_forms")

PUBLIC = "https://carte.example.fr"
TEAM = "Équipe de modération <moderation@example.fr>"
FOLLOW_UP_LINK = re.compile(re.escape(PUBLIC) + r"/suivi/[\w-]+")


def outbox() -> list[OutboxMessage]:
    db.session.rollback()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def sent_emails(runner, app, tmp_path) -> list[email.message.EmailMessage]:
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(tmp_path.glob("*.eml"))]


def decide(client, accounts, initiative, decision: str, reason: str = "") -> str:
    """Post a moderator's decision; return the body of the one message it queued."""
    login(client, accounts.moderator_71)
    client.post(f"/moderation/initiatives/{initiative.id}/decision", data={
        "decision": decision, "reason": reason, "version": initiative.version})
    [message] = outbox()
    return message.body


def test_every_message_carries_the_moderation_team_as_reply_to(app, runner, client, accounts,
                                                                 tmp_path):
    app.config["MAIL_REPLY_TO"] = TEAM
    client.post("/initiatives/new", data=proposal_data())
    emails = sent_emails(runner, app, tmp_path)
    assert len(emails) == 3
    assert {str(message["Reply-To"]) for message in emails} == {TEAM}
    [receipt] = [message for message in emails if message["To"] == SECRET_EMAIL]
    assert "répondez à ce message" in receipt.get_content()


def test_without_reply_to_no_message_asks_for_a_reply(app, runner, client, accounts, tmp_path):
    client.post("/initiatives/new", data=proposal_data())
    emails = sent_emails(runner, app, tmp_path)
    assert len(emails) == 3
    assert all(message["Reply-To"] is None for message in emails)
    assert not [message for message in emails if "pondez" in message.get_content()]


def test_a_reply_to_that_is_not_one_address_is_left_out(app, runner, client, accounts,
                                                         tmp_path):
    app.config["MAIL_REPLY_TO"] = "a@example.fr, b@example.fr"
    client.post("/initiatives/new", data=proposal_data())
    emails = sent_emails(runner, app, tmp_path)
    assert len(emails) == 3 and all(message["Reply-To"] is None for message in emails)


def test_refusal_links_to_the_follow_up_page_showing_the_decision(app, client, accounts):
    app.config["PUBLIC_URL"] = PUBLIC
    body = decide(client, accounts, make_initiative(), "reject", "Hors du champ de la carte.")
    [link] = FOLLOW_UP_LINK.findall(body)
    page = client.get(link.removeprefix(PUBLIC))
    assert page.status_code == 200
    assert "Hors du champ de la carte." in page.get_data(as_text=True)


def test_request_for_changes_links_to_an_editable_follow_up_page(app, client, accounts):
    app.config["PUBLIC_URL"] = PUBLIC
    body = decide(client, accounts, make_initiative(), "request_changes", "Précisez le lieu.")
    [link] = FOLLOW_UP_LINK.findall(body)
    page = client.get(link.removeprefix(PUBLIC)).get_data(as_text=True)
    assert "Enregistrer les modifications" in page


@pytest.mark.parametrize(("status", "decision"), [("pending", "approve"),
                                                  ("published", "archive")])
def test_publication_and_archiving_link_to_the_initiative_page(app, client, accounts, status,
                                                               decision):
    app.config["PUBLIC_URL"] = PUBLIC
    initiative = make_initiative(status=status)
    body = decide(client, accounts, initiative, decision, "Fin de l'action.")
    assert f"{PUBLIC}/initiatives/{initiative.id}-" in body


@pytest.mark.parametrize(("decision", "link"), [
    ("approve", "/initiatives/"), ("reject", "/suivi/"), ("request_changes", "/suivi/")])
def test_correction_decisions_link_to_the_page_or_the_follow_up(app, client, accounts,
                                                                decision, link):
    app.config["PUBLIC_URL"] = PUBLIC
    initiative = make_initiative(status="published")
    with write_transaction():
        change_set = propose_change(initiative, {"summary": "Nouveau"}, author=None,
                                    email="fixer@example.org", message="")
    login(client, accounts.moderator_71)
    client.post(f"/moderation/change-sets/{change_set.id}/decision",
                data={"decision": decision, "reason": "Merci.", "version": change_set.version})
    [message] = outbox()
    assert f"{PUBLIC}{link}" in message.body
    if link == "/suivi/":
        [follow_up] = FOLLOW_UP_LINK.findall(message.body)
        assert client.get(follow_up.removeprefix(PUBLIC)).status_code == 200


def test_correction_receipt_links_to_the_corrected_page(app, client, accounts):
    app.config["PUBLIC_URL"] = PUBLIC
    initiative = make_initiative(status="published", summary="Ancien résumé")
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="Nouveau résumé", themes=["gestion-de-crise"],
        website="", message="Le résumé a changé", private_email="fixer@example.org"))
    assert response.status_code == 302
    receipt = [m for m in outbox() if m.recipient == "fixer@example.org"]
    assert receipt and f"{PUBLIC}/initiatives/{initiative.id}-" in receipt[0].body


def test_the_privacy_notice_offers_a_reply_only_when_messages_carry_a_reply_to(app, client,
                                                                                themes):
    assert "répondant au message reçu" not in client.get("/initiatives/new").text
    app.config["MAIL_REPLY_TO"] = TEAM
    assert "répondant au message reçu" in client.get("/initiatives/new").text
