"""Words shown for the codes stored in the database (kinds, actor types, statuses)."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "initiative": _l("Initiative"),
    "field_site": _l("Terrain"),
    "place": _l("Lieu"),
    "resource": _l("Ressource"),
}

ACTOR_TYPE_LABELS = {
    "commune": _l("Commune"),
    "intercommunality": _l("Intercommunalité"),
    "departement": _l("Département"),
    "region": _l("Région"),
    "state_service": _l("Service de l'État"),
    "association": _l("Association"),
    "citizen_collective": _l("Collectif citoyen"),
    "company": _l("Entreprise"),
    "research": _l("Recherche"),
    "public_establishment": _l("Établissement public"),
}

STATUS_FILTER_LABELS = {
    "active": _l("En activité"),
    "archived": _l("Archivées"),
    "all": _l("Toutes"),
}

SORT_LABELS = {
    "name": _l("Nom"),
    "commune": _l("Commune"),
    "updated": _l("Dernière mise à jour"),
}

# schema.org type of each kind, for the JSON-LD of an initiative page.
SCHEMA_TYPES = {
    "initiative": "Project",
    "field_site": "Place",
    "place": "Place",
    "resource": "CreativeWork",
}


def kind_label(kind: str) -> str:
    """The translated label of a kind, the code itself if unknown."""
    return str(KIND_LABELS.get(kind, kind))


def actor_type_label(actor_type: str | None) -> str:
    """The translated label of an actor type, empty when there is none."""
    return str(ACTOR_TYPE_LABELS.get(actor_type, actor_type or ""))

# One 24×24 SVG path per kind: the map's markers and the filter form show the same shape,
# so a kind is told apart by its shape, not by colour alone.
KIND_ICONS = {
    "initiative": "M12 2l2.9 6.9 7.1.7-5.4 4.7 1.6 7.7-6.2-3.7-6.2 3.7 1.6-7.7L2 9.6l7.1-.7z",
    "field_site": "M5 2h2.2v20H5zM8.5 3H20l-2.6 4 2.6 4H8.5z",
    "place": "M12 3l9.5 8.2H18.6V21h-4.8v-6h-3.6v6H5.4v-9.8H2.5z",
    "resource": "M5 3h11a3 3 0 013 3v15H8a3 3 0 01-3-3zm2.5 14.5a.9.9 0 00.9.9h8.1v-1.8H8.4"
                "a.9.9 0 00-.9.9z",
}
