"""The territory of an initiative whose scope is a whole territory, from the gazetteer."""

import functools

import shapely
import shapely.geometry

from app.geo.epts import intercommunality_outline
from app.geo.gazetteer import Gazetteer, GazetteerMissing, get_gazetteer
from app.geo.outside_gazetteer import EPTS
from app.geo.territory import current_gazetteer
from app.models.scope import NATIONAL_CODES, SCOPE_TERRITORY_COLUMNS, scope_of
from app.text import N_, fold

# Metropolitan France's box and a point inside it: where "all of France" is drawn.
FRANCE_BOUNDS = (-5.2, 41.3, 9.6, 51.1)
FRANCE_CENTRE = (2.5, 46.6)
# About 100 m: plenty for a small map, light in the page.
OUTLINE_TOLERANCE = 0.001
LEVELS = {"intercommunal": "epci", "departemental": "departement", "regional": "region"}


class UnknownTerritory(ValueError):
    """Raised for a territory code the gazetteer does not know at the scope given."""


def scope_place(scope: str, code: str | None) -> dict:
    """The columns of a non-local initiative: no point, no commune, its territory's codes.

    An EPCI keeps its département and région when all its communes share them (a
    département page then lists it); raise UnknownTerritory for a code the gazetteer lacks.
    """
    code = (code or "").strip().upper()
    codes = {"epci": None, "departement": None, "region": None}
    if scope == "national":
        if code not in NATIONAL_CODES:
            raise UnknownTerritory(N_("Une entrée nationale couvre toute la France : "
                                      "laissez le territoire vide ou indiquez FR."))
    else:
        codes.update(territory_codes(current_gazetteer(), scope, code))
    return {"scope": scope, "lon": None, "lat": None, "location_precision": "territory",
            "insee": None, "commune_name": None, **codes}


def territory_codes(gazetteer: Gazetteer, scope: str, code: str) -> dict[str, str | None]:
    """The epci, departement and region columns of a territory; raise UnknownTerritory."""
    if not code:
        raise UnknownTerritory(N_("Indiquez le territoire couvert (code de l'EPCI, du "
                                  "département ou de la région)."))
    if scope == "regional" and gazetteer.region(code):
        return {"region": code}
    if scope == "departemental" and (found := gazetteer.departement(code)):
        return {"departement": found["code"], "region": found["region"]}
    if scope == "intercommunal" and (epci := gazetteer.epci(code)):
        regions = {gazetteer.departement(code)["region"] for code in epci["departements"]}
        return {"epci": epci["code"],
                "departement": epci["departements"][0] if len(epci["departements"]) == 1
                else None,
                "region": regions.pop() if len(regions) == 1 else None}
    raise UnknownTerritory(unknown_message(scope, code))


def unknown_message(scope: str, code: str):
    """The message for a code unknown at this scope, with an example of a valid one."""
    if scope == "intercommunal":
        return N_("EPCI inconnu : SIREN %(code)s (9 chiffres, par exemple 200054807).",
                  code=code)
    if scope == "departemental":
        return N_("Département inconnu : %(code)s (par exemple 22, 2A ou 971).", code=code)
    return N_("Région inconnue : %(code)s (code INSEE de la région, par exemple 53).",
              code=code)


def scope_properties(lon: float | None, epci: str | None, departement: str | None,
                     region: str | None) -> dict:
    """The scope of a feature, and for a whole territory its code and name ("FR", "France")."""
    scope = scope_of(lon, epci, departement, region)
    if scope == "local":
        return {"scope": scope, "territory": None, "territory_name": None}
    code = {"epci": epci, "departement": departement, "region": region}.get(
        SCOPE_TERRITORY_COLUMNS[scope]) or "FR"
    return {"scope": scope, "territory": code, "territory_name": territory_label(scope, code)}


def territory_label(scope: str, code: str) -> str:
    """The name of a scope's territory: France, a région, a département or an EPCI."""
    if scope == "national":
        return "France"
    try:
        gazetteer = current_gazetteer()
    except GazetteerMissing:
        return code
    found = {"regional": gazetteer.region, "departemental": gazetteer.departement,
             "intercommunal": gazetteer.epci}[scope](code)
    return found["name"] if found else code


def territory_box(scope: str, code: str | None) -> tuple[float, float, float, float] | None:
    """A territory's bounds (minlon, minlat, maxlon, maxlat); None when unknown."""
    found = territory_shape(str(current_gazetteer().path), scope, code or "")
    return found[0] if found else None


def territory_centre(scope: str, code: str | None) -> tuple[float, float] | None:
    """A point inside the territory (lon, lat), where a map that needs one draws it."""
    found = territory_shape(str(current_gazetteer().path), scope, code or "")
    return found[1] if found else None


@functools.lru_cache(maxsize=2048)
def territory_shape(path: str, scope: str, code: str) -> tuple[tuple, tuple] | None:
    """The bounds and an inner point of a territory, computed once per process."""
    if scope == "national":
        return FRANCE_BOUNDS, FRANCE_CENTRE
    outline = outline_of(get_gazetteer(path), scope, code)
    if outline is None:
        return None
    inner = outline.point_on_surface()
    return (tuple(round(value, 4) for value in outline.bounds),
            (round(inner.x, 6), round(inner.y, 6)))


def territory_outline(scope: str, code: str | None) -> dict | None:
    """A territory's simplified outline as a GeoJSON geometry; None for France or unknown."""
    if scope == "national":
        return None
    return simplified_outline(str(current_gazetteer().path), scope, code or "")


@functools.lru_cache(maxsize=256)
def simplified_outline(path: str, scope: str, code: str) -> dict | None:
    outline = outline_of(get_gazetteer(path), scope, code)
    if outline is None:
        return None
    return shapely.geometry.mapping(outline.simplify(OUTLINE_TOLERANCE))


def outline_of(gazetteer: Gazetteer, scope: str, code: str) -> shapely.Geometry | None:
    """The outline of a région, a département, an EPCI or an EPT."""
    if scope == "intercommunal":
        return intercommunality_outline(gazetteer, code)
    return gazetteer.territory_outline(LEVELS[scope], code)


def territory_text(scope: str, code: str | None) -> str:
    """A territory as a form shows it: "22 — Côtes-d'Armor"; empty when local or France."""
    if scope in (None, "local", "national") or not code:
        return ""
    return f"{code} — {territory_label(scope, code)}"


def territory_from_text(scope: str, text: str | None) -> str | None:
    """The code of the territory typed in a form: a code ("22", "22 — Côtes-d'Armor") or a
    name of this scope's level ("Côtes-d'Armor", "Bretagne"); as typed when not found."""
    typed = (text or "").strip()
    code = typed.split(" ", 1)[0].strip(" —-")
    if scope == "national" or not typed or any(char.isdigit() for char in code):
        return code or None
    try:
        gazetteer = current_gazetteer()
    except GazetteerMissing:
        return typed
    return named(gazetteer, scope, fold(typed)) or typed


def named(gazetteer: Gazetteer, scope: str, key: str) -> str | None:
    """The code of the territory of this level whose name is the folded key, if one is."""
    if scope == "regional":
        rows = [(r["code"], r["name"]) for r in gazetteer.regions()]
    elif scope == "departemental":
        rows = [(d["code"], d["name"]) for d in gazetteer.departements()]
    else:
        rows = [(code, ept["name"]) for code, ept in EPTS.items()] + \
            gazetteer.epci_names()
    found = [code for code, name in rows if fold(name) == key]
    return found[0] if len(found) == 1 else None
