"""Change sets: changes proposed to a published initiative, applied only once approved."""

from collections.abc import Mapping
from typing import Any

from app.extensions import db
from app.initiatives.changes import changed_values
from app.initiatives.fields import InvalidInitiative, clean_fields
from app.initiatives.history import record, snapshot
from app.initiatives.moderation import DecisionNotAllowed
from app.initiatives.scopes import check_change
from app.initiatives.services import update_initiative
from app.initiatives.values import CleanValues, cleaned
from app.models import ChangeSet, Initiative, User
from app.models.base import utcnow
from app.models.place_details import PLACE_DETAIL_FIELDS
from app.text import N_

# What a correction may change: the public fields and the place (the territory follows).
CHANGEABLE = (
    "name", "summary", "description", "kind", "actor_name", "actor_type", "lead_actor_id",
    "actor_identifier", "partners", "website",
    "public_contact", "started_on", "ended_on", "research_partnership", "insee", "lon", "lat",
    "location_precision", "scope", "territory", "themes", "tags", "sources",
    *PLACE_DETAIL_FIELDS, "life_status", "life_note",
)
DECISIONS = ("approve", "reject", "request_changes")
MAX_MESSAGE = 2_000


def private_email(value: str | None) -> str | None:
    """A proposer's e-mail, checked by the initiative rules (InvalidInitiative when wrong)."""
    return clean_fields({"private_email": value})["private_email"]


def propose_change(initiative: Initiative, data: Mapping[str, Any], *, author: User | None,
                   email: str | None, message: str) -> ChangeSet:
    """Record a pending change set holding the values that differ from the live record."""
    if initiative.status != "published":
        raise DecisionNotAllowed(initiative.status)
    change_set = ChangeSet(initiative=initiative, author_id=author.id if author else None,
                           changes={}, base_version=initiative.version)
    fill_change_set(change_set, data, email=email, message=message)
    db.session.add(change_set)
    db.session.flush()
    return change_set


def fill_change_set(change_set: ChangeSet, data: Mapping[str, Any], *, email: str | None,
                    message: str) -> None:
    """Check and store the proposed values, the proposer's e-mail and message."""
    changes = changed_values(change_set.initiative, proposed_values(data))
    if not changes:
        raise InvalidInitiative(
            {"changes": N_("Aucune modification par rapport à la fiche actuelle.")})
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInitiative({"message": N_("%(max)d caractères au plus.", max=MAX_MESSAGE)})
    change_set.changes = changes
    change_set.proposer_email = private_email(email)
    change_set.message = message


def proposed_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The values a correction may change, checked (already, when a form's checks cleaned them)."""
    if not isinstance(data, CleanValues):
        data = {key: value for key, value in data.items() if key in CHANGEABLE}
    return {key: value for key, value in cleaned(data, partial=True).items() if key in CHANGEABLE}


def diff(change_set: ChangeSet) -> list[tuple[str, Any, Any]]:
    """(field, live value, proposed value) for each proposed change."""
    live = snapshot(change_set.initiative)
    return [(field, live.get(field), value) for field, value in change_set.changes.items()]


def decide_change_set(change_set: ChangeSet, decision: str, *, moderator: User, reason: str = "",
                      expected_version: int | None,
                      changes: dict[str, Any] | None = None) -> ChangeSet:
    """Approve (apply to the live record), reject or send back a change set; flush only.

    Raise OutOfScope when the moderator's territories hold the initiative not before or,
    once the change is applied, not after it.
    """
    check_change(moderator, change_set.initiative)
    if expected_version is not None and expected_version != change_set.version:
        raise DecisionNotAllowed(change_set.status)
    if change_set.status != "pending" or decision not in DECISIONS:
        raise DecisionNotAllowed(change_set.status)
    initiative = change_set.initiative
    label = f"Correction n° {change_set.id}"
    if decision == "approve":
        update_initiative(initiative, changes or change_set.changes, author=moderator,
                          reason=join(f"{label} acceptée", reason))
    else:
        action = "reject" if decision == "reject" else "request_changes"
        verb = "refusée" if decision == "reject" else "à compléter"
        record(initiative, action, author=moderator, reason=join(f"{label} {verb}", reason),
               before=snapshot(initiative))
    change_set.moderator_id = moderator.id
    change_set.moderator_comment = reason.strip() or None
    if decision != "request_changes":
        change_set.status = "approved" if decision == "approve" else "rejected"
        change_set.decided_at = utcnow()
    db.session.flush()
    return change_set


def revise_change_set(change_set: ChangeSet, data: Mapping[str, Any], *, email: str | None,
                      message: str) -> ChangeSet:
    """The proposer's edit of a pending change set, which goes back to the queue; flush only."""
    if change_set.status != "pending":
        raise DecisionNotAllowed(change_set.status)
    fill_change_set(change_set, data, email=email, message=message)
    change_set.moderator_id = None
    db.session.flush()
    return change_set


def withdraw_change_set(change_set: ChangeSet) -> ChangeSet:
    """The proposer takes back a pending change set; flush only."""
    if change_set.status != "pending":
        raise DecisionNotAllowed(change_set.status)
    change_set.status = "withdrawn"
    change_set.decided_at = utcnow()
    db.session.flush()
    return change_set


def join(label: str, reason: str) -> str:
    return f"{label} : {reason.strip()}" if reason.strip() else label
