"""The writes behind the contribution forms, with follow-up links and e-mails; flush only."""

from app.initiatives.change_sets import propose_change
from app.initiatives.follow_ups import issue_follow_up
from app.initiatives.reports import file_report
from app.initiatives.services import create_initiative
from app.initiatives.values import CleanValues
from app.models import ChangeSet, Initiative, Report, User
from app.notifications import messages
from app.web.urls import absolute_url

FORM_SOURCE = "Proposition via le formulaire du site"


def author_of(user) -> User | None:
    return user if user.is_authenticated else None


def follow_up_url(token: str) -> str:
    return absolute_url("contribute.follow_up", token=token)


def propose_initiative(values: CleanValues, *, user, seed: str | None = None
                       ) -> tuple[Initiative, str]:
    """A pending initiative from the proposal form; return it with its follow-up token."""
    initiative = create_initiative(values.with_fields(source=FORM_SOURCE),
                                   author=author_of(user), status="pending",
                                   reason="Proposition reçue par le formulaire")
    token = issue_follow_up(initiative, seed=seed)
    messages.proposal_received(initiative, follow_up_url(token))
    messages.new_item(initiative, initiative,
                      absolute_url("moderation.review", initiative_id=initiative.id))
    return initiative, token


def propose_correction(initiative: Initiative, values: CleanValues, *, email: str | None,
                       message: str, user, seed: str | None = None
                       ) -> tuple[ChangeSet, str]:
    """A pending change set to a published initiative; return it with its follow-up token."""
    change_set = propose_change(initiative, values, author=author_of(user), email=email,
                                message=message)
    token = issue_follow_up(initiative, change_set, seed=seed)
    messages.correction_received(change_set, follow_up_url(token))
    messages.new_item(initiative, change_set, absolute_url(
        "moderation.review_change_set", change_set_id=change_set.id))
    return change_set, token


def report_problem(initiative: Initiative, kind: str, message: str, *, email: str | None,
                   user) -> Report:
    """An open report on a published initiative, announced to its moderators."""
    report = file_report(initiative, kind, message, reporter=author_of(user), email=email)
    messages.new_item(initiative, report,
                      absolute_url("moderation.queue", kind="report"))
    return report
