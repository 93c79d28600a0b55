"""Words shown for the codes stored in the database: one table of French words per code.

The French words are the catalogue's msgids. Pages show them translated (the lazy *_LABELS);
exports and import matching use the French words themselves (the *_NAMES), whatever the
request's language.
"""

from flask_babel import lazy_gettext as _l

from app.geo.territory import territory_name


def N_(msgid: str) -> str:
    """Mark a French word for the catalogue (a default pybabel keyword); translate it later."""
    return msgid


def translated(names: dict[str, str]) -> dict:
    """The same table, each word translated into the request's language when shown."""
    return {code: _l(name) for code, name in names.items()}


KIND_NAMES = {
    "initiative": N_("Initiative"),
    "field_site": N_("Terrain"),
    "place": N_("Lieu"),
    "resource": N_("Ressource"),
    "organisation": N_("Organisation"),
}
KIND_LABELS = translated(KIND_NAMES)

ACTOR_TYPE_NAMES = {
    "commune": N_("Commune"),
    "intercommunality": N_("Intercommunalité"),
    "departement": N_("Département"),
    "region": N_("Région"),
    "state_service": N_("Service de l'État"),
    "association": N_("Association"),
    "citizen_collective": N_("Collectif citoyen"),
    "company": N_("Entreprise"),
    "research": N_("Recherche"),
    "public_establishment": N_("Établissement public"),
}
ACTOR_TYPE_LABELS = translated(ACTOR_TYPE_NAMES)

ROLE_LABELS = {
    "contributor": _l("Contributeur·rice"),
    "moderator": _l("Modérateur·rice"),
    "admin": _l("Administrateur·rice"),
}

SCOPE_LEVEL_LABELS = {
    "region": _l("Région"),
    "departement": _l("Département"),
    "commune": _l("Commune"),
}

# The statuses of initiatives, change sets and reports.
STATUS_LABELS = {
    "pending": _l("en attente de modération"), "published": _l("publiée"),
    "rejected": _l("refusée"), "archived": _l("archivée"), "approved": _l("acceptée"),
    "withdrawn": _l("retirée"), "open": _l("à traiter"), "resolved": _l("traité"),
    "dismissed": _l("classé sans suite"),
}

LOCATION_PRECISION_LABELS = {
    "address": _l("à l'adresse"), "commune": _l("centre de la commune"),
    "territory": _l("territoire"),
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
    "distance": _l("Distance"),
}

REPORT_LABELS = {
    "closed": _l("L'initiative est terminée ou fermée"),
    "duplicate": _l("Elle figure déjà sur la carte (doublon)"),
    "wrong_place": _l("Elle n'est pas au bon endroit"),
    "inappropriate": _l("Le contenu est inapproprié"),
    "other": _l("Autre problème"),
}

DECISION_LABELS = {
    "approve": _l("Publier"),
    "reject": _l("Refuser"),
    "request_changes": _l("Demander des précisions"),
    "archive": _l("Archiver"),
}
CHANGE_SET_DECISION_LABELS = {
    "approve": _l("Appliquer la correction"),
    "reject": _l("Refuser"),
    "request_changes": _l("Demander des précisions"),
}
REPORT_DECISION_LABELS = {"resolve": _l("Traité"), "dismiss": _l("Classer sans suite")}


def kind_label(kind: str) -> str:
    """The translated label of a kind, the code itself if unknown."""
    return str(KIND_LABELS.get(kind, kind))


def actor_type_label(actor_type: str | None) -> str:
    """The translated label of an actor type, empty when there is none."""
    return str(ACTOR_TYPE_LABELS.get(actor_type, actor_type or ""))


def role_label(role: str) -> str:
    """The translated name of an account's role, the code itself if unknown."""
    return str(ROLE_LABELS.get(role, role))


def territory_label(level: str, code: str) -> str:
    """A moderator's territory in words: "Département Saône-et-Loire (71)"."""
    return f"{SCOPE_LEVEL_LABELS.get(level, level)} {territory_name(level, code)}"


def status_label(status: str) -> str:
    """The translated label of an initiative's, change set's or report's status."""
    return str(STATUS_LABELS.get(status, status))

# One 24×24 SVG path per kind: the map's markers and the filter form show the same shape,
# so a kind is told apart by its shape, not by colour alone.
KIND_ICONS = {
    "initiative": "M12 2l2.9 6.9 7.1.7-5.4 4.7 1.6 7.7-6.2-3.7-6.2 3.7 1.6-7.7L2 9.6l7.1-.7z",
    "field_site": "M5 2h2.2v20H5zM8.5 3H20l-2.6 4 2.6 4H8.5z",
    "place": "M12 3l9.5 8.2H18.6V21h-4.8v-6h-3.6v6H5.4v-9.8H2.5z",
    "resource": "M5 3h11a3 3 0 013 3v15H8a3 3 0 01-3-3zm2.5 14.5a.9.9 0 00.9.9h8.1v-1.8H8.4"
                "a.9.9 0 00-.9.9z",
    # Three people side by side: a team, network or body.
    "organisation": "M12 4a2.5 2.5 0 110 5 2.5 2.5 0 010-5zM5 7a2 2 0 110 4 2 2 0 010-4zm14 0"
                    "a2 2 0 110 4 2 2 0 010-4zM7.5 20v-4.5a4.5 4.5 0 019 0V20zM1.5 20v-3.5"
                    "A3.5 3.5 0 015 13c.6 0 1.1.1 1.6.4A6 6 0 006 15.5V20zm21 0v-3.5"
                    "A3.5 3.5 0 0019 13c-.6 0-1.1.1-1.6.4.4.7.6 1.4.6 2.1V20z",
}

# Life status: what happened to an initiative after the crisis.
LIFE_NAMES = {
    "active": N_("En cours"),
    "permanent": N_("Pérennisée"),
    "ended": N_("Terminée"),
}
LIFE_LABELS = translated(LIFE_NAMES)

FRESHNESS_LABELS = {
    "stale": _l("À vérifier"),
    "current": _l("Confirmées depuis moins d'un an"),
}

# Scope: a point (local), or a whole territory (issue 15.3).
SCOPE_NAMES = {
    "local": N_("Locale"),
    "intercommunal": N_("Intercommunale"),
    "departemental": N_("Départementale"),
    "regional": N_("Régionale"),
    "national": N_("Nationale"),
}
SCOPE_LABELS = translated(SCOPE_NAMES)
# The headings of the lists of whole-territory entries, widest first.
SCOPE_SECTION_TITLES = {
    "national": _l("Partout en France"),
    "regional": _l("Dans toute une région"),
    "departemental": _l("Dans tout un département"),
    "intercommunal": _l("Dans toute une intercommunalité"),
}
# What the form offers, with what each choice means.
SCOPE_CHOICES = {
    "local": _l("Locale : un lieu, une commune (un point sur la carte)"),
    "intercommunal": _l("Toute une intercommunalité (EPCI)"),
    "departemental": _l("Tout un département"),
    "regional": _l("Toute une région"),
    "national": _l("Toute la France"),
}


def scope_name(scope: str | None) -> str:
    """The translated name of a scope ("Départementale"), the code itself if unknown."""
    return str(SCOPE_LABELS.get(scope or "local", scope))


def section_title(scope: str) -> str:
    """The translated heading of a scope's list of whole-territory entries."""
    return str(SCOPE_SECTION_TITLES.get(scope, scope))
