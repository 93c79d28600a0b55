"""Lineage between initiatives: its rules, and both directions as pages and the API read them."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.fields import InvalidInitiative
from app.initiatives.geojson import PUBLIC_STATUSES
from app.initiatives.history import record, snapshot
from app.models import Initiative, User
from app.models.base import utcnow
from app.models.lineage import initiative_lineage
from app.text import N_, message_of

MAX_LINKS = 20


@dataclass(frozen=True)
class Lineage:
    """The public initiatives an initiative was inspired by, and those it inspired."""

    inspired_by: list[Initiative]
    inspired: list[Initiative]


def clean_inspired_by(value: Any) -> list[int]:
    """Initiative numbers, from a list or text ("12, 7"), without repeats; raise ValueError."""
    items = value.replace(",", " ").replace(";", " ").split() if isinstance(value, str) \
        else list(value or ())
    try:
        ids = list(dict.fromkeys(int(item) for item in items))
    except (TypeError, ValueError):
        raise ValueError(N_("Numéros d'initiatives attendus, séparés par des virgules.")) \
            from None
    if len(ids) > MAX_LINKS:
        raise ValueError(N_("%(max)d initiatives au plus.", max=MAX_LINKS))
    return ids


def inspirations_for(initiative: Initiative, ids: list[int]) -> list[Initiative]:
    """The initiatives with these numbers, never the initiative itself; raise ValueError."""
    if initiative.id is not None and initiative.id in ids:
        raise ValueError(N_("Une initiative ne peut pas s'inspirer d'elle-même."))
    found = {row.id: row for row in db.session.scalars(
        sa.select(Initiative).where(Initiative.id.in_(ids)))}
    if missing := [str(number) for number in ids if number not in found]:
        raise ValueError(N_("Aucune initiative ne porte le numéro %(ids)s.",
                            ids=", ".join(missing)))
    return [found[number] for number in ids]


def lineage_of(initiative_id: int) -> Lineage:
    """Both directions, public initiatives only, by name."""
    link = initiative_lineage.c

    def linked(own: sa.Column, other: sa.Column) -> list[Initiative]:
        return list(db.session.scalars(
            sa.select(Initiative).join(initiative_lineage, other == Initiative.id)
            .where(own == initiative_id, Initiative.status.in_(PUBLIC_STATUSES))
            .order_by(Initiative.name, Initiative.id)))

    return Lineage(linked(link.initiative_id, link.inspired_by_id),
                   linked(link.inspired_by_id, link.initiative_id))


def has_links() -> sa.ColumnElement[bool]:
    """Whether an initiative has links either way, public or not: two indexed look-ups, so a
    reader asks lineage_of only for the few initiatives that have some."""
    link = initiative_lineage.c
    return sa.or_(sa.exists().where(link.initiative_id == Initiative.id),
                  sa.exists().where(link.inspired_by_id == Initiative.id))


def lineage_text() -> sa.ScalarSelect:
    """The linked initiatives' ids, names and statuses, both ways: part of a page's stamp."""
    link, other = initiative_lineage.c, sa.orm.aliased(Initiative)
    shown = sa.cast(other.id, sa.String) + "|" + other.name + "|" + other.status
    return (sa.select(sa.func.aggregate_strings(shown, ";"))
            .join(initiative_lineage, sa.or_(
                sa.and_(link.initiative_id == Initiative.id, link.inspired_by_id == other.id),
                sa.and_(link.inspired_by_id == Initiative.id, link.initiative_id == other.id)))
            .scalar_subquery())


def set_inspirations(initiative: Initiative, ids: list[int], *, author: User | None,
                     reason: str = "") -> Initiative:
    """Say which initiatives this one was inspired by, recorded in its history; flush only.

    Raise InvalidInitiative (field `inspired_by`) for an unknown number or the initiative
    itself; repeats are dropped.
    """
    try:
        chosen = inspirations_for(initiative, clean_inspired_by(ids))
    except ValueError as error:
        raise InvalidInitiative({"inspired_by": message_of(error)}) from None
    before = snapshot(initiative)
    initiative.inspirations = chosen
    # Set explicitly: a change of links alone would not touch the row (caches, versions).
    initiative.updated_at = utcnow()
    db.session.flush()
    record(initiative, "update", author=author, reason=reason, before=before)
    return initiative
