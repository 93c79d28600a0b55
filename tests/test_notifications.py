"""E-mails through the outbox: who is told what, .eml files by default, SMTP when configured."""

import email
import socket
import socketserver
import threading

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.models import OutboxMessage
from app.notifications.sender import MAX_ATTEMPTS
from tests.factories import SECRET_EMAIL, login, make_initiative, proposal_data

pytestmark = pytest.mark.usefixtures("fast_forms")


def outbox() -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_proposal_tells_the_proposer_and_the_moderators_of_the_territory(client, accounts):
    client.post("/initiatives/new", data=proposal_data())
    messages = {message.recipient: message for message in outbox()}
    assert set(messages) == {SECRET_EMAIL, accounts.moderator_71.email, accounts.national.email}
    receipt = messages[SECRET_EMAIL]
    assert "bien été reçue" in receipt.subject
    assert "http://localhost/suivi/" in receipt.body
    moderator = messages[accounts.moderator_71.email]
    assert "Nouvelle proposition à modérer" in moderator.subject
    assert "/moderation/initiatives/" in moderator.body
    assert all(message.status == "pending" for message in outbox())


def test_proposal_without_email_tells_only_the_moderators(client, accounts):
    client.post("/initiatives/new", data=proposal_data(private_email=""))
    assert SECRET_EMAIL not in {message.recipient for message in outbox()}
    assert len(outbox()) == 2


def test_decision_is_sent_to_the_proposer_with_the_reason(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    client.post(f"/moderation/initiatives/{initiative.id}/decision", data={
        "decision": "reject", "reason": "Hors du champ de la carte.", "version": 1})
    [message] = outbox()
    assert message.recipient == SECRET_EMAIL
    assert "n'a pas été retenue" in message.subject
    assert "Hors du champ de la carte." in message.body


def test_change_set_decision_is_sent_to_its_proposer(client, accounts):
    initiative = make_initiative(status="published")
    with write_transaction():
        change_set = propose_change(initiative, {"summary": "Nouveau"}, author=None,
                                    email="fixer@example.org", message="")
    login(client, accounts.moderator_71)
    client.post(f"/moderation/change-sets/{change_set.id}/decision",
                data={"decision": "approve", "version": change_set.version})
    assert [(m.recipient, "acceptée" in m.subject) for m in outbox()] == [
        ("fixer@example.org", True)]


def test_mail_send_writes_eml_files_by_default(app, runner, tmp_path, client, accounts):
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    client.post("/initiatives/new", data=proposal_data())
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "3 sent, 0 failed" in result.output
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3
    parsed = email.message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == SECRET_EMAIL and "/suivi/" in parsed.get_payload(decode=True).decode()
    db.session.rollback()
    assert {message.status for message in outbox()} == {"sent"}
    assert runner.invoke(args=["mail", "send"]).output.count("0 sent") == 1


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_smtp_down_never_breaks_the_site_and_messages_wait(app, runner, client, accounts):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_TIMEOUT=2)
    assert client.post("/initiatives/new", data=proposal_data()).status_code == 302
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "0 sent, 3 failed" in result.output
    db.session.rollback()
    assert {(m.status, m.attempts) for m in outbox()} == {("pending", 1)}
    assert "ConnectionRefusedError" in outbox()[0].last_error
    for _ in range(MAX_ATTEMPTS - 1):
        runner.invoke(args=["mail", "send"])
    db.session.rollback()
    assert {m.status for m in outbox()} == {"failed"}


class FakeSMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive a message."""

    received: list[bytes] = []

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 fake ESMTP")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.reply("250 fake")
            elif command == b"DATA":
                self.reply("354 go on")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                FakeSMTP.received.append(data)
                self.reply("250 queued")
            elif command == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def test_mail_send_delivers_through_smtp(app, runner, client, accounts):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSMTP)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeSMTP.received = []
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1],
                          MAIL_DEFAULT_SENDER="Maillage <carte@example.fr>")
        client.post("/initiatives/new", data=proposal_data())
        result = runner.invoke(args=["mail", "send"])
    finally:
        server.shutdown()
        server.server_close()
    assert "(smtp): 3 sent" in result.output
    assert len(FakeSMTP.received) == 3
    assert any(b"To: " + SECRET_EMAIL.encode() in data for data in FakeSMTP.received)
    assert all(b"From: Maillage <carte@example.fr>" in data for data in FakeSMTP.received)


def test_proposal_with_several_addresses_is_refused_and_mails_nobody(client, accounts):
    many = "a@example.org,v1@example.org,v2@example.org"
    response = client.post("/initiatives/new", data=proposal_data(private_email=many))
    assert response.status_code == 400 and "e-mail invalide" in response.get_data(as_text=True)
    assert outbox() == []


def test_sender_refuses_a_message_to_several_recipients(app, runner, tmp_path):
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    with write_transaction():
        db.session.add(OutboxMessage(recipient="a@example.org, v1@example.org",
                                     subject="Objet", body="Corps"))
    result = runner.invoke(args=["mail", "send"])
    assert "0 sent, 1 failed" in result.output and not list(tmp_path.glob("*.eml"))
    db.session.rollback()
    assert [(m.status, "one address" in m.last_error) for m in outbox()] == [("failed", True)]
