"""Établissements publics territoriaux (EPT): the territories of the Métropole du Grand
Paris, which the gazetteer does not list (their communes' EPCI is the Métropole).

An entry the texts tie to one of them is intercommunal, its `epci` column the EPT's SIREN.
Only those the data need are written here, each with its communes (INSEE codes).
"""

from collections import Counter

import shapely

from app.geo.gazetteer import Gazetteer

EPTS = {
    "200058014": ("Établissement public territorial Grand-Orly Seine Bièvre", (
        "94001", "94003", "91027", "94016", "94021", "94022", "94034", "94037", "94041",
        "91326", "94038", "94043", "91432", "94054", "91479", "94065", "91589", "94073",
        "94074", "94076", "94077", "94078", "91687", "94081")),
}


def intercommunality(gazetteer: Gazetteer, code: str) -> dict | None:
    """An EPCI of the gazetteer or an EPT, as {code, name, type, departements}, or None."""
    found = gazetteer.epci(code)
    if found is not None or code not in EPTS:
        return found
    name, communes = EPTS[code]
    counts = Counter(commune.departement for insee in communes
                     if (commune := gazetteer.get(insee)) is not None)
    return {"code": code, "name": name, "type": "EPT",
            "departements": [departement for departement, _ in counts.most_common()]}


def intercommunality_outline(gazetteer: Gazetteer, code: str) -> shapely.Geometry | None:
    """The outline of an EPCI or an EPT: the union of its communes' outlines."""
    if code not in EPTS:
        return gazetteer.territory_outline("epci", code)
    outlines = [outline for insee in EPTS[code][1]
                if (outline := gazetteer.outline(insee)) is not None]
    return shapely.union_all(outlines) if outlines else None
