"""Moderation decisions on initiatives: the one place their status changes after creation.

A pending initiative whose moderator_id is set is waiting for its proposer: a moderator asked
for changes (moderator_comment says which). Editing it through the follow-up link sends it
back to the queue.
"""

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.actors import publish_actors
from app.initiatives.fields import period_error
from app.initiatives.history import record, snapshot
from app.initiatives.scopes import check_change, scope_condition
from app.initiatives.services import StaleInitiative, update_initiative
from app.models import ChangeSet, Initiative, Report, User
from app.models.base import utcnow
from app.models.place_details import PLACE_DETAIL_FIELDS

# decision → (statuses it applies to, resulting status, revision action)
TRANSITIONS = {
    "approve": (("pending",), "published", "publish"),
    "reject": (("pending",), "rejected", "reject"),
    "request_changes": (("pending",), "pending", "request_changes"),
    "archive": (("pending", "published"), "archived", "archive"),
}
DECISIONS = tuple(TRANSITIONS)


class DecisionNotAllowed(Exception):
    """The initiative is no longer in a status the decision applies to (decided meanwhile)."""


def awaiting_proposer(initiative: Initiative) -> bool:
    """Tell whether a moderator asked the proposer for changes that have not come yet."""
    return initiative.status == "pending" and initiative.moderator_id is not None


def decide(
    initiative: Initiative,
    decision: str,
    *,
    moderator: User | None,
    reason: str = "",
    expected_version: int | None,
    changes: dict[str, Any] | None = None,
) -> Initiative:
    """Apply a moderator's decision, after their edits if any; flush only (moderator None:
    the harvest, archiving what left its source).

    Raise StaleInitiative when the initiative changed since expected_version,
    DecisionNotAllowed when its status does not allow the decision, and OutOfScope when the
    moderator's territories hold it not before or not after their edits.
    """
    check_version(initiative, expected_version)
    check_change(moderator, initiative, changes)
    allowed, status, action = TRANSITIONS[decision]
    if initiative.status not in allowed:
        raise DecisionNotAllowed(initiative.status)
    if changes:
        update_initiative(initiative, changes, author=moderator, reason=reason)
    before = snapshot(initiative)
    initiative.status = status
    initiative.moderator_id = moderator.id if moderator else None
    initiative.moderator_comment = reason.strip() or None
    if status == "published" and initiative.published_at is None:
        initiative.published_at = utcnow()
    if status == "published":
        publish_actors(initiative, author=moderator)  # new actors are moderated with it
    db.session.flush()  # the version check of the UPDATE raises StaleDataError on a race
    record(initiative, action, author=moderator, reason=reason, before=before)
    return initiative


def reinstate(initiative: Initiative, status: str, *, reason: str) -> Initiative:
    """Bring back an entry the harvest archived when it left its source and came back:
    published (a trusted source) or waiting for moderators; flush only."""
    if initiative.status != "archived":
        raise DecisionNotAllowed(initiative.status)
    before = snapshot(initiative)
    initiative.status = status
    initiative.moderator_id = None
    initiative.moderator_comment = reason
    db.session.flush()
    record(initiative, "publish" if status == "published" else "update", author=None,
           reason=reason, before=before)
    return initiative


def check_version(initiative: Initiative, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != initiative.version:
        raise StaleInitiative(initiative.id)


def resubmit(initiative: Initiative, data: dict[str, Any], *, expected_version: int | None,
             reason: str) -> Initiative:
    """The proposer's edit of a pending initiative, which goes back to the queue; flush only."""
    check_version(initiative, expected_version)
    if initiative.status != "pending":
        raise DecisionNotAllowed(initiative.status)
    initiative.moderator_id = None
    update_initiative(initiative, data, author=None, reason=reason)
    return initiative


def merge(source: Initiative, target: Initiative, *, moderator: User, reason: str,
          expected_version: int | None) -> Initiative:
    """Merge a duplicate into another initiative; flush only.

    The target keeps its values and gains what it lacked (empty fields, themes, tags); the
    source leaves the map (rejected if it was pending, archived otherwise).
    """
    check_version(source, expected_version)
    check_change(moderator, source)
    check_change(moderator, target)
    if source.id == target.id or source.status not in ("pending", "published"):
        raise DecisionNotAllowed(source.status)
    note = reason.strip() or f"Fusion avec l'initiative n° {target.id}"
    update_initiative(target, merged_values(source, target), author=moderator,
                      reason=f"Fusion de l'initiative n° {source.id} : {note}", action="merge")
    before = snapshot(source)
    source.status = "rejected" if source.status == "pending" else "archived"
    source.moderator_id = moderator.id
    source.moderator_comment = note
    db.session.flush()
    record(source, "merge", author=moderator, reason=f"Fusionnée dans l'initiative n° {target.id}",
           before=before)
    carry_harvest_link(source, target)
    return target


def carry_harvest_link(source: Initiative, target: Initiative) -> None:
    """Let the merged entry's harvest source keep reaching it through the target (its id
    there moves with it, unless the target has its own); the source's changes then go to
    moderators (no harvest revision: the target's values are not the source's).

    Plain UPDATEs: bookkeeping, not a change of either entry (no version, no revision).
    """
    if source.harvest_source_id is None or target.harvest_source_id is not None or \
            target.external_id is not None:
        return
    table = Initiative.__table__
    link = {"external_id": source.external_id, "harvest_source_id": source.harvest_source_id,
            "harvest_key": source.harvest_key,
            "harvest_digest": source.harvest_digest, "harvest_seen_at": source.harvest_seen_at}
    for entry, values in ((source, dict.fromkeys(link)),
                          (target, {**link, "harvest_revision": None})):
        db.session.execute(sa.update(table).where(table.c.id == entry.id).values(
            **values, updated_at=table.c.updated_at))
    db.session.expire(source, list(link))
    db.session.expire(target, [*link, "harvest_revision"])


MERGE_FILLS = ("summary", "description", "actor_name", "actor_type", "website", "public_contact",
               "private_email", "started_on", "ended_on", *PLACE_DETAIL_FIELDS)


def merged_values(source: Initiative, target: Initiative) -> dict[str, Any]:
    """The target's empty fields filled from the source, and the union of themes, tags and
    sources."""
    values = {field: getattr(source, field) for field in MERGE_FILLS
              if not getattr(target, field) and getattr(source, field)}
    if period_error({"started_on": target.started_on, "ended_on": target.ended_on, **values}):
        values.pop("started_on", None)  # the source's dates do not fit the target's
        values.pop("ended_on", None)
    values["themes"] = list(dict.fromkeys(
        [t.slug for t in target.themes] + [t.slug for t in source.themes]))
    values["tags"] = list(dict.fromkeys(
        [t.name for t in target.tags] + [t.name for t in source.tags]))
    kept = [s.as_dict() for s in target.sources]
    values["sources"] = kept + [s.as_dict() for s in source.sources if s.as_dict() not in kept]
    return values


def waiting_count(user: User) -> int:
    """How many proposals, corrections and reports wait in the user's territories (one query)."""
    def count(model, status: str) -> sa.ScalarSelect:
        stmt = sa.select(sa.func.count()).select_from(model)
        if model is not Initiative:
            stmt = stmt.join(model.initiative)
        return stmt.where(model.status == status, scope_condition(user)).scalar_subquery()

    return db.session.scalar(sa.select(
        count(Initiative, "pending") + count(ChangeSet, "pending") + count(Report, "open")))
