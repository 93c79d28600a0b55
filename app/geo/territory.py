"""Territory of a point or a commune, derived from the gazetteer."""

from flask import current_app

from app.geo.gazetteer import Commune, Gazetteer, GazetteerMissing, get_gazetteer
from app.geo.point_checks import commune_of_point
from app.text import N_


class UnknownCommune(ValueError):
    """Raised for an INSEE code the gazetteer does not know."""


def current_gazetteer() -> Gazetteer:
    """Return the gazetteer of the running app (opened once per process)."""
    return get_gazetteer(current_app.config["GAZETTEER_PATH"])


def territory_fields(commune: Commune | None) -> dict[str, str | None]:
    """Return the initiative columns that describe a commune's territory."""
    if commune is None:
        return {"insee": None, "commune_name": None, "epci": None, "departement": None,
                "region": None}
    return {
        "insee": commune.insee,
        "commune_name": commune.name,
        "epci": commune.epci,
        "departement": commune.departement,
        "region": commune.region,
    }


def locate(insee: str | None, lon: float | None, lat: float | None) -> dict:
    """Resolve the point and territory of an initiative from a commune, a point or both.

    A point wins when it falls in a commune; otherwise the commune gives the territory,
    and its reference point when no point was given. Raise MisplacedPoint for a point far
    from the commune, or from France.
    """
    declared = current_gazetteer().get(insee) if insee else None
    if insee and declared is None:
        raise UnknownCommune(N_("Commune inconnue : code INSEE %(insee)s.", insee=insee))
    return place_of(declared, lon, lat)


def place_of(declared: Commune | None, lon: float | None, lat: float | None) -> dict:
    """The point and territory of an initiative from its commune, already found, and a point."""
    if lon is not None and lat is not None:
        commune = commune_of_point(current_gazetteer(), declared, lon, lat)
        return {"lon": lon, "lat": lat, **territory_fields(commune)}
    if declared is None or declared.lon is None:
        # A few communes restored recently have neither outline nor town hall in the source.
        raise UnknownCommune(
            N_("Cette commune n'a pas de point de référence : placez le point sur la carte.")
        )
    return {"lon": declared.lon, "lat": declared.lat, **territory_fields(declared)}


def territory_name(level: str, code: str) -> str:
    """A readable name for a territory ("Saône-et-Loire (71)"), the bare code when unknown."""
    try:
        gazetteer = current_gazetteer()
    except GazetteerMissing:
        return code
    if level == "commune":
        commune = gazetteer.get(code)
        return f"{commune.name} ({code})" if commune else code
    found = gazetteer.region(code) if level == "region" else gazetteer.departement(code)
    return f"{found['name']} ({code})" if found else code
