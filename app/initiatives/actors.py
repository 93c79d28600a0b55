"""Actors of initiatives: found or created by name, linked as lead or partner, published
with the initiatives they belong to.

`initiatives.actor_name` and `actor_type` stay a copy of the lead actor's name and type,
written here whenever the lead changes, so that search, the actor_type filter and the flat
exports keep reading one table.
"""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.actor_identifiers import clean_identifier
from app.initiatives.fields import InvalidInitiative, clean_choice, clean_text
from app.initiatives.paths import slugify
from app.models import Actor, ActorEvent, Initiative, InitiativePartner, User
from app.text import N_, fold

ACTOR_FIELDS = ("name", "type", "siren", "siret", "rna", "website", "public_contact", "insee",
                "commune_name", "description", "status", "merged_into_id")
MAX_PARTNERS = 30
ROLE_LENGTH = 200
NAME_LENGTH = 200
EMPTY_SLUG = "acteur"
NEW_ACTORS = "maillage_new_actors"


def actor_slug(name: str) -> str:
    return slugify(name, EMPTY_SLUG)


def actor_path(actor_id: int, name: str) -> str:
    """The path of an actor's public page."""
    return f"/acteurs/{actor_id}-{actor_slug(name)}"


# Rules of the actor fields of an initiative (app.initiatives.fields calls them).

def clean_actor_id(value: Any) -> int | None:
    """An actor's id as a number, None for none; raise ValueError."""
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(N_("Identifiant d'acteur attendu (un nombre).")) from None
    if not 0 < number < 2**31:
        raise ValueError(N_("Identifiant d'acteur attendu (un nombre)."))
    return number


