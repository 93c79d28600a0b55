"""Re-confirmation reminders: who gets one, the signed links they carry, and the flag for
moderators once they go unanswered; flush only, except the job, which commits per entry.

A reminder's links are signed with the app's secret (itsdangerous), bound to the initiative
and to the reminder's number, and expire after REMINDER_LINK_DAYS. Nothing is ever deleted:
an entry nobody answers for is flagged in the moderators' queue of stale entries.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app import clock
from app.database import write_transaction
from app.extensions import db
from app.initiatives.fields import is_email
from app.initiatives.freshness import clear_reminders, stale_clause
from app.models import Actor, ChangeSet, Initiative
from app.notifications.outbox import enqueue

SALT = "maillage.reminder"
BATCH = 200


class ClockSigner(TimestampSigner):
    """Timestamps from the app's clock, so tests can let links expire."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


class ReminderLinkError(Exception):
    """A reminder link that cannot be used; `expired` tells why."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT,
                                  signer=ClockSigner)


def reminder_token(initiative: Initiative, number: int) -> str:
    return serializer().dumps([initiative.id, number])


def initiative_of_token(token: str) -> tuple[Initiative, int]:
    """The published initiative and reminder number of a live link; ReminderLinkError else.

    A link stops working once its entry is confirmed (its reminders start over).
    """
    max_age = current_app.config["REMINDER_LINK_DAYS"] * 86_400
    try:
        initiative_id, number = serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise ReminderLinkError(expired=True) from None
    except (BadSignature, ValueError, TypeError):
        raise ReminderLinkError() from None
    if not isinstance(initiative_id, int):
        raise ReminderLinkError()
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or initiative.status != "published":
        raise ReminderLinkError()
    if not isinstance(number, int) or not 1 <= number <= initiative.reminders_sent:
        raise ReminderLinkError(expired=True)
    return initiative, number


def contact_of(initiative: Initiative) -> str | None:
    """Who can confirm the entry: the proposer's private e-mail, else the lead actor's public
    contact when it is an e-mail address."""
    if initiative.private_email:
        return initiative.private_email
    actor = initiative.lead_actor
    contact = (actor.public_contact or "").strip() if actor else ""
    return contact if contact and is_email(contact) else None


def has_contact() -> sa.ColumnElement[bool]:
    """A condition keeping the entries whose contact_of may give an address."""
    mailable_actors = sa.select(Actor.id).where(Actor.public_contact.contains("@"))
    return sa.or_(Initiative.private_email.is_not(None),
                  Initiative.lead_actor_id.in_(mailable_actors))


def interval() -> timedelta:
    return timedelta(days=current_app.config["REMINDER_INTERVAL_DAYS"])


def waiting_for_answer() -> sa.ColumnElement[bool]:
    """Not reminded yet, or reminded long enough ago; and no correction waits for moderation."""
    pending = sa.select(ChangeSet.id).where(ChangeSet.initiative_id == Initiative.id,
                                            ChangeSet.status == "pending")
    return sa.and_(sa.or_(Initiative.last_reminder_at.is_(None),
                          Initiative.last_reminder_at <= clock.now() - interval()),
                   ~pending.exists())


def due_ids() -> list[int]:
    """The published stale entries with a contact due for a reminder or a flag, oldest
    first (those nobody can be asked about wait in the moderators' queue as they are)."""
    stmt = (sa.select(Initiative.id)
            .where(Initiative.status == "published", Initiative.stale_flagged_at.is_(None),
                   stale_clause(), has_contact(), waiting_for_answer())
            .order_by(Initiative.last_verified_on, Initiative.id).limit(BATCH))
    return list(db.session.scalars(stmt))


@dataclass
class ReminderReport:
    sent: int = 0
    flagged: int = 0

    def summary(self) -> str:
        if not self.sent and not self.flagged:
            return ""
        return f"{self.sent} reminders queued, {self.flagged} entries flagged"


def send_reminders() -> str:
    """Remind the contacts of the stale entries, or flag the unanswered ones (the job)."""
    report = ReminderReport()
    for initiative_id in due_ids():
        with write_transaction():
            initiative = db.session.get(Initiative, initiative_id)
            outcome = remind_or_flag(initiative)
            report.sent += outcome is True
            report.flagged += outcome is False
    return report.summary()


def remind_or_flag(initiative: Initiative) -> bool | None:
    """Send the next reminder (True) or, after the last one, flag (False); None when the
    contact is no address after all (tried again after the interval)."""
    address = contact_of(initiative)
    limit = current_app.config["REMINDERS_BEFORE_FLAG"]
    if initiative.reminders_sent >= limit:
        set_quietly(initiative, stale_flagged_at=clock.now())
        return False
    if address is None:
        set_quietly(initiative, last_reminder_at=clock.now())
        return None
    number = initiative.reminders_sent + 1
    set_quietly(initiative, reminders_sent=number, last_reminder_at=clock.now())
    enqueue(address, "reminder", initiative=initiative, number=number, limit=limit,
            token=reminder_token(initiative, number))
    return True


def set_quietly(initiative: Initiative, **values) -> None:
    """Write reminder bookkeeping without touching updated_at or the version: it changes
    nothing the public sees, and must not pass for a change of the entry."""
    db.session.execute(sa.update(Initiative).where(Initiative.id == initiative.id)
                       .values(updated_at=Initiative.updated_at, **values))
    for name, value in values.items():
        sa.orm.attributes.set_committed_value(initiative, name, value)


def answered(initiative: Initiative) -> None:
    """The contact answered (a correction or an end to moderate): the reminders stop."""
    clear_reminders(initiative)
