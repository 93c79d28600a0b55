"""Read-only queries behind the public pages: counts, the paginated list, one initiative."""

import dataclasses
import functools
import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g

from app.caching.bounded import app_cache
from app.extensions import db
from app.filters import Filters
from app.geo.spatial import count_per_theme, near_distance, select_initiatives
from app.initiatives.fingerprints import fingerprint
from app.models import Initiative

PER_PAGE = 20
# The facet counts of the last filter combinations asked, by worker (a few KB each).
FACETS_KEPT = 256
# Where a request keeps the facets it counted: the list's page reuses their total.
REQUEST_FACETS = "maillage_facets"
SORTS = ("name", "commune", "updated")  # and "distance", with `near` only
# Accented capitals that begin French commune names ("Écully", "Île-d'Houat", "Œting"):
# replaced before sorting, as SQLite compares bytes and would put them after Z. The
# database applies them in the generated column commune_sort (its migration copies them).
ACCENTED_CAPITALS = (("É", "E"), ("È", "E"), ("Ê", "E"), ("Î", "I"), ("Ô", "O"), ("Œ", "OE"),
                     ("Â", "A"))


@dataclass(frozen=True)
class Facets:
    """How many initiatives match, and how many per theme and per kind.

    Each dimension is counted without its own filter, so a count tells what ticking that
    box would add: the usual way of faceted search.
    """

    total: int
    themes: dict[str, int]
    kinds: dict[str, int]


@dataclass(frozen=True)
class ResultPage:
    items: list[Initiative]
    total: int
    page: int
    per_page: int
    distances: dict[int, float] = field(default_factory=dict)  # metres, with `near`

    @functools.cached_property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def links(self) -> list[int | None]:
        """The page numbers the pagination shows: the first, the last and two either side of
        this one; None where numbers are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - 2),
                                             min(self.pages, self.page + 2) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def count_matching(filters: Filters) -> int:
    """How many initiatives match the filters."""
    return db.session.scalar(
        select_initiatives(filters).with_only_columns(sa.func.count())
        .select_from(Initiative).order_by(None))


def facet_counts(filters: Filters) -> Facets:
    """The total and the per-theme and per-kind counts for these filters, kept per worker.

    They are counted again only when the rows they count from change: those matching the
    filters but their themes and kinds, fingerprinted in one aggregate query (an index
    scan). Counting takes 150 ms at 100,000 initiatives on SQLite; the check, about 20.
    """
    widest = dataclasses.replace(filters, themes=(), kinds=())
    # Without ORDER BY id: over both public statuses SQLite read the table in id order
    # (120 ms at 100,000) instead of summing the covering index.
    key = (fingerprint(select_initiatives(widest).order_by(None)).etag, repr(filters))
    facets = app_cache("facets", FACETS_KEPT).get_or_build(key, lambda: count_facets(filters))
    g.setdefault(REQUEST_FACETS, {})[repr(filters)] = (key, facets)
    return facets


def counted_key(filters: Filters) -> tuple | None:
    """The key of the facets this request counted for these filters: the fingerprint of
    their rows and of the taxonomy. None when none were counted."""
    counted = g.get(REQUEST_FACETS, {}).get(repr(filters))
    return None if counted is None else counted[0]


def counts_per_area(column: sa.ColumnElement, filters: Filters) -> dict[str, int]:
    """count_by for a territory page, kept with the facets this request counted: the same
    fingerprint tells when the rows changed (at 100,000 on PostgreSQL, 10 ms saved)."""
    key = counted_key(filters)
    if key is None:
        return count_by(column, filters)
    return app_cache("area_counts", FACETS_KEPT).get_or_build(
        (*key, column.key), lambda: count_by(column, filters))


def count_facets(filters: Filters) -> Facets:
    """Grouped queries on the filtered initiatives themselves (no IN over their ids): at
    100,000 initiatives they read the covering indexes and initiative_themes' primary key."""
    return Facets(
        total=count_matching(filters),
        themes=count_per_theme(select_initiatives(dataclasses.replace(filters, themes=()))),
        kinds=count_by(Initiative.kind, dataclasses.replace(filters, kinds=())),
    )


def count_by(column: sa.ColumnElement, filters: Filters) -> dict[str, int]:
    """The number of matching initiatives per value of a column (kind, département, commune)."""
    rows = db.session.execute(
        select_initiatives(filters)
        .with_only_columns(column, sa.func.count())
        .where(column.is_not(None))
        .group_by(column)
        .order_by(None)
    )
    return dict(rows.all())


