"""Who is told what: the proposer about their proposal, moderators about new items.

Every message links to what it is about: the follow-up page, the initiative's page or the
item to review.
"""

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.follow_ups import issue_follow_up
from app.initiatives.scopes import covers
from app.models import ChangeSet, Initiative, Report, User
from app.notifications.outbox import enqueue


def proposer_address(initiative: Initiative) -> str | None:
    """The private e-mail given with the proposal, else the proposing account's."""
    if initiative.private_email:
        return initiative.private_email
    author = db.session.get(User, initiative.created_by_id) if initiative.created_by_id else None
    return author.email if author else None


def change_set_address(change_set: ChangeSet) -> str | None:
    if change_set.proposer_email:
        return change_set.proposer_email
    author = db.session.get(User, change_set.author_id) if change_set.author_id else None
    return author.email if author else None


def moderators_of(initiative: Initiative) -> list[User]:
    """Active moderators whose territories hold the initiative (admins are not mailed)."""
    moderators = db.session.scalars(sa.select(User).where(
        User.role == "moderator", User.active.is_(True)).order_by(User.id))
    return [user for user in moderators if covers(user, initiative)]


def proposal_received(initiative: Initiative, follow_up_url: str) -> None:
    enqueue(proposer_address(initiative), "proposal_received", initiative=initiative,
            follow_up_url=follow_up_url)


def correction_received(change_set: ChangeSet, follow_up_url: str) -> None:
    enqueue(change_set_address(change_set), "correction_received",
            initiative=change_set.initiative, change_set=change_set, follow_up_url=follow_up_url)


def new_item(initiative: Initiative, item: Initiative | ChangeSet | Report,
             review_url: str) -> None:
    """Tell the moderators of the initiative's territory that something waits for them."""
    kind = {Initiative: "proposal", ChangeSet: "change_set", Report: "report"}[type(item)]
    for moderator in moderators_of(initiative):
        enqueue(moderator.email, "new_item", initiative=initiative, kind=kind, item=item,
                review_url=review_url)


# Decisions after which the proposer has something to read or to do on the follow-up page.
FOLLOW_UP_DECISIONS = ("reject", "request_changes")


def decision(initiative: Initiative, decided: str, reason: str) -> None:
    address = proposer_address(initiative)
    if address:
        enqueue(address, "decision", initiative=initiative, decision=decided, reason=reason,
                follow_up_token=new_follow_up(initiative, decided))


def change_set_decision(change_set: ChangeSet, decided: str, reason: str) -> None:
    address = change_set_address(change_set)
    if address:
        enqueue(address, "change_set_decision", initiative=change_set.initiative,
                change_set=change_set, decision=decided, reason=reason,
                follow_up_token=new_follow_up(change_set.initiative, decided, change_set))


def new_follow_up(initiative: Initiative, decided: str,
                  change_set: ChangeSet | None = None) -> str | None:
    """A fresh follow-up token when the decision sends the proposer there (the first one's
    token was never stored, and may have expired)."""
    if decided not in FOLLOW_UP_DECISIONS:
        return None
    return issue_follow_up(initiative, change_set)