def clean_partners(value: Any) -> list[dict[str, Any]]:
    """Partners as [{actor_id or name (and type), role}], blanks dropped; raise ValueError."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValueError(N_("Liste de partenaires attendue."))
    partners = [p for p in (clean_partner(item) for item in value) if p]
    if len(partners) > MAX_PARTNERS:
        raise ValueError(N_("%(max)d partenaires au plus (%(count)d reçus).",
                            max=MAX_PARTNERS, count=len(partners)))
    return partners


def clean_partner(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, Mapping):
        raise ValueError(N_("Partenaire : nom (ou identifiant d'acteur) et rôle attendus."))
    role = " ".join(str(item.get("role") or "").split())[:ROLE_LENGTH]
    actor_id = clean_actor_id(item.get("actor_id"))
    if actor_id:
        return {"actor_id": actor_id, "role": role}
    name = clean_text("actor_name", item.get("name"))
    if not name:
        return None
    return {"name": name, "type": clean_choice("actor_type", item.get("type")), "role": role}


def clean_actor_identifier(value: Any) -> dict[str, str]:
    """A new actor's identifiers from its SIRET, SIREN or RNA (or as a change set keeps
    them: already split); raise ValueError."""
    if isinstance(value, Mapping):
        return clean_identifier(value.get("siret") or value.get("siren") or value.get("rna"))
    return clean_identifier(value)


# Finding and creating actors.

def live_actor(actor_id: int) -> Actor | None:
    """The actor with this id, or the one it was merged into."""
    actor = db.session.get(Actor, actor_id)
    seen = set()
    while actor is not None and actor.merged_into_id and actor.id not in seen:
        seen.add(actor.id)
        actor = db.session.get(Actor, actor.merged_into_id)
    return actor


def find_actor(name: str, type_: str | None, identifiers: Mapping[str, str]) -> Actor | None:
    """An unmerged actor with one of these identifiers, else with this folded name and a
    type that agrees (the same, or either unknown)."""
    for key in ("siret", "siren", "rna"):
        if identifiers.get(key):
            found = db.session.scalars(sa.select(Actor).where(
                getattr(Actor, key) == identifiers[key], Actor.merged_into_id.is_(None))
                .order_by(Actor.id)).first()
            if found:
                return found
    key = fold(name)[:NAME_LENGTH]
    candidates = [*db.session.scalars(sa.select(Actor).where(
        Actor.normalised_name == key, Actor.merged_into_id.is_(None)).order_by(Actor.id)),
        *unflushed_actors(key)]
    same = [a for a in candidates if a.type == type_]
    agreeing = [a for a in candidates if a.type is None or type_ is None]
    return (same or agreeing or [None])[0]


def find_or_create_actor(name: str, type_: str | None = None, *,
                         identifiers: Mapping[str, str] | None = None,
                         status: str = "pending", author: User | None = None) -> Actor:
    """The actor of this name and type (dedup on the folded name), created when new; what it
    lacked (type, identifiers) is filled from what is given; flush only."""
    identifiers = identifiers or {}
    actor = find_actor(name, type_, identifiers)
    if actor is None:
        actor = Actor(name=name, slug=actor_slug(name), normalised_name=fold(name)[:NAME_LENGTH],
                      type=type_, status=status, **identifiers)
        db.session.add(actor)
        db.session.info.setdefault(NEW_ACTORS, []).append(actor)
        add_event(actor, "create", author=author, before=None)
        return actor
    fill_missing(actor, type_, identifiers)
    return actor


def unflushed_actors(key: str) -> list[Actor]:
    """The actors this session added and has not written yet (a batch creating initiatives
    runs without autoflush): the next initiative of the batch finds them too."""
    waiting = [actor for actor in db.session.info.get(NEW_ACTORS, ())
               if sa.inspect(actor).pending]
    db.session.info[NEW_ACTORS] = waiting  # written or rolled back: the database tells now
    return [actor for actor in waiting if actor.normalised_name == key]


def fill_missing(actor: Actor, type_: str | None, identifiers: Mapping[str, str]) -> None:
    if actor.type is None and type_:
        actor.type = type_
    for key, value in identifiers.items():
        if not getattr(actor, key):
            setattr(actor, key, value)


def actor_snapshot(actor: Actor) -> dict[str, Any]:
    return {field: getattr(actor, field) for field in ACTOR_FIELDS}


def add_event(actor: Actor, action: str, *, author: User | None, before: dict | None,
              reason: str = "") -> None:
    db.session.add(ActorEvent(actor=actor, action=action, reason=reason,
                              author_id=author.id if author else None, before=before,
                              after=actor_snapshot(actor)))


# Linking actors to an initiative.

def link_actors(initiative: Initiative, values: Mapping[str, Any],
                author: User | None = None) -> None:
    """Set the lead actor and the partners the values name, copying the lead's name and
    type onto the initiative; values without actor fields leave them as they are."""
    status = "published" if initiative.is_public else "pending"
    if values.get("lead_actor_id"):
        set_lead(initiative, chosen_actor(values["lead_actor_id"], "lead_actor_id"))
    elif {"actor_name", "actor_type", "actor_identifier"} & values.keys():
        name = values.get("actor_name", initiative.actor_name)
        type_ = values.get("actor_type", initiative.actor_type)
        set_lead(initiative, find_or_create_actor(
            name, type_, identifiers=values.get("actor_identifier") or {}, status=status,
            author=author) if name else None)
    if "partners" in values:
        initiative.partner_links = partner_rows(initiative, values["partners"], status, author)
    if initiative.is_public:
        publish_actors(initiative, author=author)


def chosen_actor(actor_id: int, field: str) -> Actor:
    """The (live) actor chosen by id; raise InvalidInitiative when there is none."""
    actor = live_actor(actor_id)
    if actor is None:
        raise InvalidInitiative({field: N_("Acteur inconnu : n° %(id)d.", id=actor_id)})
    return actor


def set_lead(initiative: Initiative, actor: Actor | None) -> None:
    initiative.lead_actor = actor  # its id follows on flush (a new actor has none yet)
    if actor is not None:
        initiative.actor_name, initiative.actor_type = actor.name, actor.type or \
            initiative.actor_type


def partner_rows(initiative: Initiative, partners: list[dict[str, Any]], status: str,
                 author: User | None) -> list[InitiativePartner]:
    """The partner rows of clean partners, the existing ones kept, each actor once, never
    the lead."""
    existing = {link.actor: link for link in initiative.partner_links}
    rows, seen = [], [initiative.lead_actor]
    for partner in partners:
        actor = chosen_actor(partner["actor_id"], "partners") if partner.get("actor_id") else \
            find_or_create_actor(partner["name"], partner.get("type"), status=status,
                                 author=author)
        if actor in seen:
            continue
        seen.append(actor)
        row = existing.get(actor) or InitiativePartner(actor=actor)
        row.role, row.position = partner.get("role") or "", len(rows)
        rows.append(row)
    return rows


def publish_actors(initiative: Initiative, *, author: User | None = None) -> None:
    """Publish the pending actors of an initiative that is public now."""
    actors = [initiative.lead_actor, *(link.actor for link in initiative.partner_links)]
    for actor in actors:
        if actor is not None and actor.status == "pending":
            before = actor_snapshot(actor)
            actor.status = "published"
            add_event(actor, "publish", author=author, before=before)


def partners_of(initiative: Initiative) -> list[dict[str, Any]]:
    """An initiative's partners as clean values (the history's and the forms' shape)."""
    return [link.as_dict() for link in initiative.partner_links]
