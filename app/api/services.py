"""What the API reads: collections with paging, counts, communes."""

from collections.abc import Iterator
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from sqlalchemy.sql import Select
from werkzeug.datastructures import MultiDict

from app.api.errors import ApiError
from app.api.params import encode_cursor, parse_cursor, parse_limit, parse_since
from app.extensions import db
from app.filters import Filters, parse_filters
from app.geo.gazetteer import GazetteerMissing
from app.geo.spatial import count_per_theme, links_of, near_distance, select_initiatives
from app.geo.territory import current_gazetteer
from app.initiatives import fingerprints, geojson, stored_features
from app.initiatives.taxonomy import all_themes
from app.models import Initiative


class PageChanged(ApiError):
    """The rows of a page changed between its ETag and its body: that body is never sent."""

    def __init__(self):
        super().__init__(503, "changed_while_read",
                         "The initiatives changed while this page was read; ask again.")


@dataclass
class PageQuery:
    """A parsed collection request: one more row than the page, to know if another follows.

    With `near`, the rows are in distance order, paged by offset, and `distance` is the
    column giving each one's `distance_m`.
    """

    statement: Select
    limit: int
    distance: sa.ColumnElement | None = None
    skip: int = 0


def page_query(args: MultiDict) -> PageQuery:
    """Read filters, updated_since, limit and cursor; raise FilterError or ApiError."""
    limit, filters = parse_limit(args), parse_filters(args)
    if filters.near:
        skip = parse_cursor(args, "skip")
        page = matching_statement(args, filters).offset(skip).limit(limit + 1)
        return PageQuery(page, limit, near_distance(filters), skip)
    after_id = parse_cursor(args)
    page = matching_statement(args, filters).where(Initiative.id > after_id).limit(limit + 1)
    return PageQuery(page, limit)


def matching_statement(args: MultiDict, filters: Filters | None = None) -> Select:
    """The public initiatives matching the shared filters and updated_since."""
    filters = filters or parse_filters(args)
    geojson.check_themes(filters)
    stmt = select_initiatives(filters)
    since = parse_since(args)
    if since is not None:
        # As a subquery, so SQLite reads the few recent ids from ix_initiatives_updated_at
        # instead of walking every row in id order (ORDER BY id LIMIT) to test its date.
        recent = sa.select(Initiative.id).where(Initiative.updated_at >= since)
        stmt = stmt.where(Initiative.id.in_(recent))
    return stmt


def collection_page(query: PageQuery) -> tuple[list[bytes], str | None]:
    """The stored features of the page and the cursor of the next one (None on the last page).

    The features' `url` members are relative: stored_features.with_site makes them absolute.
    """
    ids_and_features = stored_features.features_of(query.statement)
    next_cursor = None
    if len(ids_and_features) > query.limit:
        ids_and_features = ids_and_features[: query.limit]
        next_cursor = (encode_cursor(query.skip + query.limit, "skip") if query.distance is not None
                       else encode_cursor(ids_and_features[-1][0]))
    if query.distance is not None:
        return with_distances(query, ids_and_features), next_cursor
    return [feature for _, feature in ids_and_features], next_cursor


def with_distances(query: PageQuery, ids_and_features: list[tuple[int, bytes]]) -> list[bytes]:
    """The features with `distance_m` (whole metres, from the database) in their properties."""
    distances = dict(db.session.execute(
        query.statement.with_only_columns(Initiative.id, query.distance)).all())
    features = []
    for initiative_id, feature in ids_and_features:
        parsed = orjson.loads(feature)
        parsed["properties"]["distance_m"] = round(distances[initiative_id])
        features.append(orjson.dumps(parsed))
    return features


def check_unchanged(query: PageQuery, salt: str, etag: str) -> None:
    """Raise PageChanged unless the page's rows still have this ETag.

    Called once the body's rows are read (or their cursor open): the fingerprint is taken
    after them, so an equal one means no commit came between the ETag and the body, on
    PostgreSQL too, where the fingerprint runs outside the request's transaction.
    """
    if fingerprints.fingerprint(query.statement, salt).etag != etag:
        raise PageChanged()


def page_bounds(query: PageQuery, count: int) -> tuple[int, str | None]:
    """How many features a page holds and the cursor of the next one, from its row count."""
    if count <= query.limit:
        return count, None
    last = db.session.scalar(
        query.statement.with_only_columns(Initiative.id).limit(1).offset(query.limit - 1))
    return query.limit, encode_cursor(last)


def page_batches(query: PageQuery) -> Iterator[list[bytes]]:
    """The stored features of the page (`url` relative), a batch at a time."""
    return stored_features.feature_batches(query.statement.limit(query.limit))


def themes_list() -> list[dict]:
    """Every theme, in the tree's order: each top category followed by its children."""
    return [
        {"slug": t.slug, "label_fr": t.label_fr, "label_en": t.label_en, "colour": t.colour,
         "icon": t.icon, "position": t.position,
         "parent": t.parent.slug if t.parent else None, "data_inclusion": t.data_inclusion}
        for t in all_themes()
    ]


def counts(matching: Select) -> dict:
    """How many matching initiatives, in total and per theme, kind and département."""
    inner = matching.order_by(None).with_only_columns(
        Initiative.id, Initiative.kind, Initiative.departement).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(inner))
    return {
        "total": total,
        "themes": count_per_theme(links_of(matching)),
        "kinds": grouped(inner.c.kind, inner),
        "departements": grouped(inner.c.departement, inner),
    }


def grouped(column: sa.ColumnElement, inner: sa.Subquery) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(column, sa.func.count()).select_from(inner).where(column.is_not(None))
        .group_by(column).order_by(column)
    ).all()
    return {key: count for key, count in rows}


def communes(q: str, limit: int) -> list[dict]:
    """Communes for an autocomplete, best matches first."""
    try:
        found = current_gazetteer().search(q, limit)
    except GazetteerMissing:
        raise ApiError(503, "gazetteer_unavailable",
                       "The communes gazetteer has not been built on this server.") from None
    return [
        {"insee": c.insee, "name": c.name, "postcodes": list(c.postcodes),
         "departement": c.departement, "departement_name": c.departement_name,
         "region": c.region, "region_name": c.region_name, "epci": c.epci,
         "population": c.population, "lon": c.lon, "lat": c.lat}
        for c in found
    ]

