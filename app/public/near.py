"""`near` on the browsing pages: a typed place, its errors next to the field, distances shown."""

import re
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.filters import PLACE_CODE, FilterError, Filters, parse_filters
from app.geo.distances import box_around
from app.geo.gazetteer import GazetteerMissing
from app.geo.territory import current_gazetteer
from app.public.query import first_commune

# "Cluny (71250)", as the field shows a code: the code in brackets is what counts.
CODE_IN_TEXT = re.compile(r"\(([0-9][0-9AB][0-9]{3})\)\s*$")
COORDINATES = re.compile(r"^[-+0-9.,\s]+$")

NEAR_PARAMS = ("near", "rayon", "radius_km")
# The radii the form offers, in km; any other from the URL is kept as it is.
RADIUS_CHOICES = (2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class NearField:
    """What the "Autour de" field shows: the typed place, the radius, the error if any."""

    text: str = ""
    radius_km: float = 20
    error: str = ""


def resolve_near_text(args: MultiDict) -> MultiDict | None:
    """The query with a commune typed by name in `near` turned into its INSEE code.

    Coordinates and codes stay as typed; None when there is nothing to resolve, or when the
    name matches no commune (the page then says so next to the field).
    """
    text = (args.get("near") or "").strip()
    if not text or PLACE_CODE.match(text.upper()) or COORDINATES.match(text):
        return None
    found = CODE_IN_TEXT.search(text.upper())
    code = found.group(1) if found else first_commune(text)
    if code is None:
        return None
    resolved = MultiDict(args)
    resolved.setlist("near", [code])
    return resolved


def page_filters(args: MultiDict) -> tuple[Filters, str]:
    """The filters of a page and the message for a `near` or radius that cannot be read:
    that filter is then left out, so the page still shows the rest (FilterError otherwise)."""
    try:
        return parse_filters(args), ""
    except FilterError as error:
        if error.param not in NEAR_PARAMS:
            raise
        kept = MultiDict(args)
        for name in NEAR_PARAMS:
            kept.poplist(name)
        return parse_filters(kept), near_message(error.param, args.get(error.param, ""))


def near_message(param: str, value: str) -> str:
    """The visitor's words for a `near` or radius that cannot be read."""
    if param == "near":
        return _("« %(text)s » n'est ni une commune, ni un code postal, ni des coordonnées "
                 "connues.", text=value.strip()[:80])
    return _("Le rayon doit être un nombre de kilomètres entre 0,1 et 200.")


def near_field(args: MultiDict, filters: Filters, error: str) -> NearField:
    """The field's content: the commune's name for a code, the text as typed otherwise."""
    text = (args.get("near") or "").strip()
    if text and not error and PLACE_CODE.match(text.upper()):
        code, name = text.upper(), commune_name(text.upper())
        text = code if name == code else f"{name} ({code})"
    return NearField(text, filters.radius_km, error)


def commune_name(code: str) -> str:
    """The name of the commune a postcode or INSEE code stands for, as the filter finds it."""
    try:
        found = current_gazetteer().search(code, 1)
    except GazetteerMissing:
        return code
    return found[0].name if found else code


def map_bounds(filters: Filters) -> list[list[float]] | None:
    """The map's view for `near`: the circle's box, centred on the point; None without it."""
    if not filters.near:
        return None
    minlon, minlat, maxlon, maxlat = box_around(*filters.near, filters.radius_km * 1000)
    return [[minlat, minlon], [maxlat, maxlon]]


def distance_label(metres: float) -> str:
    """"à 850 m", "à 1,2 km", "à 35 km", in the visitor's number format."""
    if metres < 995:  # to the nearest 10 m, at least 10: "à 0 m" would read as an error
        return _("à %(distance)s m", distance=format_decimal(max(10, round(metres / 10) * 10)))
    km = metres / 1000
    shown = format_decimal(km, format="#,##0.0") if km < 10 else format_decimal(round(km))
    return _("à %(distance)s km", distance=shown)

