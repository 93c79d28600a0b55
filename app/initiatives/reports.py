"""Reports of a problem with a published initiative: filed by anyone, closed by a moderator."""

from app.extensions import db
from app.initiatives.change_sets import MAX_MESSAGE, private_email
from app.initiatives.fields import InvalidInitiative
from app.initiatives.moderation import DecisionNotAllowed
from app.initiatives.scopes import check_change
from app.models import REPORT_KINDS, Initiative, Report, User
from app.models.base import utcnow
from app.text import N_

# decision → resulting status
DECISIONS = {"resolve": "resolved", "dismiss": "dismissed"}


def file_report(initiative: Initiative, kind: str, message: str, *, reporter: User | None,
                email: str | None) -> Report:
    """Record an open report on a published initiative; flush only."""
    if initiative.status != "published":
        raise DecisionNotAllowed(initiative.status)
    if kind not in REPORT_KINDS:
        raise InvalidInitiative({"kind": N_("Choisissez le type de problème.")})
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInitiative({"message": N_("%(max)d caractères au plus.", max=MAX_MESSAGE)})
    report = Report(initiative=initiative, kind=kind, message=message,
                    reporter_id=reporter.id if reporter else None,
                    reporter_email=private_email(email))
    db.session.add(report)
    db.session.flush()
    return report


def decide_report(report: Report, decision: str, *, moderator: User, comment: str = "",
                  expected_version: int | None) -> Report:
    """Close a report as resolved or dismissed; flush only (OutOfScope outside the
    moderator's territories)."""
    check_change(moderator, report.initiative)
    if expected_version is not None and expected_version != report.version:
        raise DecisionNotAllowed(report.status)
    if report.status != "open" or decision not in DECISIONS:
        raise DecisionNotAllowed(report.status)
    report.status = DECISIONS[decision]
    report.moderator_id = moderator.id
    report.moderator_comment = comment.strip() or None
    report.decided_at = utcnow()
    db.session.flush()
    return report
