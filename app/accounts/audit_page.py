"""What the audit trail page shows: entries newest first, in words, a page at a time."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import AdminEvent, User
from app.web.labels import ROLE_LABELS, territory_label

PER_PAGE = 50
ACTION_LABELS = {
    "user_create": _l("Compte créé"), "role_change": _l("Rôle changé"),
    "rename": _l("Nom changé"), "password_set": _l("Mot de passe défini"),
    "activate": _l("Compte réactivé"), "deactivate": _l("Compte désactivé"),
    "scope_add": _l("Territoire attribué"), "scope_remove": _l("Territoire retiré"),
    "theme_create": _l("Thème créé"), "theme_update": _l("Thème modifié"),
    "theme_delete": _l("Thème supprimé"), "reason_create": _l("Motif de refus créé"),
    "reason_update": _l("Motif de refus modifié"), "erase": _l("Initiative effacée (RGPD)"),
    "dossier_create": _l("Dossier créé"), "dossier_update": _l("Dossier modifié"),
    "dossier_delete": _l("Dossier supprimé"),
    "source_create": _l("Source moissonnée ajoutée"),
    "source_update": _l("Source moissonnée modifiée"),
    "source_pause": _l("Source moissonnée mise en pause"),
    "source_resume": _l("Source moissonnée reprise"),
    "source_sync": _l("Source moissonnée synchronisée à la main"),
}
FIELD_LABELS = {
    "email": _l("Adresse e-mail"), "role": _l("Rôle"), "display_name": _l("Nom affiché"),
    "active": _l("Compte actif"), "level": _l("Niveau"), "code": _l("Territoire"),
    "slug": _l("Identifiant (slug)"), "label_fr": _l("Libellé en français"),
    "label_en": _l("Libellé en anglais"), "colour": _l("Couleur (#RRGGBB)"),
    "icon": _l("Icône"), "position": _l("Position"), "label": _l("Libellé court"),
    "text": _l("Message envoyé à la personne"), "initiative_id": _l("Initiative"),
    "reason": _l("Motif"), "title": _l("Titre"), "introduction": _l("Introduction"),
    "sources": _l("Sources"), "initiatives": _l("Initiatives (numéros, dans l'ordre)"),
    "name": _l("Nom"), "url": _l("Adresse web"), "format": _l("Format"),
    "trusted": _l("Source de confiance"), "allow_private": _l("Adresses privées permises"),
    "paused": _l("En pause"), "interval_seconds": _l("Intervalle (secondes)"),
    "column_mapping": _l("Correspondance des colonnes"),
}


@dataclass
class Entry:
    event: AdminEvent
    actor: str
    action: str
    changes: list[tuple[str, str, str]]  # (field, before, after) in words


def events_page(page: int, target_user_id: int | None):
    """One page of entries, newest first, about one account when target_user_id is given."""
    stmt = sa.select(AdminEvent).order_by(AdminEvent.created_at.desc(), AdminEvent.id.desc())
    if target_user_id is not None:
        stmt = stmt.where(AdminEvent.target_user_id == target_user_id)
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False, count=True)


def entries_of(events: list[AdminEvent]) -> list[Entry]:
    """The entries in words: who acted, what they did, the values before and after."""
    actor_ids = {event.actor_id for event in events if event.actor_id}
    names = dict(db.session.execute(sa.select(User.id, User.email).where(
        User.id.in_(actor_ids))).all()) if actor_ids else {}
    return [Entry(event, names.get(event.actor_id, str(_l("ligne de commande"))),
                  str(ACTION_LABELS.get(event.action, event.action)), changes_of(event))
            for event in events]


def changes_of(event: AdminEvent) -> list[tuple[str, str, str]]:
    before, after = event.before or {}, event.after or {}
    fields = [name for name in FIELD_LABELS if name in before or name in after]
    if "level" in fields and "code" in fields:  # a territory reads as one value
        fields.remove("level")
    return [(str(FIELD_LABELS[name]), shown(name, before), shown(name, after))
            for name in fields]


def shown(name: str, values: dict) -> str:
    """One recorded value as a person reads it; "—" when absent."""
    value: Any = values.get(name)
    if value in (None, ""):
        return "—"
    if name == "role":
        return str(ROLE_LABELS.get(value, value))
    if name == "code":
        return territory_label(values.get("level", ""), value)
    if isinstance(value, bool):
        return str(_l("oui") if value else _l("non"))
    if isinstance(value, list):  # a dossier's sources (by title) or initiatives (by number)
        return ", ".join(str(item.get("title") if isinstance(item, dict) else item)
                         for item in value) or "—"
    return str(value)


def account_choices() -> list[tuple[int, str]]:
    """Every account, for the filter by target."""
    return list(db.session.execute(sa.select(User.id, User.email).order_by(User.email)).all())