# Generated columns the migrations keep (2026_12_04 list_sort_keys), unmapped like geom:
# the first characters of search_text, and the commune's sortable name ("1" when none).
SORT_NAME = sa.literal_column("initiatives.sort_name", sa.Text)
COMMUNE_SORT = sa.literal_column("initiatives.commune_sort", sa.Text)


@dataclass(frozen=True)
class ListSort:
    """A list order: short indexed keys walked first, then the exact order of tied keys.

    `keys` are a prefix of the true order (search_text starts with sort_name), so rows
    with different keys are in key order and only rows with equal keys need `exact`.
    """

    keys: tuple[sa.ColumnElement, ...]
    exact: tuple[sa.ColumnElement, ...] = ()
    descending: bool = False

    def key_order(self) -> list[sa.ColumnElement]:
        columns = (*self.keys, Initiative.id)
        return [column.desc() for column in columns] if self.descending else list(columns)


LIST_SORTS = {
    # search_text starts with the folded name: it sorts "Écoles" with the E, not after Z,
    # and ignores leading quotes, on SQLite and PostgreSQL alike.
    "name": ListSort(keys=(SORT_NAME,), exact=(Initiative.search_text, Initiative.id)),
    "commune": ListSort(keys=(COMMUNE_SORT, SORT_NAME),
                        exact=(Initiative.search_text, Initiative.id)),
    "updated": ListSort(keys=(Initiative.updated_at,), descending=True),
}


def result_page(filters: Filters, sort: str, page: int) -> ResultPage:
    """One page of the matching initiatives, in the chosen order."""
    counted = g.get(REQUEST_FACETS, {}).get(repr(filters))
    total = counted[1].total if counted is not None else count_matching(filters)
    last_page = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), last_page)
    offset = (page - 1) * PER_PAGE
    if sort == "distance" and filters.near:
        ids = list(db.session.scalars(select_initiatives(filters).with_only_columns(
            Initiative.id).limit(PER_PAGE).offset(offset)))
    else:
        ids = page_ids(filters, LIST_SORTS[sort], offset)
    return ResultPage(initiatives_by_id(ids), total, page, PER_PAGE, distances_of(filters, ids))


def distances_of(filters: Filters, ids: list[int]) -> dict[int, float]:
    """How far each of these initiatives is from the `near` point, in metres."""
    if not filters.near or not ids:
        return {}
    return dict(db.session.execute(sa.select(Initiative.id, near_distance(filters))
                                   .where(Initiative.id.in_(ids))).all())


def page_ids(filters: Filters, sort: ListSort, offset: int) -> list[int]:
    """The ids of a page: its edges found in the narrow key index, then the exact order.

    Walking (keys, id) to the offset reads an index only. The true order differs only
    inside groups of equal keys, so the page is the rows from its first key to its last
    one in the exact order, after those of the first key that come before it.
    """
    matching = select_initiatives(filters).order_by(None)
    edges = db.session.execute(
        matching.with_only_columns(*sort.keys, Initiative.id)
        .order_by(*sort.key_order()).limit(PER_PAGE).offset(offset)).all()
    if not sort.exact or not edges:
        return [row[-1] for row in edges]
    first, last = tuple(edges[0][:-1]), tuple(edges[-1][:-1])
    keys = sa.tuple_(*sort.keys)
    before = db.session.scalar(
        matching.with_only_columns(sa.func.count())
        .where(*(key == value for key, value in zip(sort.keys, first, strict=True)),
               Initiative.id < edges[0][-1]))
    return list(db.session.scalars(
        matching.with_only_columns(Initiative.id)
        .where(sort.keys[0].between(first[0], last[0]),
               keys >= sa.tuple_(*first), keys <= sa.tuple_(*last))
        .order_by(*sort.keys, *sort.exact).limit(PER_PAGE).offset(before)))


def initiatives_by_id(ids: list[int]) -> list[Initiative]:
    """The initiatives with these ids, in the same order."""
    found = {initiative.id: initiative for initiative in db.session.scalars(
        sa.select(Initiative).where(Initiative.id.in_(ids)))}
    return [found[initiative_id] for initiative_id in ids if initiative_id in found]


def public_initiative(initiative_id: int) -> Initiative | None:
    """The initiative if the public may read it (published or archived), else None."""
    initiative = db.session.get(Initiative, initiative_id)
    return initiative if initiative is not None and initiative.is_public else None
