"""Moderators' changes to actors: an edit, and the merge of a duplicate into the actor kept;
each recorded in the actor's history (actor_events), each moved initiative in its own."""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.geo.gazetteer import GazetteerMissing
from app.geo.territory import current_gazetteer
from app.initiatives.actor_identifiers import clean_identifier
from app.initiatives.actors import actor_slug, actor_snapshot, add_event, set_lead
from app.initiatives.fields import InvalidInitiative, check_fields
from app.initiatives.history import record, snapshot
from app.models import Actor, Initiative, InitiativePartner, User
from app.text import N_, fold

# The initiative rules that check the same fields of an actor.
SAME_RULES = {"name": "actor_name", "type": "actor_type", "website": "website",
              "public_contact": "public_contact", "insee": "insee"}
DESCRIPTION_LENGTH = 600
FILLED_ON_MERGE = ("type", "siren", "siret", "rna", "website", "public_contact", "insee",
                   "commune_name", "description")


class ActorMergeRefused(Exception):
    """The two actors cannot be merged (the same one, or one merged already)."""


def clean_actor(data: Mapping[str, Any]) -> dict[str, Any]:
    """An actor's fields checked by the initiatives' rules; raise InvalidInitiative."""
    cleaned, errors = check_fields({rule: data.get(field) for field, rule in SAME_RULES.items()})
    values = {field: cleaned.get(rule) for field, rule in SAME_RULES.items()}
    if not values["name"] and "actor_name" not in errors:
        errors["actor_name"] = N_("Ce champ est obligatoire.")
    description = " ".join(str(data.get("description") or "").split())
    if len(description) > DESCRIPTION_LENGTH:
        errors["description"] = N_("%(max)d caractères au plus (%(count)d reçus).",
                                   max=DESCRIPTION_LENGTH, count=len(description))
    try:
        identifiers = clean_identifier(data.get("identifier"))
    except ValueError as error:
        errors["actor_identifier"] = error.args[0]
        identifiers = {}
    if errors:
        raise InvalidInitiative(errors)
    return {**values, "description": description, "siren": identifiers.get("siren"),
            "siret": identifiers.get("siret"), "rna": identifiers.get("rna"),
            "commune_name": commune_name(values["insee"])}


def commune_name(insee: str | None) -> str | None:
    if not insee:
        return None
    try:
        commune = current_gazetteer().get(insee)
    except GazetteerMissing:
        return None
    if commune is None:
        raise InvalidInitiative({"insee": N_("Commune inconnue : %(code)s.", code=insee)})
    return commune.name


def update_actor(actor: Actor, data: Mapping[str, Any], *, author: User | None,
                 reason: str = "") -> Actor:
    """Change an actor's fields, keep its initiatives' copy of its name and type; flush only."""
    values = clean_actor(data)
    before = actor_snapshot(actor)
    for field, value in values.items():
        setattr(actor, field, value)
    actor.normalised_name, actor.slug = fold(actor.name)[:200], actor_slug(actor.name)[:80]
    for initiative in led_by(actor):
        if (initiative.actor_name, initiative.actor_type) != (actor.name, actor.type):
            moved = snapshot(initiative)
            set_lead(initiative, actor)
            db.session.flush()
            record(initiative, "update", author=author, before=moved,
                   reason=f"Acteur n° {actor.id} modifié")
    add_event(actor, "update", author=author, before=before, reason=reason)
    db.session.flush()
    return actor


def led_by(actor: Actor) -> list[Initiative]:
    return list(db.session.scalars(sa.select(Initiative).where(
        Initiative.lead_actor_id == actor.id).order_by(Initiative.id)))


def merge_actors(merged: Actor, kept: Actor, *, author: User | None, reason: str = "") -> Actor:
    """Merge a duplicate into the actor kept: its initiatives (as lead and as partner) move,
    the kept one gains what it lacked, the duplicate keeps merged_into_id; flush only."""
    if merged.id == kept.id or merged.merged_into_id or kept.merged_into_id:
        raise ActorMergeRefused(merged.id)
    before_merged, before_kept = actor_snapshot(merged), actor_snapshot(kept)
    for field in FILLED_ON_MERGE:
        if not getattr(kept, field) and getattr(merged, field):
            setattr(kept, field, getattr(merged, field))
    if merged.status == "published":
        kept.status = "published"
    for initiative in led_by(merged):
        before = snapshot(initiative)
        set_lead(initiative, kept)
        initiative.partner_links = [link for link in initiative.partner_links
                                    if link.actor_id != kept.id]
        db.session.flush()
        record(initiative, "update", author=author, before=before,
               reason=f"Acteur n° {merged.id} fusionné dans l'acteur n° {kept.id}")
    move_partner_links(merged, kept)
    db.session.execute(sa.update(Actor).where(Actor.merged_into_id == merged.id)
                       .values(merged_into_id=kept.id))  # earlier merges follow
    merged.merged_into_id = kept.id
    note = reason.strip()
    add_event(merged, "merge", author=author, before=before_merged,
              reason=note or f"Fusionné dans l'acteur n° {kept.id}")
    add_event(kept, "merge", author=author, before=before_kept,
              reason=note or f"Reçoit l'acteur n° {merged.id}")
    db.session.flush()
    return kept


def move_partner_links(merged: Actor, kept: Actor) -> None:
    """The duplicate's partnerships go to the kept actor, unless it is there already."""
    links = db.session.scalars(sa.select(InitiativePartner).where(
        InitiativePartner.actor_id == merged.id)).all()
    for link in links:
        initiative = db.session.get(Initiative, link.initiative_id)
        taken = initiative.lead_actor_id == kept.id or any(
            other.actor_id == kept.id for other in initiative.partner_links)
        if taken:
            initiative.partner_links.remove(link)
        else:
            link.actor = kept
    db.session.flush()
