"""Printed directories: the entries of a territory or a list, numbered by category, with
their overview map and QR codes, ready for the PDF template."""

import re
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
from app.models import Initiative, Theme
from app.text import fold
from app.web.pdf import qr_data_uri
from app.web.urls import absolute_url

DEFAULT_MAX_ENTRIES = 1000
# A phone number as people type it: "03 85 59 12 34", "+33 3.85.59.12.34", "(0)3 85 …".
PHONE = re.compile(r"\+?[0-9][0-9 .()/-]{7,18}[0-9]")
PHONE_DIGITS = range(9, 14)


@dataclass(frozen=True)
class Entry:
    """One numbered initiative of a directory, with what its block prints."""

    number: int
    initiative: Initiative
    url: str  # its page's absolute URL, which the QR code encodes
    qr: str  # data: URI
    phone: str | None
    hours: str | None


@dataclass(frozen=True)
class Section:
    """The entries of one top category (or of none)."""

    label: str
    colour: str
    entries: list[Entry]


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
                 getattr(initiative, "opening_hours", None) or None)


def phone_of(initiative: Initiative) -> str | None:
    """The entry's phone: its own field once it has one, else a public contact that is a
    phone number (not an e-mail or a web address)."""
    # `phone` and `opening_hours` come with the national schemas' fields (issue 17).
    own = getattr(initiative, "phone", None)
    if own:
        return own
    contact = (initiative.public_contact or "").strip()
    found = PHONE.fullmatch(contact)
    if found and len(re.sub(r"\D", "", contact)) in PHONE_DIGITS:
        return contact
    return None


def tel_uri(phone: str) -> str:
    """A tel: link of a French number as typed ("03 85 59 12 34" → "tel:+33385591234")."""
    digits = re.sub(r"[^0-9+]", "", phone.replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+33" + digits[1:]
    return "tel:" + digits


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

