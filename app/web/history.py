"""Readable history: field labels, shown values and the diff of each revision.

The queries live in app.initiatives.history; this is what a page shows of them."""

from dataclasses import dataclass
from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.geo.territory import current_gazetteer, territory_name
from app.initiatives.change_sets import diff
from app.initiatives.history import author_names, revisions_of
from app.initiatives.partner_text import partner_label
from app.initiatives.phones import display_phone
from app.initiatives.taxonomy import all_themes
from app.models import ChangeSet, Initiative, Revision
from app.web.labels import (
    LIFE_LABELS,
    LOCATION_PRECISION_LABELS,
    STATUS_LABELS,
    actor_type_label,
    kind_label,
)
from app.web.place_details import VOCABULARY_FIELDS, vocabulary_labels

FIELD_LABELS = {
    "name": _l("Nom"), "summary": _l("Résumé"), "description": _l("Description"),
    "kind": _l("Nature"), "actor_name": _l("Porteur"), "actor_type": _l("Type de porteur"),
    "lon": _l("Longitude"), "lat": _l("Latitude"), "location_precision": _l("Précision du point"),
    "insee": _l("Commune"), "commune_name": _l("Nom de la commune"), "epci": _l("EPCI"),
    "departement": _l("Département"), "region": _l("Région"), "website": _l("Site web"),
    "public_contact": _l("Contact public"), "private_email": _l("E-mail privé"),
    "started_on": _l("Début"), "ended_on": _l("Fin"),
    "research_partnership": _l("Partenariat recherche"), "source": _l("Source"),
    "external_id": _l("Identifiant externe"), "status": _l("Statut"),
    "last_verified_on": _l("Vérifiée le"), "themes": _l("Thèmes"), "tags": _l("Mots-clés"),
    "sources": _l("Sources"), "partners": _l("Partenaires"),
    "inspired_by": _l("Inspirée de (numéros)"),
    "street_address": _l("Adresse"), "postcode": _l("Code postal"),
    "phone": _l("Téléphone"), "emails": _l("E-mails du lieu"),
    "opening_hours": _l("Horaires d'ouverture"), "services": _l("Services"),
    "publics": _l("Publics"), "fees": _l("Frais"), "access_modes": _l("Modalités d'accès"),
    "support_modes": _l("Modalités d'accompagnement"),
    "booking_url": _l("Lien de prise de rendez-vous"),
    "accessibility_url": _l("Fiche d'accessibilité"),
    "lead_actor_id": _l("Porteur choisi (n°)"),
    "actor_identifier": _l("SIRET, SIREN ou RNA du porteur"),
    "life_status": _l("Vie de l'initiative"),
    "life_note": _l("Ce qui l'a fait durer ou arrêter"),
}
ACTION_LABELS = {
    "create": _l("Création"), "update": _l("Modification"), "publish": _l("Publication"),
    "reject": _l("Refus"), "archive": _l("Archivage"),
    "request_changes": _l("Précisions demandées"), "merge": _l("Fusion"),
    "erase": _l("Effacement"),
}
CODE_LABELS = {"status": STATUS_LABELS, "location_precision": LOCATION_PRECISION_LABELS,
               "life_status": LIFE_LABELS}
# Derived from the commune (the commune's own line says it all), and the chosen actor's id
# (its name's line does).
DERIVED = ("commune_name", "epci", "departement", "region", "lead_actor_id")


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    revision: Revision
    author: str
    action: str
    changes: list[Change]


def shown(field: str, value: Any) -> str:
    """A stored value as a person reads it."""
    if value in (None, "", []):
        return "—"
    if field == "kind":
        return kind_label(value)
    if field == "actor_type":
        return actor_type_label(value)
    if field in CODE_LABELS:
        return str(CODE_LABELS[field].get(value, value))
    if field == "insee":
        commune = current_gazetteer().get(value)
        return f"{commune.name} ({value})" if commune else value
    if field in ("departement", "region"):
        return territory_name(field, value)
    if field == "themes":
        labels = theme_labels()
        return ", ".join(labels.get(slug, slug) for slug in value)
    if isinstance(value, bool):
        return str(_l("oui") if value else _l("non"))
    if field == "sources":
        return " ; ".join(source_line(source) for source in value)
    if field == "actor_identifier":
        return ", ".join(str(part) for part in value.values())
    if field == "partners":
        return " ; ".join(partner_label(partner) for partner in value)
    if field in VOCABULARY_FIELDS:
        return ", ".join(vocabulary_labels(field, value))
    if field == "phone":
        return display_phone(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def theme_labels() -> dict[str, str]:
    """Each theme's label in the request's language, by slug (read once per request)."""
    if "theme_labels" not in g:
        locale = str(get_locale() or "fr")
        g.theme_labels = {theme.slug: theme.label(locale) for theme in all_themes()}
    return g.theme_labels


def source_line(source: dict) -> str:
    """A source in one line: its title, then its date, place, address and quoted passage."""
    parts = [source.get("title") or "", source.get("published_on"), source.get("locator"),
             source.get("url"), f"« {source['quote']} »" if source.get("quote") else None]
    return ", ".join(part for part in parts if part)


def diff_rows(change_set: ChangeSet) -> list[tuple[str, str, str]]:
    """A change set against the live record: (field label, live value, proposed value)."""
    return [(str(FIELD_LABELS.get(field, field)), shown(field, live), shown(field, proposed))
            for field, live, proposed in diff(change_set)]


def changes_between(before: dict | None, after: dict | None) -> list[Change]:
    """The fields that differ between two snapshots (all filled ones for a creation)."""
    before, after = before or {}, after or {}
    fields = [f for f in FIELD_LABELS if f not in DERIVED and f in (before.keys() | after.keys())]
    return [Change(f, str(FIELD_LABELS[f]), shown(f, before.get(f)), shown(f, after.get(f)))
            for f in fields if before.get(f) != after.get(f)]


def history_of(initiative: Initiative) -> list[HistoryEntry]:
    """Every revision of an initiative, oldest first, with its author and diff."""
    revisions = revisions_of(initiative)
    names = author_names({r.author_id for r in revisions})
    return [HistoryEntry(r, names.get(r.author_id, str(_l("anonyme ou système"))),
                         str(ACTION_LABELS.get(r.action, r.action)),
                         changes_between(r.before, r.after)) for r in revisions]

