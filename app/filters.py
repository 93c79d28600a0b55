"""The one parser of the shared filters (map, list, API, exports, embed)."""

import math
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.geo.gazetteer import GazetteerMissing
from app.geo.territory import current_gazetteer
from app.models import ACTOR_TYPES, KINDS, LIFE_STATUSES, SCOPES, Dossier
from app.models.dossier import SLUG_PATTERN
from app.text import fold

PUBLIC_STATUSES = {"active": ("published",), "archived": ("archived",),
                   "all": ("published", "archived")}
CODE = re.compile(r"^[0-9A-Za-z]{1,5}$")
EPCI_CODE = re.compile(r"^[0-9]{9}$")  # SIREN number of the intercommunality
# A postcode or an INSEE code (Corsica's start 2A/2B), as `near` takes them.
PLACE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
DOSSIER_SLUG = re.compile(SLUG_PATTERN)
# How far `near` looks by default, and at most: a bounded radius keeps the index useful.
DEFAULT_RADIUS_KM = 20
MAX_RADIUS_KM = 200
RADIUS_PARAMS = ("rayon", "radius_km")
# Freshness and life status: English values, the French words of the URLs accepted too.
FRESHNESS = ("stale", "current")
FRESHNESS_PARAMS = ("freshness", "fraicheur")
LIFE_PARAMS = ("life", "vie")
FRENCH_VALUES = {"a-verifier": "stale", "a-jour": "current", "perennisee": "permanent",
                 "terminee": "ended"}


class FilterError(ValueError):
    """A filter parameter that cannot be understood, with the parameter's name."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Filters:
    q: str = ""
    themes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    commune: str | None = None
    epci: str | None = None
    departement: str | None = None
    region: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float] | None = None  # (lon, lat): results within the radius, nearest first
    radius_km: float = DEFAULT_RADIUS_KM
    research: bool = False
    # An actor's id: the initiatives it leads or takes part in as a partner.
    actor: int | None = None
    phone: bool = False  # only those with a phone number ("avec un contact téléphonique")
    dossier: str | None = None  # a dossier's slug: only its initiatives
    status: str = "active"
    freshness: str = ""  # "stale": not confirmed for STALE_AFTER_DAYS; "current": the others
    life: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()  # local (a point) or the whole territories covered
    extra: dict = field(default_factory=dict)

    @property
    def statuses(self) -> tuple[str, ...]:
        return PUBLIC_STATUSES[self.status]

    @property
    def terms(self) -> list[str]:
        """The folded words of the full-text query."""
        return fold(self.q).split()


def parse_filters(args: MultiDict) -> Filters:
    """Read the shared filters from query parameters; raise FilterError on a bad one."""
    status = args.get("status", "active") or "active"
    if status not in PUBLIC_STATUSES:
        raise FilterError("status", "status must be one of active, archived, all.")
    return Filters(
        q=(args.get("q") or "").strip()[:200],
        themes=multi(args, "theme"),
        kinds=choices(args, "kind", KINDS),
        actor_types=choices(args, "actor_type", ACTOR_TYPES),
        commune=code(args, "commune"),
        epci=epci_code(args),
        departement=code(args, "departement"),
        region=code(args, "region"),
        bbox=parse_bbox(args.get("bbox")),
        near=parse_near(args.get("near")),
        radius_km=parse_radius(args),
        research=args.get("research") in ("1", "true", "on", "yes"),
        actor=actor_id(args),
        phone=args.get("telephone") in ("1", "true", "on", "yes"),
        dossier=dossier_slug(args),
        status=status,
        freshness=parse_freshness(args),
        life=aliased_choices(args, LIFE_PARAMS, LIFE_STATUSES),
        scopes=choices(args, "scope", SCOPES),
    )


def multi(args: MultiDict, name: str) -> tuple[str, ...]:
    """Values of a repeated or comma-separated parameter, without blanks or repeats."""
    values = []
    for raw in args.getlist(name):
        values.extend(part.strip() for part in raw.split(","))
    return tuple(dict.fromkeys(value for value in values if value))


def choices(args: MultiDict, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = multi(args, name)
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise FilterError(name, f"unknown {name} {unknown[0][:40]!r}; one of {', '.join(allowed)}.")
    return values


def aliased_choices(args: MultiDict, names: tuple[str, ...],
                    allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The values of a parameter that has a French name too, French values read as English."""
    name = next((name for name in names if name in args), names[0])
    raw = MultiDict([(name, FRENCH_VALUES.get(value.strip(), value.strip()))
                     for value in multi(args, name)])
    return choices(raw, name, allowed)


