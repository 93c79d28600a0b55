"""The public directory of actors: search, filters by type and territory, an actor's
initiatives and the territories where it acts (pages and API share it)."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.filters import choices, code, epci_code
from app.geo.spatial import with_actor
from app.initiatives.actors import actor_path, actor_slug
from app.models import ACTOR_TYPES, Actor, Initiative, InitiativePartner
from app.text import fold

PUBLIC_INITIATIVES = ("published", "archived")
TERRITORY_LEVELS = ("commune", "epci", "departement", "region")
TERRITORY_COLUMNS = {"commune": Initiative.insee, "epci": Initiative.epci,
                     "departement": Initiative.departement, "region": Initiative.region}


@dataclass(frozen=True)
class ActorFilters:
    q: str = ""
    types: tuple[str, ...] = ()
    commune: str | None = None
    epci: str | None = None
    departement: str | None = None
    region: str | None = None

    @property
    def terms(self) -> list[str]:
        return fold(self.q).split()

    def territory(self) -> tuple[str, str] | None:
        """The narrowest territory asked, as (level, code)."""
        return next(((level, getattr(self, level)) for level in TERRITORY_LEVELS
                     if getattr(self, level)), None)


def parse_actor_filters(args: MultiDict) -> ActorFilters:
    """Read q, type and the territory; raise FilterError on a bad one."""
    return ActorFilters(q=(args.get("q") or "").strip()[:200],
                        types=choices(args, "type", ACTOR_TYPES), commune=code(args, "commune"),
                        epci=epci_code(args), departement=code(args, "departement"),
                        region=code(args, "region"))


def public_actor_condition() -> sa.ColumnElement[bool]:
    return sa.and_(Actor.status == "published", Actor.merged_into_id.is_(None))


def acting_in(level: str, value: str) -> sa.ColumnElement[bool]:
    """Actors with a public initiative (as lead or partner) in the territory, or whose home
    commune it is."""
    public_there = sa.and_(Initiative.status.in_(PUBLIC_INITIATIVES),
                           TERRITORY_COLUMNS[level] == value)
    leading = sa.select(Initiative.lead_actor_id).where(public_there)
    partnering = sa.select(InitiativePartner.actor_id).join(
        Initiative, Initiative.id == InitiativePartner.initiative_id).where(public_there)
    condition = sa.or_(Actor.id.in_(leading), Actor.id.in_(partnering))
    return sa.or_(condition, Actor.insee == value) if level == "commune" else condition


def select_actors(filters: ActorFilters) -> Select:
    """The public actors matching the filters (unordered)."""
    stmt = sa.select(Actor).where(public_actor_condition())
    for term in filters.terms:
        stmt = stmt.where(Actor.normalised_name.contains(term, autoescape=True))
    if filters.types:
        stmt = stmt.where(Actor.type.in_(filters.types))
    if territory := filters.territory():
        stmt = stmt.where(acting_in(*territory))
    return stmt


def count_matching(stmt: Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).subquery()))


def initiative_counts(actor_ids: list[int]) -> dict[int, int]:
    """How many public initiatives each actor leads or takes part in."""
    if not actor_ids:
        return {}
    public = Initiative.status.in_(PUBLIC_INITIATIVES)
    lead = sa.select(Initiative.lead_actor_id.label("actor_id"), Initiative.id.label("i")).where(
        public, Initiative.lead_actor_id.in_(actor_ids))
    partner = sa.select(InitiativePartner.actor_id, InitiativePartner.initiative_id).join(
        Initiative, Initiative.id == InitiativePartner.initiative_id).where(
        public, InitiativePartner.actor_id.in_(actor_ids))
    both = sa.union(lead, partner).subquery()
    return dict(db.session.execute(sa.select(both.c.actor_id, sa.func.count()).group_by(
        both.c.actor_id)).all())


def public_initiatives_of(actor: Actor) -> list[tuple[Initiative, str]]:
    """The actor's public initiatives by name, each with its part: "lead" or "partner"."""
    found = db.session.scalars(sa.select(Initiative).where(
        Initiative.status.in_(PUBLIC_INITIATIVES), with_actor(actor.id))
        .order_by(Initiative.name, Initiative.id)).all()
    return [(initiative, "lead" if initiative.lead_actor_id == actor.id else "partner")
            for initiative in found]


def territories_of(initiatives: list[Initiative]) -> dict[str, list[str]]:
    """The codes of the communes, départements and régions of these initiatives, each once."""
    return {level: sorted({getattr(i, attr) for i in initiatives if getattr(i, attr)})
            for level, attr in (("commune", "insee"), ("departement", "departement"),
                                ("region", "region"))}


def actor_data(actor: Actor, site: str, count: int | None = None) -> dict[str, Any]:
    """An actor as the API gives it."""
    data = {"id": actor.id, "name": actor.name, "slug": actor_slug(actor.name),
            "type": actor.type, **actor.identifiers(), "website": actor.website,
            "public_contact": actor.public_contact, "description": actor.description or "",
            "commune": {"insee": actor.insee, "name": actor.commune_name} if actor.insee
            else None,
            "url": site + actor_path(actor.id, actor.name),
            "initiatives_url": f"{site}/api/v1/initiatives?actor={actor.id}",
            "updated_at": actor.updated_at.isoformat()}
    if count is not None:
        data["initiative_count"] = count
    return data
