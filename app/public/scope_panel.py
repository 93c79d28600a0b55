"""The entries that cover a whole territory, beside the map and on the list and territory
pages: those whose territory meets the area shown (issue 15.3).

They have no point, so the map cannot show them and a box or a distance finds none. A page
lists the ones whose territory meets its own: all of France always; a région, a département
or an EPCI when it holds, contains or overlaps the commune, EPCI, département or région the
filters name, or when its outline's box meets the map's view.
"""

from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from app.extensions import db
from app.filters import Filters
from app.geo.gazetteer import Gazetteer, GazetteerMissing
from app.geo.scope_places import territory_box, territory_label
from app.geo.spatial import select_initiatives
from app.geo.territory import current_gazetteer
from app.models import Initiative
from app.models.scope import territory_code
from app.web.urls import page_url

# Widest first: what covers all of France, then a région, a département, an EPCI.
SCOPE_ORDER = ("national", "regional", "departemental", "intercommunal")
# A page lists this many at most, the widest first (there are a few dozen in all today).
MAX_ENTRIES = 300
WIDE = sa.alias(Initiative.__table__, "wide")  # not correlated with the outer initiatives


@dataclass(frozen=True)
class Area:
    """Where a page looks: the territory codes its filters name, and the map's view."""

    regions: frozenset = frozenset()
    departements: frozenset = frozenset()
    epcis: frozenset = frozenset()
    box: tuple[float, float, float, float] | None = None
    named: bool = False  # a territory filter narrows it (else all of France, or the view)


@dataclass(frozen=True)
class Entry:
    """One whole-territory entry as a page lists it."""

    id: int
    name: str
    summary: str
    scope: str
    territory: str
    url: str


@dataclass
class Section:
    scope: str
    entries: list[Entry] = field(default_factory=list)


def area_of(filters: Filters) -> Area:
    """The area of the filters' territory (the most precise one named) and their box."""
    try:
        gazetteer = current_gazetteer()
    except GazetteerMissing:
        return Area(box=filters.bbox)
    if filters.near and not filters.commune and (found := gazetteer.locate(*filters.near)):
        filters = replace(filters, commune=found.insee)  # near a point: its commune's
    codes = named_codes(gazetteer, filters)
    return Area(box=filters.bbox, named=codes is not None, **(codes or {}))


def named_codes(gazetteer: Gazetteer, filters: Filters) -> dict | None:
    """The régions, départements and EPCIs of the territory the filters name, or None."""
    if filters.commune and (commune := gazetteer.get(filters.commune)):
        return {"regions": frozenset({commune.region}),
                "departements": frozenset({commune.departement}),
                "epcis": frozenset({commune.epci} - {None})}
    if filters.epci and (epci := gazetteer.epci(filters.epci)):
        departements = frozenset(epci["departements"])
        return {"regions": regions_of(gazetteer, departements), "departements": departements,
                "epcis": frozenset({epci["code"]})}
    if filters.departement and (found := gazetteer.departement(filters.departement)):
        return {"regions": frozenset({found["region"]}),
                "departements": frozenset({found["code"]})}
    if filters.region and gazetteer.region(filters.region):
        return {"regions": frozenset({filters.region}), "departements": frozenset(
            d["code"] for d in gazetteer.departements() if d["region"] == filters.region)}
    return None


def regions_of(gazetteer: Gazetteer, departements) -> frozenset:
    return frozenset(d["region"] for d in gazetteer.departements() if d["code"] in departements)


def meets(row, area: Area, gazetteer: Gazetteer | None) -> bool:
    """Tell whether a whole-territory entry's territory meets the area."""
    if row.scope == "national":
        return True
    if area.box is not None and not boxes_meet(territory_box(row.scope, territory_code(row)),
                                               area.box):
        return False
    if not area.named:
        return True
    if row.scope == "regional":
        return row.region in area.regions
    if row.scope == "departemental":
        return row.departement in area.departements
    if row.epci in area.epcis:
        return True
    # An EPCI and a département or région: they meet where its communes are.
    found = gazetteer.epci(row.epci) if gazetteer and not area.epcis else None
    return bool(found and set(found["departements"]) & area.departements)


def boxes_meet(one: tuple | None, other: tuple) -> bool:
    """Tell whether two (minlon, minlat, maxlon, maxlat) boxes overlap; unknown: yes."""
    if one is None:
        return True
    return one[0] <= other[2] and other[0] <= one[2] and one[1] <= other[3] and \
        other[1] <= one[3]


def whole_territory_rows(filters: Filters) -> list:
    """The public whole-territory entries matching the filters but the place ones."""
    return db.session.execute(whole_territory_statement(filters)).all()


def whole_territory_statement(filters: Filters) -> sa.Select:
    """The statement of whole_territory_rows, widest scope first."""
    unplaced = replace(filters, commune=None, epci=None, departement=None, region=None,
                       bbox=None, near=None)
    # An IN over the wide scopes, not "!= local", which no index serves: the index on scope
    # finds the few dozen without reading every local entry (658 ms → 1 ms on each home page
    # at 1,000,000 initiatives on PostgreSQL). Their ids in a subquery: SQLite, which has no
    # statistics of a column's values, would otherwise walk the status index, every public
    # entry (1.5 to 4.5 s at 100,000).
    wide = sa.select(WIDE.c.id).where(WIDE.c.scope.in_(SCOPE_ORDER))
    stmt = select_initiatives(unplaced).where(Initiative.id.in_(wide)).with_only_columns(
        Initiative.id, Initiative.name, Initiative.summary, Initiative.scope,
        Initiative.epci, Initiative.departement, Initiative.region,
    ).order_by(None).order_by(sa.case({s: i for i, s in enumerate(SCOPE_ORDER)},
                                      value=Initiative.scope), Initiative.name, Initiative.id)
    return stmt.limit(MAX_ENTRIES)


def whole_territory_sections(filters: Filters, *, wider_only: bool = False) -> list[Section]:
    """The whole-territory entries meeting the filters' area, one section per scope, widest
    first. wider_only leaves out those the filters' own territory column finds already
    (the list shows them among its results)."""
    area = area_of(filters)
    try:
        gazetteer = current_gazetteer()
    except GazetteerMissing:
        gazetteer = None
    sections = {scope: Section(scope) for scope in SCOPE_ORDER}
    for row in whole_territory_rows(filters):
        if not meets(row, area, gazetteer) or (wider_only and listed_already(row, filters)):
            continue
        code = territory_code(row) or "FR"
        sections[row.scope].entries.append(Entry(
            row.id, row.name, row.summary or "", row.scope, territory_label(row.scope, code),
            page_url(row)))
    return [section for section in sections.values() if section.entries]


def listed_already(row, filters: Filters) -> bool:
    """Tell whether the filters' territory column finds the row (the list shows it)."""
    return any(value and getattr(row, column) == value for column, value in (
        ("epci", filters.epci), ("departement", filters.departement),
        ("region", filters.region)))


def wider_sections(filters: Filters) -> list[Section]:
    """For a list narrowed to a place: the whole-territory entries that cover it and that its
    results leave out (a région's and France's for a département). Unnarrowed, the list
    holds every entry already, whole territories among them."""
    if not (filters.commune or filters.epci or filters.departement or filters.region
            or filters.bbox or filters.near):
        return []
    return whole_territory_sections(filters, wider_only=True)
