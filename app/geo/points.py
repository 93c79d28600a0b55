"""The map's data in compact form: parallel arrays, a few dozen bytes per initiative.

The home map must show 100,000 initiatives quickly, so it does not load GeoJSON features:
it loads ids, rounded coordinates and the indexes of each one's main top category and kind.
Names and details come from the initiative's own API URL when a popup opens.

The database writes the arrays itself (json_group_array on SQLite, array_to_json on
PostgreSQL) in one query over the covering index ix_initiatives_public_points, each
initiative's main theme read from initiative_themes' primary key: no Python work per
initiative, about three times less CPU than building the lists in Python at 100,000.
"""

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.extensions import db
from app.filters import Filters
from app.geo.spatial import near_distance, select_initiatives
from app.models import KINDS, Initiative, Theme
from app.models.initiative import initiative_themes

# 4 decimals is about 10 m: plenty for a marker on a map of France, and short in JSON.
COORD_DECIMALS = 4
NO_THEME = -1
ARRAYS = ("id", "lon", "lat", "theme", "kind")


def top_categories() -> tuple[list[str], dict[int, int]]:
    """The top categories' slugs in the taxonomy's order, and the rank of every theme's top
    category by theme id: markers wear their top category's colour, so only those travel."""
    rows = db.session.execute(sa.select(Theme.id, Theme.slug, Theme.parent_id)
                              .order_by(Theme.position, Theme.id)).all()
    tops = [(theme_id, slug) for theme_id, slug, parent_id in rows if parent_id is None]
    rank_of_top = {theme_id: rank for rank, (theme_id, _) in enumerate(tops)}
    return [slug for _, slug in tops], {
        theme_id: rank_of_top[parent_id if parent_id is not None else theme_id]
        for theme_id, _, parent_id in rows}


def main_theme_rank(rank_by_id: dict[int, int]) -> sa.ColumnElement[int]:
    """Each initiative's first theme in the taxonomy's order, as its rank (or NO_THEME)."""
    if not rank_by_id:
        return sa.literal(NO_THEME)
    rank = sa.case(rank_by_id, value=initiative_themes.c.theme_id)
    first = (sa.select(sa.func.min(rank))
             .where(initiative_themes.c.initiative_id == Initiative.id)
             .correlate(Initiative).scalar_subquery())
    return sa.func.coalesce(first, NO_THEME)


def rounded(column: sa.ColumnElement[float]) -> sa.ColumnElement:
    if db.engine.dialect.name == "postgresql":
        return sa.func.round(sa.cast(column, sa.Numeric), COORD_DECIMALS)
    return sa.func.round(column, COORD_DECIMALS)


def json_array(column: sa.ColumnElement, order: sa.ColumnElement) -> sa.ColumnElement[str]:
    """The column's values as one JSON array, in the rows' order, written by the database."""
    if db.engine.dialect.name == "postgresql":
        array = sa.func.array_to_json(sa.func.array_agg(aggregate_order_by(column, order)))
        return sa.func.coalesce(sa.cast(array, sa.Text), "[]")  # text: psycopg parses json
    # SQLite aggregates the rows of an ordered subquery in that order.
    return sa.func.json_group_array(column)


def compact_points(filters: Filters) -> bytes:
    """The initiatives matching the filters as parallel arrays (id, lon, lat, theme, kind,
    and distance_m in whole metres with `near`), serialised as JSON."""
    slugs, rank_by_id = top_categories()
    distance = near_distance(filters)
    names = ARRAYS if distance is None else (*ARRAYS, "distance_m")
    extra = [] if distance is None else [sa.cast(sa.func.round(distance), sa.Integer)
                                         .label("distance_m")]
    kind_index = sa.case({kind: index for index, kind in enumerate(KINDS)},
                         value=Initiative.kind)
    rows = select_initiatives(filters).with_only_columns(
        Initiative.id.label("id"),
        rounded(Initiative.lon).label("lon"),
        rounded(Initiative.lat).label("lat"),
        main_theme_rank(rank_by_id).label("theme"),
        kind_index.label("kind"),
        *extra,
    ).where(Initiative.lon.is_not(None)).subquery()  # a whole territory has no marker
    count, *arrays = db.session.execute(sa.select(
        sa.func.count(), *(json_array(rows.c[name], rows.c.id) for name in names))).one()
    parts = [b'{"count":', str(count).encode(),
             b',"themes":', orjson.dumps(slugs),
             b',"kinds":', orjson.dumps(list(KINDS))]
    for name, array in zip(names, arrays, strict=True):
        parts += [b',"', name.encode(), b'":', array.encode()]
    return b"".join(parts) + b"}"
