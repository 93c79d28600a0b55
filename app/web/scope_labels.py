"""The territory a whole-territory entry covers, in words (the scopes' own words are in
app.web.labels)."""

from app.geo.gazetteer import GazetteerMissing
from app.geo.scope_places import territory_label
from app.geo.territory import current_gazetteer
from app.models.scope import territory_code


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
