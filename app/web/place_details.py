"""A place's practical details on pages and forms: vocabulary labels, phone, hours in words."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import opening_hours
from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.initiatives.phones import display_phone
from app.initiatives.place_vocabulary import VOCABULARIES, term

PARIS = ZoneInfo("Europe/Paris")
VOCABULARY_FIELDS = tuple(VOCABULARIES)
PLACE_TERM_HEADINGS = {
    "services": _l("Services"), "publics": _l("Publics"), "fees": _l("Frais"),
    "access_modes": _l("Accès"), "support_modes": _l("Accompagnement"),
}


def vocabulary_choices(field: str) -> list[tuple[str, object]]:
    """(code, translated label) of a vocabulary, in its order, for a form's checkboxes."""
    return [(item.code, _l(item.label)) for item in VOCABULARIES[field]]


def vocabulary_labels(field: str, codes: list[str] | None) -> list[str]:
    """The translated labels of the codes (an unknown code shown as it is)."""
    return [_(found.label) if (found := term(field, code)) else code for code in codes or ()]


def phone_link(e164: str | None) -> Markup:
    """The number as a tel: link, written the French way; empty without a number."""
    if not e164:
        return Markup("")
    return Markup('<a href="tel:{}" class="phone">{}</a>').format(e164, display_phone(e164))


def week_hours(expression: str | None, now: datetime | None = None) -> list[tuple[str, str]]:
    """(day name, "09:00–12:00, 14:00–18:30" or "fermé") for the seven days from today,
    computed by the OpenStreetMap parser in Paris time (holidays, weeks and months count)."""
    if not expression:
        return []
    now = (now or datetime.now(PARIS)).astimezone(PARIS).replace(tzinfo=None)
    parsed = opening_hours.OpeningHours(expression, timezone=PARIS, country="FR")
    days = get_day_names("wide", locale=str(get_locale() or "fr"))
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        spans = [f"{hhmm(begin, day)}–{hhmm(end, day)}"
                 for begin, end, state in day_intervals(parsed, day)
                 if state == opening_hours.State.OPEN]
        rows.append((days[day.weekday()].capitalize(), ", ".join(spans) or _("fermé")))
    return rows


def day_intervals(parsed, day: datetime):
    """The day's (start, end, state) intervals, as naive Paris times."""
    end = day + timedelta(days=1)
    for begin, finish, state, _comment in parsed.intervals(day.replace(tzinfo=PARIS),
                                                           end.replace(tzinfo=PARIS)):
        yield begin.replace(tzinfo=None), min((finish or end).replace(tzinfo=None), end), state


def hhmm(moment: datetime, day: datetime) -> str:
    """A time of the day, the next midnight ending it written 24:00."""
    return "24:00" if moment.date() > day.date() else moment.strftime("%H:%M")


def open_now(expression: str | None, now: datetime | None = None) -> bool | None:
    """Whether the place is open at this moment in Paris; None when unknown."""
    if not expression:
        return None
    parsed = opening_hours.OpeningHours(expression, timezone=PARIS, country="FR")
    moment = (now or datetime.now(PARIS)).astimezone(PARIS)
    state = parsed.state(moment)[0]
    if state == opening_hours.State.UNKNOWN:
        return None
    return state == opening_hours.State.OPEN


def address_line(initiative) -> str:
    """12 rue X, 71250 Cluny: the street, then the postcode and commune, when given."""
    if not (initiative.street_address or initiative.postcode):
        return ""
    town = " ".join(part for part in (initiative.postcode, initiative.commune_name) if part)
    return ", ".join(part for part in (initiative.street_address, town) if part)


def place_view(initiative) -> dict:
    """What a page shows of an initiative's details: only those it has; {} without any."""
    view = {
        "address": address_line(initiative),
        "phone": initiative.phone, "emails": initiative.emails or [],
        "hours": week_hours(initiative.opening_hours),
        "open_now": open_now(initiative.opening_hours),
        "opening_hours": initiative.opening_hours,
        "booking_url": initiative.booking_url, "accessibility_url": initiative.accessibility_url,
        "terms": [(field, vocabulary_labels(field, getattr(initiative, field)))
                  for field in VOCABULARY_FIELDS if getattr(initiative, field)],
    }
    return view if any(value for key, value in view.items() if key != "open_now") else {}


def hours_state_key(expression: str | None) -> tuple:
    """What the hours make a page show now: the day and whether it is open (a cache key)."""
    if not expression:
        return ()
    return datetime.now(PARIS).date().isoformat(), open_now(expression)


SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def opening_specifications(expression: str | None, now: datetime | None = None) -> list[dict]:
    """The coming week's hours as schema.org OpeningHoursSpecification (valid on a Place)."""
    if not expression:
        return []
    parsed = opening_hours.OpeningHours(expression, timezone=PARIS, country="FR")
    start = (now or datetime.now(PARIS)).astimezone(PARIS).replace(
        tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    specifications = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        specifications.extend(
            {"@type": "OpeningHoursSpecification",
             "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[day.weekday()]}",
             "opens": hhmm(begin, day), "closes": "23:59" if end.date() > day.date()
             else hhmm(end, day)}
            for begin, end, state in day_intervals(parsed, day)
            if state == opening_hours.State.OPEN)
    return specifications
