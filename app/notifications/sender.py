"""Send the outbox: SMTP when MAIL_SERVER is set, else .eml files in instance/mail/."""

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.config import setting
from app.database import write_transaction
from app.extensions import db
from app.initiatives.fields import is_email
from app.models import OutboxMessage
from app.models.base import utcnow

MAX_ATTEMPTS = 5
LONGEST_LINE = 998  # RFC 5322 section 2.1.1
DEFAULT_SENDER = "Maillage <ne-pas-repondre@maillage.localhost>"
# Whatever a mail reader may take for the end of a header line (header injection).
LINE_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\s*")


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    transport: str = ""


def flag(name: str) -> bool:
    return str(setting(name, "")).lower() in ("1", "true", "yes", "on")


def single_line(value: str) -> str:
    """A header value on one line: its line breaks become spaces."""
    return LINE_BREAKS.sub(" ", value).strip()


def reply_address() -> str | None:
    """MAIL_REPLY_TO (the moderation team's address, a name may come with it) when it is one
    valid address, else None."""
    configured = single_line(str(setting("MAIL_REPLY_TO", "")))
    if not configured:
        return None
    addresses = getaddresses([configured])
    if len(addresses) == 1 and is_email(addresses[0][1]):
        name, address = addresses[0]
        return str(Address(display_name=name, addr_spec=address))
    current_app.logger.warning("MAIL_REPLY_TO is not one e-mail address: ignored.")
    return None


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail of an outbox message; ValueError when its recipient is not one address."""
    email = EmailMessage()
    email["From"] = setting("MAIL_DEFAULT_SENDER", DEFAULT_SENDER)
    if reply_to := reply_address():
        email["Reply-To"] = reply_to
    email["To"] = message.recipient  # a line break here is refused, never folded
    if len(email["To"].addresses) != 1 or not is_email(message.recipient):
        raise ValueError("A notification goes to exactly one address.")
    email["Subject"] = single_line(message.subject)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="maillage")
    for name, value in (message.headers or {}).items():
        email[name] = single_line(value)
    email.set_content(message.body)
    if message.headers:
        # A List-Unsubscribe URL is one long word: folded at 78 characters it would become
        # an encoded word that mail clients do not read as <URL> (RFC 2369, RFC 8058).
        email.policy = email.policy.clone(max_line_length=LONGEST_LINE)
    return email


def eml_transport() -> Callable[[EmailMessage, int], None]:
    """Write each message as <outbox id>.eml in MAIL_EML_DIR (default instance/mail/)."""
    directory = Path(setting("MAIL_EML_DIR") or Path(current_app.instance_path) / "mail")
    directory.mkdir(parents=True, exist_ok=True)

    def deliver(email: EmailMessage, message_id: int) -> None:
        (directory / f"{message_id:06d}.eml").write_bytes(bytes(email))
    return deliver


def smtp_transport() -> Callable[[EmailMessage, int], None]:
    """Deliver through the configured SMTP server (one connection per message: few messages)."""
    host, port = setting("MAIL_SERVER"), int(setting("MAIL_PORT", 25))
    timeout = float(setting("MAIL_TIMEOUT", 10))

    def deliver(email: EmailMessage, _message_id: int) -> None:
        factory = smtplib.SMTP_SSL if flag("MAIL_USE_SSL") else smtplib.SMTP
        with factory(host, port, timeout=timeout) as smtp:
            if flag("MAIL_USE_TLS"):
                smtp.starttls()
            if setting("MAIL_USERNAME"):
                smtp.login(setting("MAIL_USERNAME"), setting("MAIL_PASSWORD", ""))
            smtp.send_message(email)
    return deliver


def send_pending(limit: int = 200) -> SendReport:
    """Send the waiting messages, each committed on its own; failures are kept for a retry."""
    report = SendReport(transport="smtp" if setting("MAIL_SERVER") else "eml")
    ids = db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.status == "pending").order_by(OutboxMessage.id).limit(limit)).all()
    if not ids:
        return report
    transport = smtp_transport() if report.transport == "smtp" else eml_transport()
    for message_id in ids:
        if send_one(message_id, transport):
            report.sent += 1
        else:
            report.failed += 1
    return report


def send_one(message_id: int, transport: Callable[[EmailMessage, int], None]) -> bool:
    """Send one message, then record the outcome; return whether it left.

    The write lock is taken after the SMTP exchange, never during it.
    """
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != "pending":
        return False
    error, final = None, False
    try:
        email = build_email(message)
    except (ValueError, TypeError, MessageError) as problem:  # a retry would fail the same way
        error, final = describe(problem), True
    else:
        try:
            transport(email, message_id)
        except (OSError, smtplib.SMTPException) as failure:
            error = describe(failure)
    with write_transaction():
        record_attempt(db.session.get(OutboxMessage, message_id), error, final=final)
    return error is None


def describe(problem: Exception) -> str:
    return f"{type(problem).__name__}: {problem}"[:1000]


def record_attempt(message: OutboxMessage, error: str | None, *, final: bool = False) -> None:
    """Count the attempt: sent, failed for good (final, or too many tries), or pending."""
    message.attempts += 1
    message.last_error = error
    if error is None:
        message.status, message.sent_at = "sent", utcnow()
    elif final or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    db.session.flush()
