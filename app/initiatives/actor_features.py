"""The actors in an initiative's public feature: its lead actor's id and identifiers, its
partners, loaded for many initiatives at once (as geojson loads themes and sources)."""

import sqlalchemy as sa

from app.initiatives.geojson import group_by_initiative, json_object
from app.models import Actor, Initiative, InitiativePartner

LEAD_COLUMNS = (Actor.id.label("actor_id"), Actor.siren.label("actor_siren"),
                Actor.siret.label("actor_siret"), Actor.rna.label("actor_rna"))
PARTNER_COLUMNS = (Actor.id.label("actor_id"), Actor.name, InitiativePartner.role)


def lead_actors(ids: list[int], connection: sa.Connection | None = None) -> dict[int, dict]:
    """The lead actor's id and identifiers of each initiative that has one."""
    stmt = sa.select(Initiative.id, json_object(LEAD_COLUMNS, connection)).join(
        Actor, Actor.id == Initiative.lead_actor_id)
    linked = group_by_initiative(stmt, Initiative.id, ids, connection)
    return {initiative_id: values[0] for initiative_id, values in linked.items()}


def partners(ids: list[int], connection: sa.Connection | None = None) -> dict[int, list]:
    """The partners of each initiative, in their order: actor id, name, role."""
    link = InitiativePartner.initiative_id
    stmt = sa.select(link, json_object(PARTNER_COLUMNS, connection)).join(
        Actor, Actor.id == InitiativePartner.actor_id).order_by(link, InitiativePartner.position)
    return group_by_initiative(stmt, link, ids, connection)
