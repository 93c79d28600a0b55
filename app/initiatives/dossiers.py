"""Dossiers: their rules, whatever the channel (forms, seed), and what pages read of them."""

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.fields import LINE_BREAKS
from app.initiatives.geojson import PUBLIC_STATUSES
from app.initiatives.sources import clean_sources, source_rows, sources_of
from app.initiatives.stored_features import mark_stale
from app.models import AdminEvent, Dossier, DossierEntry, DossierSource, Initiative, User
from app.models.dossier import SLUG_PATTERN
from app.text import N_, message_of

SLUG = re.compile(SLUG_PATTERN)
LENGTHS = {"slug": 80, "title": 200, "introduction": 20_000}
MAX_INITIATIVES = 500
# What the audit trail records of a dossier, before and after a change.
AUDITED = ("slug", "title", "introduction", "position", "sources", "initiatives")

# The dossiers holding an initiative, as its page shows them: part of the page's stamp.
DOSSIERS_TEXT = (
    sa.select(sa.func.aggregate_strings(Dossier.slug + "|" + Dossier.title, ";"))
    .join(DossierEntry, DossierEntry.dossier_id == Dossier.id)
    .where(DossierEntry.initiative_id == Initiative.id)
    .scalar_subquery().label("dossiers"))


class InvalidDossier(ValueError):
    """Raised with a message per field when a dossier cannot be stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class DossierLink:
    """A dossier as another page names it."""

    slug: str
    title: str


def clean_dossier(data: dict[str, Any], current: Dossier | None = None) -> dict[str, Any]:
    """The dossier's values checked, each by its rule; raise InvalidDossier."""
    cleaned, errors = {}, {}
    rules = {"slug": lambda value: clean_slug(value, current), "title": clean_title,
             "introduction": clean_introduction, "position": clean_position,
             "sources": clean_sources, "initiatives": clean_initiative_ids}
    for field, rule in rules.items():
        try:
            cleaned[field] = rule(data.get(field))
        except ValueError as error:
            errors[field] = message_of(error)
    if errors:
        raise InvalidDossier(errors)
    return cleaned


def clean_slug(value: Any, current: Dossier | None) -> str:
    slug = str(value or "").strip().lower()
    if not slug or len(slug) > LENGTHS["slug"] or not SLUG.match(slug):
        raise ValueError(N_("De 1 à %(max)d lettres minuscules, chiffres et tirets, sans tiret "
                            "au début ni à la fin.", max=LENGTHS["slug"]))
    taken = db.session.scalar(sa.select(Dossier.id).where(Dossier.slug == slug))
    if taken is not None and (current is None or taken != current.id):
        raise ValueError(N_("Un autre dossier porte déjà cet identifiant."))
    return slug


def clean_title(value: Any) -> str:
    title = LINE_BREAKS.sub(" ", str(value or "")).strip()
    if not title:
        raise ValueError(N_("Ce champ est obligatoire."))
    return checked_length(title, LENGTHS["title"])


def clean_introduction(value: Any) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise ValueError(N_("Caractère nul interdit."))
    return checked_length(text, LENGTHS["introduction"])


def checked_length(text: str, maximum: int) -> str:
    if len(text) > maximum:
        raise ValueError(N_("%(max)d caractères au plus (%(count)d reçus).",
                            max=maximum, count=len(text)))
    return text


def clean_position(value: Any) -> int:
    try:
        return max(0, min(int(value or 0), 10_000))
    except (TypeError, ValueError):
        raise ValueError(N_("Nombre entier attendu.")) from None


def clean_initiative_ids(value: Any) -> list[int]:
    """Initiative numbers in order, without repeats; from a list or text ("12, 7 31")."""
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value or ())
    try:
        ids = list(dict.fromkeys(int(item) for item in items if str(item).strip()))
    except (TypeError, ValueError):
        raise ValueError(N_("Numéros d'initiatives attendus, séparés par des virgules.")) from None
    if len(ids) > MAX_INITIATIVES:
        raise ValueError(N_("%(max)d initiatives au plus.", max=MAX_INITIATIVES))
    known = set(db.session.scalars(sa.select(Initiative.id).where(Initiative.id.in_(ids))))
    if missing := [str(number) for number in ids if number not in known]:
        raise ValueError(N_("Aucune initiative ne porte le numéro %(ids)s.",
                            ids=", ".join(missing[:10])))
    return ids


