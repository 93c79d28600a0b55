"""The outlines of the Grand Paris's établissements publics territoriaux (EPT), from their
member communes: the gazetteer's source lists neither (app.geo.outside_gazetteer gives
their name and départements), and its communes' EPCI is the Métropole.

Only those the data need are written here, each with its communes (INSEE codes).
"""

import shapely

from app.geo.gazetteer import Gazetteer

EPT_COMMUNES = {
    "200058014": (  # Grand-Orly Seine Bièvre
        "94001", "94003", "91027", "94016", "94021", "94022", "94034", "94037", "94041",
        "91326", "94038", "94043", "91432", "94054", "91479", "94065", "91589", "94073",
        "94074", "94076", "94077", "94078", "91687", "94081"),
}


def intercommunality_outline(gazetteer: Gazetteer, code: str) -> shapely.Geometry | None:
    """The outline of an EPCI or an EPT: the union of its communes' outlines."""
    if code not in EPT_COMMUNES:
        return gazetteer.territory_outline("epci", code)
    outlines = [outline for insee in EPT_COMMUNES[code]
                if (outline := gazetteer.outline(insee)) is not None]
    return shapely.union_all(outlines) if outlines else None