def parse_freshness(args: MultiDict) -> str:
    """One of FRESHNESS, or "" for all (none given, or both)."""
    values = aliased_choices(args, FRESHNESS_PARAMS, FRESHNESS)
    return values[0] if len(values) == 1 else ""


def code(args: MultiDict, name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not CODE.match(value):
        raise FilterError(name, f"{name} must be an official code (INSEE, département, région).")
    return value.upper()


def epci_code(args: MultiDict) -> str | None:
    value = (args.get("epci") or "").strip()
    if value and not EPCI_CODE.match(value):
        raise FilterError("epci", "epci must be the 9-digit SIREN number of an EPCI.")
    return value or None


def actor_id(args: MultiDict) -> int | None:
    value = (args.get("actor") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise FilterError("actor", "actor must be the id of an actor (see /api/v1/actors).")
    return int(value)


def dossier_slug(args: MultiDict) -> str | None:
    """The slug of an existing dossier; an unknown one is an error, not an empty result."""
    value = (args.get("dossier") or "").strip()
    if not value:
        return None
    known = DOSSIER_SLUG.match(value) and len(value) <= 80 and db.session.scalar(
        sa.select(Dossier.id).where(Dossier.slug == value))
    if not known:
        raise FilterError("dossier", f"unknown dossier {value[:80]!r}; "
                                     "the dossiers are listed at /api/v1/dossiers.")
    return value


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """Parse minlon,minlat,maxlon,maxlat in WGS84."""
    if not raw:
        return None
    parts = raw.split(",")
    try:
        numbers = tuple(float(part) for part in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise FilterError("bbox", "bbox must be four numbers: minlon,minlat,maxlon,maxlat.")
    minlon, minlat, maxlon, maxlat = numbers
    if not (-180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise FilterError("bbox", "bbox is out of range or its minimum exceeds its maximum.")
    return numbers


def parse_near(raw: str | None) -> tuple[float, float] | None:
    """Parse lon,lat in WGS84, or a postcode or INSEE code standing for its commune."""
    text = (raw or "").strip().upper()
    if not text:
        return None
    if PLACE_CODE.match(text):
        return place_of_code(text)
    try:
        numbers = tuple(float(part) for part in text.split(","))
    except ValueError:
        numbers = ()
    if len(numbers) != 2 or not all(math.isfinite(n) for n in numbers):
        raise FilterError("near", "near must be lon,lat or a French postcode or INSEE code.")
    lon, lat = numbers
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise FilterError("near", "near is out of range: lon from -180 to 180, lat from -90 to 90.")
    return lon, lat


def place_of_code(code: str) -> tuple[float, float]:
    """The reference point of the commune with this postcode (the most populous one sharing
    it) or, failing that, this INSEE code."""
    try:
        found = current_gazetteer().search(code, 1)
    except GazetteerMissing:
        raise FilterError("near", "near by postcode needs the communes gazetteer; "
                                  "give lon,lat instead.") from None
    if not found:
        raise FilterError("near", f"near: no commune has the postcode or INSEE code {code}.")
    return found[0].lon, found[0].lat


def parse_radius(args: MultiDict) -> float:
    """The radius of `near` in km (`rayon` or `radius_km`), from 0.1 to the maximum."""
    name = next((name for name in RADIUS_PARAMS if (args.get(name) or "").strip()), None)
    if name is None:
        return DEFAULT_RADIUS_KM
    try:
        value = float(args[name].strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not 0.1 <= value <= MAX_RADIUS_KM:  # NaN fails too
        raise FilterError(name, f"{name} must be a number of km from 0.1 to {MAX_RADIUS_KM}.")
    return value
