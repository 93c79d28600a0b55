"""Cleaning of initiative fields, whatever the channel they come from."""

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from app.models import ACTOR_TYPES, KINDS, LIFE_STATUSES, LOCATION_PRECISIONS, SCOPES
from app.models.place_details import PLACE_DETAIL_FIELDS
from app.text import N_, message_of

MAX_LENGTHS = {
    "name": 200,
    "summary": 400,
    "description": 20_000,
    "actor_name": 200,
    "website": 500,
    "public_contact": 300,
    "private_email": 254,
    "source": 500,
    "external_id": 200,
    "life_note": 4_000,
}
TEXT_FIELDS = tuple(MAX_LENGTHS)
# One line of text: a name ends up in e-mail subjects, where a line break ends the header.
SINGLE_LINE_FIELDS = ("name", "actor_name", "website", "public_contact", "source", "external_id")
LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
MAX_LIST_ITEMS = 50  # themes or tags of one initiative
# The lead actor chosen by id, a new one's SIRET, SIREN or RNA, the partners (see
# app.initiatives.actors).
ACTOR_RULES = {"lead_actor_id": "clean_actor_id", "actor_identifier": "clean_actor_identifier",
               "partners": "clean_partners"}
CHOICES = {"kind": KINDS, "actor_type": ACTOR_TYPES, "location_precision": LOCATION_PRECISIONS,
           "life_status": LIFE_STATUSES, "scope": SCOPES}


class InvalidInitiative(ValueError):
    """Raised with a message per field when initiative data cannot be stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def clean(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Return the known fields of data, typed and checked; raise InvalidInitiative."""
    cleaned, errors = check_fields(data)
    if "ended_on" not in errors and (error := period_error(cleaned)):
        errors["ended_on"] = error
    if not partial:
        for field in ("name", "kind"):
            if not cleaned.get(field) and field not in errors:
                errors[field] = N_("Ce champ est obligatoire.")
    errors.update(place_errors(cleaned, errors, partial=partial))
    if errors:
        raise InvalidInitiative(errors)
    return cleaned


def place_errors(cleaned: dict[str, Any], errors: dict[str, str], *,
                 partial: bool) -> dict[str, str]:
    """The messages for a place that is missing, or a point given to a whole territory."""
    has_point = cleaned.get("lon") is not None and cleaned.get("lat") is not None
    scope = cleaned.get("scope") or "local"
    if scope == "local":
        if not partial and not has_point and not cleaned.get("insee") and "lon" not in errors:
            return {"location": N_("Indiquez une commune ou un point sur la carte.")}
        return {}
    if has_point or cleaned.get("insee"):
        return {"location": N_("Une entrée qui couvre tout un territoire n'a ni point ni "
                               "commune : retirez-les, ou choisissez la portée « locale ».")}
    if scope != "national" and not cleaned.get("territory") and "territory" not in errors \
            and not partial:
        return {"territory": N_("Indiquez le territoire couvert (code de l'EPCI, du "
                                "département ou de la région).")}
    return {}


def clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return each field of data checked by its own rule, none required; raise InvalidInitiative."""
    cleaned, errors = check_fields(data)
    if errors:
        raise InvalidInitiative(errors)
    return cleaned


def check_period(values: Mapping[str, Any], current: Any = None) -> None:
    """Refuse an end before the start, each date from the clean values (JSON-ready ones
    too: ISO text) or else the current record."""
    error = period_error({field: clean_date(values.get(field, getattr(current, field, None)))
                          for field in ("started_on", "ended_on")})
    if error:
        raise InvalidInitiative({"ended_on": error})


def period_error(values: Mapping[str, Any]) -> str | None:
    """The message for clean values that end before they start, if they do."""
    started, ended = values.get("started_on"), values.get("ended_on")
    if not (isinstance(started, date) and isinstance(ended, date) and ended < started):
        return None
    return N_("La date de fin (%(ended)s) précède la date de début (%(started)s) : "
              "corrigez l'une ou l'autre.", ended=ended.isoformat(), started=started.isoformat())


def check_fields(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field of data typed by its rule, and the French message of each that breaks it."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field, value in data.items():
        try:
            cleaned[field] = clean_field(field, value)
        except ValueError as error:
            errors[field] = message_of(error)
    return cleaned, errors


def clean_field(field: str, value: Any) -> Any:
    """Check and type one field's value; raise ValueError with a French message."""
    if field in TEXT_FIELDS:
        return clean_text(field, value)
    if field in CHOICES:
        return clean_choice(field, value)
    if field in ("lon", "lat"):
        return clean_coordinate(field, value)
    if field in ("started_on", "ended_on", "last_verified_on"):
        return clean_date(value)
    if field == "research_partnership":
        return bool(value)
    if field == "insee":
        return clean_insee(value)
    if field == "territory":
        return clean_territory(value)
    if field in ("themes", "tags"):
        return clean_list(value)
    if field == "sources":
        from app.initiatives.sources import clean_sources  # it builds on this module's rules

        return clean_sources(value)
    if field in ACTOR_RULES:
        from app.initiatives import actors  # it builds on this module's rules

        return getattr(actors, ACTOR_RULES[field])(value)
    if field in PLACE_DETAIL_FIELDS:
        from app.initiatives.place_details import clean_place_detail  # builds on these rules

        return clean_place_detail(field, value)
    raise ValueError(N_("Champ inconnu."))


def clean_text(field: str, value: Any) -> str | None:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise ValueError(N_("Caractère nul interdit."))
    if field in SINGLE_LINE_FIELDS:
        text = LINE_BREAKS.sub(" ", text)
    text = text.strip()
    if len(text) > MAX_LENGTHS[field]:
        raise ValueError(N_("%(max)d caractères au plus (%(count)d reçus).",
                            max=MAX_LENGTHS[field], count=len(text)))
    if field == "website" and text:
        check_web_url(text)
    if field == "private_email" and text and not is_email(text):
        raise ValueError(N_("Adresse e-mail invalide."))
    if field in ("website", "private_email", "external_id") and not text:
        return None
    return text


def is_email(text: str) -> bool:
    """Tell whether the text is one mailbox: no list, no display name, no line break."""
    try:  # no DNS look-up: a form must not wait on the network
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def check_web_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(N_("Adresse web invalide : elle doit commencer par http:// ou https://."))


def clean_choice(field: str, value: Any) -> str | None:
    if value in (None, "") and field == "actor_type":
        return None
    if value in (None, "") and field == "life_status":
        return "active"
    if value not in CHOICES[field]:
        raise ValueError(N_("Valeur inconnue : %(value)s.", value=repr(str(value)[:40])))
    return value


def clean_coordinate(field: str, value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise ValueError(N_("Nombre attendu.")) from None
    limit = 180 if field == "lon" else 90
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise ValueError(N_("Coordonnée hors limites (entre -%(limit)d et %(limit)d).",
                            limit=limit))
    return round(number, 6)


def clean_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(N_("Date attendue au format AAAA-MM-JJ.")) from None


def clean_insee(value: Any) -> str | None:
    if value in (None, ""):
        return None
    code = str(value).strip().upper()
    if len(code) != 5 or not code.isalnum():
        raise ValueError(N_("Code INSEE invalide (5 caractères)."))
    return code


def clean_territory(value: Any) -> str | None:
    """A territory's code as given (an EPCI's SIREN, a département's or région's code, FR)."""
    if value in (None, ""):
        return None
    code = str(value).strip().upper()
    if len(code) > 9 or not code.isalnum():
        raise ValueError(N_("Code de territoire invalide (9 caractères au plus, "
                            "lettres et chiffres)."))
    return code


def clean_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = [str(item) for item in (value.split(",") if isinstance(value, str) else value)]
    if any("\x00" in item for item in items):
        raise ValueError(N_("Caractère nul interdit."))
    cleaned = [text for text in (LINE_BREAKS.sub(" ", item).strip() for item in items) if text]
    if len(cleaned) > MAX_LIST_ITEMS:
        raise ValueError(N_("%(max)d au plus (%(count)d reçus).", max=MAX_LIST_ITEMS,
                            count=len(cleaned)))
    return cleaned
