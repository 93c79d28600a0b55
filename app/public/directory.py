"""Printed directories: the entries of a territory or a list, numbered by category, with
their overview map and QR codes, ready for the PDF template."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from app.extensions import db
from app.filters import Filters
from app.geo.overview_map import MapPoint, overview_svg
from app.geo.spatial import select_initiatives
from app.initiatives.licence import DATA_LICENCE
from app.initiatives.phones import normalise_phone
from app.models import Initiative, Theme
from app.text import fold
from app.web.pdf import qr_data_uri
from app.web.place_details import address_line, week_hours
from app.web.urls import absolute_url

DEFAULT_MAX_ENTRIES = 1000


@dataclass(frozen=True)
class Entry:
    """One numbered initiative of a directory, with what its block prints."""

    number: int
    initiative: Initiative
    url: str  # its page's absolute URL, which the QR code encodes
    qr: str  # data: URI
    phone: str | None  # E.164
    address: str  # street, postcode and commune; "" when it has no street nor postcode
    hours: list[tuple[str, str]]  # (days, opening times) over the seven days from printing


@dataclass(frozen=True)
class Section:
    """The entries of one top category (or of none)."""

    label: str
    colour: str
    entries: list[Entry]
    continued: bool = False  # the rest of a category whose first entries end a part


@dataclass(frozen=True)
class Layout:
    """How a directory is printed: large print (?gros=1), easy reading (?facile=1)."""

    large: bool = False
    easy: bool = False


@dataclass
class Directory:
    """A directory ready to print."""

    title: str
    sections: list[Section]
    map_svg: str
    layout: Layout
    online_url: str  # the same entries on the site
    propose_url: str
    made_on: date = field(default_factory=date.today)
    licence: dict = field(default_factory=lambda: DATA_LICENCE)

    @property
    def count(self) -> int:
        return sum(len(section.entries) for section in self.sections)


def max_entries() -> int:
    """The largest directory printed (PDF_MAX_ENTRIES): beyond, the visitor narrows."""
    return int(current_app.config.get("PDF_MAX_ENTRIES") or DEFAULT_MAX_ENTRIES)


def directory_entries(filters: Filters) -> list[Initiative]:
    """The initiatives matching the filters (their themes loaded with them)."""
    return list(db.session.scalars(select_initiatives(filters)))


def sections_of(initiatives: list[Initiative]) -> list[Section]:
    """Entries grouped by the top category of their first theme, in the tree's order, by
    name inside each, numbered from 1 through the whole directory."""
    groups: dict[Theme | None, list[Initiative]] = {}
    for initiative in initiatives:
        top = initiative.themes[0].top if initiative.themes else None
        groups.setdefault(top, []).append(initiative)
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None,
                                                       item[0].position if item[0] else 0))
    sections, number = [], 0
    locale = str(get_locale())
    for top, members in ordered:
        entries = []
        for initiative in sorted(members, key=lambda i: (fold(i.name), i.id)):
            number += 1
            entries.append(entry(number, initiative))
        label = top.label(locale) if top else _("Autres initiatives")
        sections.append(Section(label, top.colour if top else "#555555", entries))
    return sections


def entry(number: int, initiative: Initiative) -> Entry:
    """An entry and its QR code, of its page's address without the slug (which redirects to
    the canonical one): a shorter address is a smaller code, read more easily from paper."""
    url = absolute_url("public.initiative", initiative_id=initiative.id)
    return Entry(number, initiative, url, qr_data_uri(url), phone_of(initiative),
                 address_line(initiative), day_runs(week_hours(initiative.opening_hours)))


def day_runs(days: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive days with the same hours as one row ("Lundi – Vendredi"): fewer lines to
    read, and to lay out (each line costs the PDF engine as much as a field)."""
    runs: list[tuple[str, str, str]] = []  # first day, last day, hours
    for day, spans in days:
        if runs and runs[-1][2] == spans:
            runs[-1] = (runs[-1][0], day, spans)
        else:
            runs.append((day, day, spans))
    return [(first if first == last else f"{first} – {last}", spans)
            for first, last, spans in runs]


def phone_of(initiative: Initiative) -> str | None:
    """The entry's phone in E.164: its own, else a public contact that is a phone number
    (entries from before the phone field put it there)."""
    if initiative.phone:
        return initiative.phone
    try:
        return normalise_phone(initiative.public_contact or "")
    except ValueError:  # an e-mail, a web address, a name, nothing
        return None


def entry_points(sections: list[Section]) -> list[MapPoint]:
    """The map's numbered points (entries without a point are listed, not drawn)."""
    return [MapPoint(e.number, e.initiative.lon, e.initiative.lat)
            for section in sections for e in section.entries
            if e.initiative.lon is not None and e.initiative.lat is not None]


def build_directory(title: str, initiatives: list[Initiative], area, neighbours: list,
                    layout: Layout, online_url: str) -> Directory:
    """Number the entries by category and draw them over the territory's outlines."""
    sections = sections_of(initiatives)
    svg = overview_svg(area, neighbours, entry_points(sections),
                       _("Carte des initiatives : %(title)s", title=title))
    return Directory(title, sections, svg, layout, online_url,
                     absolute_url("contribute.new"))

