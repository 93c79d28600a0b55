"""The writes behind the contribution forms, with follow-up links and e-mails; flush only."""


from flask import url_for

from app.contribute.follow_up import issue_follow_up
from app.initiatives.change_sets import propose_change
from app.initiatives.reports import file_report
from app.initiatives.services import create_initiative
from app.initiatives.values import CleanValues
from app.models import ChangeSet, Initiative, Report, User
from app.notifications import messages

FORM_SOURCE = "Proposition via le formulaire du site"


def author_of(user) -> User | None:
    return user if user.is_authenticated else None


def follow_up_url(token: str) -> str:
    return url_for("contribute.follow_up", token=token, _external=True)


def propose_initiative(values: CleanValues, *, user) -> tuple[Initiative, str]:
    """A pending initiative from the proposal form; return it with its follow-up token."""
    initiative = create_initiative(values.with_fields(source=FORM_SOURCE),
                                   author=author_of(user), status="pending",
                                   reason="Proposition reçue par le formulaire")
    token = issue_follow_up(initiative)
    messages.proposal_received(initiative, follow_up_url(token))
    messages.new_item(initiative, initiative,
                      url_for("moderation.review", initiative_id=initiative.id, _external=True))
    return initiative, token


def propose_correction(initiative: Initiative, values: CleanValues, *, email: str | None,
                       message: str, user) -> tuple[ChangeSet, str]:
    """A pending change set to a published initiative; return it with its follow-up token."""
    change_set = propose_change(initiative, values, author=author_of(user), email=email,
                                message=message)
    token = issue_follow_up(initiative, change_set)
    messages.correction_received(change_set, follow_up_url(token))
    messages.new_item(initiative, change_set, url_for(
        "moderation.review_change_set", change_set_id=change_set.id, _external=True))
    return change_set, token


def report_problem(initiative: Initiative, kind: str, message: str, *, email: str | None,
                   user) -> Report:
    """An open report on a published initiative, announced to its moderators."""
    report = file_report(initiative, kind, message, reporter=author_of(user), email=email)
    messages.new_item(initiative, report,
                      url_for("moderation.queue", kind="report", _external=True))
    return report