def save_dossier(dossier: Dossier | None, data: dict[str, Any], author: User | None) -> Dossier:
    """Create (dossier None) or change a dossier from raw values, audited; flush only."""
    values = clean_dossier(data, dossier)
    before = dossier_values(dossier)
    if dossier is None:
        dossier = Dossier(created_by_id=author.id if author else None)
        db.session.add(dossier)
    for field in ("slug", "title", "introduction", "position"):
        setattr(dossier, field, values[field])
    dossier.sources = source_rows(values["sources"], DossierSource)
    dossier.entries = [DossierEntry(initiative_id=initiative_id, position=position)
                       for position, initiative_id in enumerate(values["initiatives"])]
    dossier.updated_by_id = author.id if author else None
    db.session.flush()
    # Its members' features list its slug: those it had and those it has.
    mark_stale(db.session, {*before.get("initiatives", ()), *values["initiatives"]})
    audit("dossier_update" if before else "dossier_create", author, dossier.slug, before,
          dossier_values(dossier))
    return dossier


def delete_dossier(dossier: Dossier, author: User | None) -> None:
    """Delete a dossier (its initiatives stay), audited; flush only."""
    before = dossier_values(dossier)
    audit("dossier_delete", author, dossier.slug, before, {})
    db.session.delete(dossier)
    db.session.flush()
    mark_stale(db.session, before["initiatives"])


def audit(action: str, author: User | None, slug: str, before: dict, after: dict) -> None:
    """Add the change to the audit trail of admin actions: only the values that changed."""
    changed = [name for name in AUDITED if before.get(name) != after.get(name)]
    if not changed:
        return
    db.session.add(AdminEvent(
        action=action, actor_id=author.id if author else None, subject=slug,
        before={name: before[name] for name in changed if name in before} or None,
        after={name: after[name] for name in changed if name in after} or None))


def dossier_values(dossier: Dossier | None) -> dict[str, Any]:
    """A dossier's values as the forms and the audit trail hold them ({} for none)."""
    if dossier is None:
        return {}
    return {"slug": dossier.slug, "title": dossier.title, "introduction": dossier.introduction,
            "position": dossier.position, "sources": sources_of(dossier),
            "initiatives": [entry.initiative_id for entry in dossier.entries]}


def dossier_by_slug(slug: str) -> Dossier | None:
    return db.session.scalar(sa.select(Dossier).where(Dossier.slug == slug))


def dossier_title(slug: str) -> str:
    """The title of the dossier with this slug (the slug itself when there is none)."""
    return db.session.scalar(sa.select(Dossier.title).where(Dossier.slug == slug)) or slug


def all_dossiers() -> list[Dossier]:
    """Every dossier, in the index's order."""
    return list(db.session.scalars(sa.select(Dossier).order_by(Dossier.position, Dossier.title)))


def public_counts() -> dict[int, int]:
    """How many public initiatives each dossier holds, by dossier id."""
    rows = db.session.execute(
        sa.select(DossierEntry.dossier_id, sa.func.count())
        .join(Initiative, Initiative.id == DossierEntry.initiative_id)
        .where(Initiative.status.in_(PUBLIC_STATUSES)).group_by(DossierEntry.dossier_id))
    return dict(rows.all())


def members(dossier: Dossier, *, public: bool = True) -> list[Initiative]:
    """The dossier's initiatives in its order (only the public ones unless asked)."""
    stmt = (sa.select(Initiative).join(DossierEntry, DossierEntry.initiative_id == Initiative.id)
            .where(DossierEntry.dossier_id == dossier.id).order_by(DossierEntry.position))
    if public:
        stmt = stmt.where(Initiative.status.in_(PUBLIC_STATUSES))
    return list(db.session.scalars(stmt))


def dossiers_of(initiative_id: int) -> list[DossierLink]:
    """The dossiers holding an initiative, in the index's order."""
    rows = db.session.execute(
        sa.select(Dossier.slug, Dossier.title)
        .join(DossierEntry, DossierEntry.dossier_id == Dossier.id)
        .where(DossierEntry.initiative_id == initiative_id)
        .order_by(Dossier.position, Dossier.title))
    return [DossierLink(slug, title) for slug, title in rows]
