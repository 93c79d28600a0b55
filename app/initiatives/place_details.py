"""The rules of a place's practical details: address, phone, e-mails, hours, services.

Every channel (forms, moderation, imports, the seed) cleans them here, through
app.initiatives.fields.
"""

import re
from typing import Any

import opening_hours

from app.initiatives.fields import LINE_BREAKS, check_web_url, is_email
from app.initiatives.phones import normalise_phone
from app.initiatives.place_vocabulary import VOCABULARIES, code_of
from app.models.place_details import PLACE_DETAIL_FIELDS, PLACE_DETAIL_LISTS
from app.text import N_

DETAIL_LENGTHS = {"street_address": 300, "opening_hours": 500, "booking_url": 500,
                  "accessibility_url": 500}
MAX_EMAILS = 5
LIST_SPLIT = re.compile(r"[|;,\n]")
POSTCODE = re.compile(r"^\d{5}$")

__all__ = ["PLACE_DETAIL_FIELDS", "clean_place_detail"]


def clean_place_detail(field: str, value: Any) -> Any:
    """Check and type one detail; raise ValueError with a French message; blank is None."""
    if field in PLACE_DETAIL_LISTS:
        items = split_items(value)
        if not items:
            return None
        return clean_emails(items) if field == "emails" else clean_codes(field, items)
    text = "" if value is None else LINE_BREAKS.sub(" ", str(value)).strip()
    if not text:
        return None
    if len(text) > DETAIL_LENGTHS.get(field, 500):
        raise ValueError(N_("%(max)d caractères au plus (%(count)d reçus).",
                            max=DETAIL_LENGTHS[field], count=len(text)))
    return TEXT_RULES[field](text)


def split_items(value: Any) -> list[str]:
    """The items of a list, or of a text separated by |, ; , or lines (as files give them)."""
    if value in (None, ""):
        return []
    items = LIST_SPLIT.split(value) if isinstance(value, str) else [str(item) for item in value]
    return list(dict.fromkeys(item.strip() for item in items if item and item.strip()))


def clean_emails(items: list[str]) -> list[str]:
    if len(items) > MAX_EMAILS:
        raise ValueError(N_("%(max)d au plus (%(count)d reçus).", max=MAX_EMAILS,
                            count=len(items)))
    for item in items:
        if not is_email(item):
            raise ValueError(N_("Adresse e-mail invalide : %(value)s.", value=item[:80]))
    return items


def clean_codes(field: str, items: list[str]) -> list[str]:
    """The codes the items name (a code, a label, either standard's word), in the list's order."""
    codes = []
    for item in items:
        code = code_of(field, item)
        if code is None:
            raise ValueError(N_("Valeur inconnue : %(value)s.", value=repr(item[:40])))
        codes.append(code)
    order = [term.code for term in VOCABULARIES[field]]
    return sorted(set(codes), key=order.index)


def clean_postcode(text: str) -> str:
    if not POSTCODE.match(text):
        raise ValueError(N_("Code postal invalide (5 chiffres)."))
    return text


def clean_opening_hours(text: str) -> str:
    """Hours in OpenStreetMap syntax, as its parser writes them back."""
    try:
        return str(opening_hours.OpeningHours(text).normalize())
    except (opening_hours.ParserError, SyntaxError, ValueError):
        raise ValueError(N_(
            "Horaires illisibles : écrivez-les comme OpenStreetMap, par exemple "
            "« Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00 »." )) from None


def clean_url(text: str) -> str:
    check_web_url(text)
    return text


TEXT_RULES = {
    "street_address": lambda text: text, "postcode": clean_postcode, "phone": normalise_phone,
    "opening_hours": clean_opening_hours, "booking_url": clean_url,
    "accessibility_url": clean_url,
}
