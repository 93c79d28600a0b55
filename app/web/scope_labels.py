"""Words for an initiative's scope: local, or a whole territory (issue 15.3)."""

from flask_babel import lazy_gettext as _l

from app.geo.gazetteer import GazetteerMissing
from app.geo.scope_places import territory_label
from app.geo.territory import current_gazetteer
from app.models.scope import territory_code
from app.web.labels import N_, translated

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


def territory_name_of(initiative) -> str:
    """The name of the whole territory an initiative covers ("Côtes-d'Armor"), "" if local."""
    if initiative.scope in (None, "local"):
        return ""
    return territory_label(initiative.scope, territory_code(initiative) or "FR")


def territory_options(scope: str) -> list[str]:
    """What the territory field suggests at a scope: "22 — Côtes-d'Armor", "53 — Bretagne"."""
    try:
        gazetteer = current_gazetteer()
    except GazetteerMissing:
        return []
    found = gazetteer.regions() if scope == "regional" else gazetteer.departements()
    return [f"{item['code']} — {item['name']}" for item in found]
