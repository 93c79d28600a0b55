"""Revisions: the append-only record of everything done to an initiative."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import ChangeSet, Initiative, Report, Revision, User
from app.models.place_details import PLACE_DETAIL_FIELDS

SNAPSHOT_FIELDS = (
    "name",
    "summary",
    "description",
    "kind",
    "actor_name",
    "actor_type",
    "lead_actor_id",
    "scope",
    "lon",
    "lat",
    "location_precision",
    "insee",
    "commune_name",
    "epci",
    "departement",
    "region",
    "website",
    "public_contact",
    "private_email",
    "started_on",
    "ended_on",
    "research_partnership",
    "source",
    "external_id",
    "status",
    "last_verified_on",
    *PLACE_DETAIL_FIELDS,
    "life_status",
    "life_note",
)


def snapshot(initiative: Initiative) -> dict[str, Any]:
    """Return the stored values of an initiative as JSON-ready data."""
    values = {field: jsonable(getattr(initiative, field)) for field in SNAPSHOT_FIELDS}
    values["themes"] = [theme.slug for theme in initiative.themes]
    values["tags"] = [tag.name for tag in initiative.tags]
    values["sources"] = [source.as_dict() for source in initiative.sources]
    values["partners"] = [link.as_dict() for link in initiative.partner_links]
    values["inspired_by"] = [other.id for other in initiative.inspirations]
    return values


def jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record(
    initiative: Initiative,
    action: str,
    *,
    author: User | None,
    reason: str = "",
    before: dict[str, Any] | None,
) -> Revision:
    """Append a revision holding the initiative's values before and now; flush only."""
    revision = Revision(
        initiative_id=initiative.id,
        author_id=author.id if author else None,
        action=action,
        reason=reason,
        before=before,
        after=snapshot(initiative),
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def revisions_of(initiative: Initiative) -> list[Revision]:
    """Every revision of an initiative, oldest first."""
    return list(db.session.scalars(sa.select(Revision).where(
        Revision.initiative_id == initiative.id).order_by(Revision.created_at, Revision.id)))


def author_names(ids: set[int | None]) -> dict[int, str]:
    """The name each author shows in the history (their e-mail without one), by id."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids)))
    return {user.id: user.display_name or user.email for user in users}


def side_items(initiative: Initiative) -> tuple[list[ChangeSet], list[Report]]:
    """The corrections and reports ever made on an initiative, newest first."""
    change_sets = db.session.scalars(sa.select(ChangeSet).where(
        ChangeSet.initiative_id == initiative.id).order_by(ChangeSet.created_at.desc())).all()
    reports = db.session.scalars(sa.select(Report).where(
        Report.initiative_id == initiative.id).order_by(Report.created_at.desc())).all()
    return list(change_sets), list(reports)
