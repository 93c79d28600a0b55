"""Read-only queries behind the public pages: counts, the paginated list, one initiative."""

import dataclasses
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g

from app.caching.shared_values import shared_value
from app.extensions import db
from app.filters import Filters
from app.geo.spatial import count_per_theme, near_distance, select_initiatives, theme_links
from app.initiatives.fingerprints import fingerprint
from app.models import Initiative
from app.web import keyset

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


def count_matching(filters: Filters) -> int:
    """How many initiatives match the filters."""
    return db.session.scalar(
        select_initiatives(filters).with_only_columns(sa.func.count())
        .select_from(Initiative).order_by(None))


def facet_counts(filters: Filters) -> Facets:
    """The total and the per-theme and per-kind counts for these filters, kept per worker
    and in the page files the workers share (app.caching.shared_values).

    They are counted again only when the data version changes (their fingerprint, one read
    of a few rows whatever the collection's size). At 1,000,000 on PostgreSQL counting takes
    about a second: one worker counts, the others read its counts.
    """
    widest = dataclasses.replace(filters, themes=(), kinds=())
    key = (fingerprint(select_initiatives(widest).order_by(None)).etag, repr(filters))
    facets = shared_value("facets", key, lambda: count_facets(filters),
                          FACETS_KEPT, dataclasses.asdict, lambda data: Facets(**data))
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
    return shared_value("area_counts", (*key, column.key),
                        lambda: count_by(column, filters), FACETS_KEPT)


def count_facets(filters: Filters) -> Facets:
    """Grouped queries on the filtered initiatives' rows (no IN over their ids where the
    filters are the status alone): they read the covering indexes and initiative_themes."""
    kinds = count_by(Initiative.kind, dataclasses.replace(filters, kinds=()))
    return Facets(
        # Every initiative has a kind: without a kind ticked, the total is their sum.
        total=count_matching(filters) if filters.kinds else sum(kinds.values()),
        themes=count_per_theme(theme_links(dataclasses.replace(filters, themes=()))),
        kinds=kinds,
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


# The list's orders: short keys the database indexes (with the status and the kind, so the
# default view and the kind filter walk the index alone), then the id, unique. sort_name is
# the first 64 characters of search_text, which starts with the folded name: "Écoles" sorts
# with the E, leading quotes are ignored, on SQLite and PostgreSQL alike; entries whose
# first 64 characters are the same follow one another by id.
LIST_ORDERS = {
    "name": keyset.Order("name", (SORT_NAME, Initiative.id), (keyset.text_key, keyset.int_key)),
    "commune": keyset.Order("commune", (COMMUNE_SORT, SORT_NAME, Initiative.id),
                            (keyset.text_key, keyset.text_key, keyset.int_key)),
    "updated": keyset.Order("updated", (Initiative.updated_at, Initiative.id),
                            (keyset.time_key, keyset.int_key), descending=True),
}


def cursor_parsers(sort: str) -> tuple:
    """What reads the keys of this sort's cursors (none by distance: its pages go by rank)."""
    order = LIST_ORDERS.get(sort)
    return order.parsers if order else ()


def result_page(filters: Filters, sort: str, cursor: keyset.Cursor | None = None
                ) -> keyset.Page:
    """The page of the matching initiatives a cursor leads to, in the chosen order."""
    counted = g.get(REQUEST_FACETS, {}).get(repr(filters))
    total = counted[1].total if counted is not None else count_matching(filters)
    if sort == "distance" and filters.near:
        return distance_page(filters, cursor, total)
    order = LIST_ORDERS[sort]
    found = keyset.window(select_initiatives(filters), order, cursor, PER_PAGE, total)
    ids = [keys[-1] for keys in found.keys]
    return keyset.paged(initiatives_by_id(ids), total, PER_PAGE, order, found,
                        distances=distances_of(filters, ids))


def distance_page(filters: Filters, cursor: keyset.Cursor | None, total: int) -> keyset.Page:
    """A page around a point, by rank: a `near` search is bounded by its radius, so an
    offset stays cheap there."""
    if cursor is None:
        rank = 1
    elif cursor.direction == keyset.LAST:
        rank = max(1, total - (total - 1) % PER_PAGE)
    else:
        rank = min(cursor.rank, max(1, total))
    ids = list(db.session.scalars(select_initiatives(filters).with_only_columns(
        Initiative.id).limit(PER_PAGE).offset(rank - 1)))

    def token(direction: str, at: int) -> str:
        return keyset.Cursor("distance", direction, at).encode()

    more = rank - 1 + len(ids) < total
    return keyset.Page(initiatives_by_id(ids), total, PER_PAGE, rank,
                       previous=token(keyset.BEFORE, max(1, rank - PER_PAGE)) if rank > 1
                       else None,
                       next=token(keyset.AFTER, rank + PER_PAGE) if more else None,
                       last=token(keyset.LAST, 1) if more else None,
                       distances=distances_of(filters, ids))


def distances_of(filters: Filters, ids: list[int]) -> dict[int, float]:
    """How far each of these initiatives is from the `near` point, in metres."""
    if not filters.near or not ids:
        return {}
    return dict(db.session.execute(sa.select(Initiative.id, near_distance(filters))
                                   .where(Initiative.id.in_(ids))).all())


def initiatives_by_id(ids: list[int]) -> list[Initiative]:
    """The initiatives with these ids, in the same order."""
    found = {initiative.id: initiative for initiative in db.session.scalars(
        sa.select(Initiative).where(Initiative.id.in_(ids)))}
    return [found[initiative_id] for initiative_id in ids if initiative_id in found]


def public_initiative(initiative_id: int) -> Initiative | None:
    """The initiative if the public may read it (published or archived), else None."""
    initiative = db.session.get(Initiative, initiative_id)
    return initiative if initiative is not None and initiative.is_public else None
