"""Whether a point can be where an initiative says it is: in its commune or near it, in France."""

import math

from flask import current_app

from app.geo.gazetteer import Commune, Gazetteer
from app.text import N_, Message, message_of


class MisplacedPoint(ValueError):
    """Raised with a message for whoever placed the point: how far from which commune."""


def tolerance_m() -> float:
    """How far outside its commune's outline a point may lie (POINT_TOLERANCE_KM)."""
    return float(current_app.config["POINT_TOLERANCE_KM"]) * 1000


def commune_of_point(gazetteer: Gazetteer, declared: Commune | None, lon: float,
                     lat: float) -> Commune | None:
    """The commune of an initiative placed at this point; raise MisplacedPoint.

    The commune whose outline covers the point wins (a point just across the declared
    commune's border is in the neighbour). A point in no commune (a quay, a beach) belongs
    to the declared commune, or else to the nearest one. Either must be near enough.
    """
    if declared is not None:
        distance = gazetteer.distance_m(declared, lon, lat)
        if distance == 0:  # most points: one outline read, no search
            return declared
        # A commune with neither outline nor reference point cannot tell: the point is taken.
        if distance is not None and distance > tolerance_m():
            raise MisplacedPoint(far_message(declared, distance))
        return gazetteer.locate(lon, lat) or declared
    found = gazetteer.locate(lon, lat) or gazetteer.nearest(lon, lat, tolerance_m())
    if found is None:
        raise MisplacedPoint(outside_france_message())
    return found


def far_message(commune: Commune, distance: float) -> Message:
    """"Le point placé est à 412 km de Brest : …", translated where it is shown."""
    return N_("Le point placé est à %(distance)s km de %(commune)s : déplacez-le dans "
              "la commune ou choisissez la bonne commune.",
              distance=kilometres(distance), commune=commune.name)


def outside_france_message() -> Message:
    return N_("Le point placé est hors de France, loin de toute commune : déplacez-le "
              "sur la commune de l'initiative.")


def kilometres(distance_m: float) -> int:
    """A distance in whole km, rounded up: never down to the tolerance it exceeds.

    A plain number, the same in every language, as the message is filled before translation.
    """
    return math.ceil(distance_m / 1000)


def stored_point_warning(gazetteer: Gazetteer, insee: str | None, lon: float | None,
                         lat: float | None) -> str | None:
    """What the rule would say of a stored point (kept from before it, or imported so), or
    None when the point is where it may be."""
    if lon is None or lat is None:
        return None
    try:
        commune_of_point(gazetteer, gazetteer.get(insee) if insee else None, lon, lat)
    except MisplacedPoint as misplaced:
        return message_of(misplaced)
    return None
