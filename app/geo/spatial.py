"""Spatial queries, per database dialect: the bounding-box index of each."""

import math

import orjson
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import Select

from app.extensions import db
from app.filters import Filters
from app.geo.distances import EARTH_RADIUS_M, boxes_around
from app.initiatives.freshness import stale_clause
from app.models import Actor, Dossier, DossierEntry, Initiative, InitiativePartner, Theme
from app.models.initiative import STATUSES, initiative_themes

# Maintained by the migrations, invisible to the model: an R*Tree table on SQLite,
# a generated geometry column with a GiST index on PostGIS.
sqlite_rtree = sa.table(
    "initiatives_rtree",
    sa.column("id"),
    sa.column("min_lon"),
    sa.column("max_lon"),
    sa.column("min_lat"),
    sa.column("max_lat"),
)
postgis_geom = sa.literal_column("initiatives.geom")
# The top categories a set of bits holds (a signed 64-bit integer).
MASK_BITS = 63

def bbox_clause(bbox: tuple[float, float, float, float]) -> sa.ColumnElement[bool]:
    """A condition keeping initiatives inside the box, answered by the spatial index."""
    minlon, minlat, maxlon, maxlat = bbox
    # The exact test after the index one: the R*Tree stores 32-bit floats, rounded outwards.
    exact = sa.and_(Initiative.lon.between(minlon, maxlon), Initiative.lat.between(minlat, maxlat))
    if db.engine.dialect.name == "postgresql":
        envelope = sa.func.ST_MakeEnvelope(minlon, minlat, maxlon, maxlat, 4326)
        return sa.and_(postgis_geom.op("&&")(envelope), exact)
    in_box = sa.select(sqlite_rtree.c.id).where(
        sqlite_rtree.c.max_lon >= minlon,
        sqlite_rtree.c.min_lon <= maxlon,
        sqlite_rtree.c.max_lat >= minlat,
        sqlite_rtree.c.min_lat <= maxlat,
    )
    return sa.and_(Initiative.id.in_(in_box), exact)


def in_any_box(boxes: list[tuple[float, float, float, float]], *columns):
    """The given columns of the initiatives inside any of the boxes, each once, through the
    spatial index. The boxes are one JSON parameter: the statement is the same whatever
    their number, compiled once, however many batches ask."""
    edges = ("w", "s", "e", "n")
    boxes_json = orjson.dumps([dict(zip(edges, box, strict=True)) for box in boxes]).decode()
    if db.engine.dialect.name == "postgresql":
        box = sa.func.jsonb_to_recordset(sa.cast(sa.bindparam("boxes"), JSONB)).table_valued(
            *(sa.column(edge, sa.Float) for edge in edges)).render_derived("box", with_types=True)
        w, s, e, n = (box.c[edge] for edge in edges)
        return sa.select(*columns).select_from(box).join(Initiative, sa.and_(
            postgis_geom.op("&&")(sa.func.ST_MakeEnvelope(w, s, e, n, 4326)),
            Initiative.lon.between(w, e), Initiative.lat.between(s, n))
        ).distinct().params(boxes=boxes_json)
    # CROSS JOIN keeps the boxes outside: SQLite's planner may otherwise scan the R*Tree.
    names = ", ".join(f"initiatives.{column.key}" for column in columns)
    return sa.text(
        f"SELECT DISTINCT {names} FROM (SELECT"  # noqa: S608 (our columns)
        " json_extract(value, '$.w') AS w, json_extract(value, '$.s') AS s,"
        " json_extract(value, '$.e') AS e, json_extract(value, '$.n') AS n"
        " FROM json_each(:boxes)) AS box"
        " CROSS JOIN initiatives_rtree JOIN initiatives ON initiatives.id = initiatives_rtree.id"
        " WHERE initiatives_rtree.max_lon >= box.w AND initiatives_rtree.min_lon <= box.e"
        " AND initiatives_rtree.max_lat >= box.s AND initiatives_rtree.min_lat <= box.n"
        " AND initiatives.lon BETWEEN box.w AND box.e AND initiatives.lat BETWEEN box.s AND box.n"
    ).bindparams(boxes=boxes_json).columns(*columns)


def distance_from(lon: float, lat: float) -> sa.ColumnElement[float]:
    """Each initiative's distance in metres from the point, on the sphere."""
    if db.engine.dialect.name == "postgresql":
        point = sa.func.ST_SetSRID(sa.func.ST_MakePoint(lon, lat), 4326)
        return sa.func.ST_DistanceSphere(postgis_geom, point)
    # Haversine with SQLite's math functions (3.35+), on the same sphere as PostGIS.
    half_dlat = sa.func.radians(Initiative.lat - lat) / 2
    half_dlon = sa.func.radians(Initiative.lon - lon) / 2
    cos_lats = math.cos(math.radians(lat)) * sa.func.cos(sa.func.radians(Initiative.lat))
    chord = squared_sine(half_dlat) + cos_lats * squared_sine(half_dlon)
    return 2 * EARTH_RADIUS_M * sa.func.asin(sa.func.min(1.0, sa.func.sqrt(chord)))


def squared_sine(angle: sa.ColumnElement[float]) -> sa.ColumnElement[float]:
    return sa.func.pow(sa.func.sin(angle), 2)


def near_distance(filters: Filters) -> sa.ColumnElement[float] | None:
    """The distance column of a `near` filter, None without one."""
    return distance_from(*filters.near) if filters.near else None


def near_clause(filters: Filters) -> sa.ColumnElement[bool]:
    """Initiatives within the radius: the index finds the box (two across the antimeridian),
    the distance on the sphere decides."""
    radius_m = filters.radius_km * 1000
    boxes = [bbox_clause(box) for box in boxes_around(*filters.near, radius_m)]
    return sa.and_(sa.or_(*boxes), distance_from(*filters.near) <= radius_m)


def select_initiatives(filters: Filters) -> Select:
    """The public initiatives matching the filters, bbox included, on either database.

    With `near`, only those within its radius, nearest first.
    """
    stmt = sa.select(Initiative).where(Initiative.status.in_(filters.statuses))
    if filters.bbox:
        stmt = stmt.where(bbox_clause(filters.bbox))
    if filters.near:
        stmt = stmt.where(near_clause(filters))
    for term in filters.terms:
        stmt = stmt.where(Initiative.search_text.contains(term, autoescape=True))
    if filters.themes:
        stmt = stmt.where(with_themes(filters.themes))
    if filters.kinds:
        stmt = stmt.where(Initiative.kind.in_(filters.kinds))
    if filters.actor_types:
        stmt = stmt.where(Initiative.actor_type.in_(filters.actor_types))
    for column, value in ((Initiative.insee, filters.commune),
                          (Initiative.epci, filters.epci),
                          (Initiative.departement, filters.departement),
                          (Initiative.region, filters.region)):
        if value:
            stmt = stmt.where(column == value)
    if filters.research:
        stmt = stmt.where(Initiative.research_partnership.is_(True))
    if filters.actor:
        stmt = stmt.where(with_actor(filters.actor))
    if filters.phone:
        stmt = stmt.where(Initiative.phone.is_not(None))
    if filters.dossier:
        stmt = stmt.where(in_dossier(filters.dossier))
    if filters.life:
        stmt = stmt.where(Initiative.life_status.in_(filters.life))
    if filters.scopes:
        stmt = stmt.where(Initiative.scope.in_(filters.scopes))
    if filters.freshness:
        stale = stale_clause()
        stmt = stmt.where(stale if filters.freshness == "stale" else sa.not_(stale))
    if filters.near:
        return stmt.order_by(near_distance(filters), Initiative.id)
    return stmt.order_by(Initiative.id)


def with_actor(actor_id: int) -> sa.ColumnElement[bool]:
    """A condition keeping the initiatives an actor leads or takes part in as a partner; a
    merged actor's id stands for the actor it was merged into."""
    merged_into = sa.select(Actor.merged_into_id).where(Actor.id == actor_id).scalar_subquery()
    actor = sa.func.coalesce(merged_into, actor_id)
    partnered = sa.select(InitiativePartner.initiative_id).where(
        InitiativePartner.actor_id == actor)
    return sa.or_(Initiative.lead_actor_id == actor, Initiative.id.in_(partnered))


def in_dossier(slug: str) -> sa.ColumnElement[bool]:
    """A condition keeping the initiatives of the dossier with this slug."""
    return Initiative.id.in_(
        sa.select(DossierEntry.initiative_id).join(Dossier, Dossier.id == DossierEntry.dossier_id)
        .where(Dossier.slug == slug))


def theme_family(slugs) -> Select:
    """The ids of the themes with these slugs and of their children: a top category stands
    for its whole branch."""
    named = sa.select(Theme.id).where(Theme.slug.in_(slugs))
    return sa.select(Theme.id).where(sa.or_(Theme.slug.in_(slugs), Theme.parent_id.in_(named)))


def with_themes(slugs) -> sa.ColumnElement[bool]:
    """A condition keeping initiatives that carry one of these themes or of their children."""
    return Initiative.id.in_(
        sa.select(initiative_themes.c.initiative_id)
        .where(initiative_themes.c.theme_id.in_(theme_family(slugs))))


def theme_links(filters: Filters) -> sa.ColumnElement[bool]:
    """A condition keeping the initiative_themes rows of the initiatives matching the filters.

    Filtered by their public status only (the home page), the rows of the others are left
    out: these are few (pending, rejected, archived), found by the status index, and the
    rows are then read alone, with no join to a million initiatives (at 1,000,000 on
    PostgreSQL, 270 ms instead of 820). Otherwise, the rows of the matching initiatives.
    """
    if filters == Filters(status=filters.status) and "published" in filters.statuses:
        others = [status for status in STATUSES if status not in filters.statuses]
        return initiative_themes.c.initiative_id.not_in(
            sa.select(Initiative.id).where(Initiative.status.in_(others)))
    return links_of(select_initiatives(filters))


def links_of(matching: Select) -> sa.ColumnElement[bool]:
    """A condition keeping the initiative_themes rows of the statement's initiatives."""
    return initiative_themes.c.initiative_id.in_(
        matching.with_only_columns(Initiative.id).order_by(None))


def count_per_theme(links: sa.ColumnElement[bool]) -> dict[str, int]:
    """How many initiatives carry each theme, among those whose initiative_themes rows the
    condition keeps (theme_links, links_of); a top category counts those carrying it or any
    of its children, each once. Only the themes carried by one at least are named.

    Two grouped queries on initiative_themes alone: the rows per theme, and per initiative
    the set of top categories it falls in (a bit each), then how many initiatives per set.
    """
    themes = list(db.session.execute(sa.select(Theme.id, Theme.slug, Theme.parent_id)))
    slugs = {theme.id: theme.slug for theme in themes}
    counts = {slugs[theme_id]: n for theme_id, n in db.session.execute(
        sa.select(initiative_themes.c.theme_id, sa.func.count()).where(links)
        .group_by(initiative_themes.c.theme_id)) if theme_id in slugs}
    return {**counts, **count_per_top(links, themes, slugs)}


def count_per_top(links: sa.ColumnElement[bool], themes: list, slugs: dict) -> dict[str, int]:
    """How many initiatives carry each top category or one of its children, each once."""
    tops = sorted({theme.parent_id or theme.id for theme in themes})
    if not tops:
        return {}
    if len(tops) > MASK_BITS:  # more than a 64-bit set holds: each once, by DISTINCT
        return count_distinct_per_top(links)
    bit_of = {top: 1 << index for index, top in enumerate(tops)}
    bit = sa.cast(sa.case({theme.id: bit_of[theme.parent_id or theme.id] for theme in themes},
                          value=initiative_themes.c.theme_id, else_=0), sa.BigInteger)
    # Each bit once per initiative: bit_or on PostgreSQL, a sum of the distinct on SQLite.
    union = (sa.func.bit_or(bit) if db.engine.dialect.name == "postgresql"
             else sa.func.sum(sa.distinct(bit)))
    sets = (sa.select(union.label("tops")).where(links)
            .group_by(initiative_themes.c.initiative_id).subquery())
    counts: dict[str, int] = {}
    for mask, n in db.session.execute(sa.select(sets.c.tops, sa.func.count())
                                      .group_by(sets.c.tops)):
        for top in tops:
            if mask & bit_of[top]:
                counts[slugs[top]] = counts.get(slugs[top], 0) + n
    return counts


def count_distinct_per_top(links: sa.ColumnElement[bool]) -> dict[str, int]:
    """count_per_top for a taxonomy of more top categories than a set's bits."""
    top = orm.aliased(Theme)
    return dict(db.session.execute(
        sa.select(top.slug, sa.func.count(sa.distinct(initiative_themes.c.initiative_id)))
        .select_from(initiative_themes).join(Theme, Theme.id == initiative_themes.c.theme_id)
        .join(top, top.id == sa.func.coalesce(Theme.parent_id, Theme.id))
        .where(links).group_by(top.slug)).all())


def explain(stmt: Select) -> str:
    """Return the database's query plan for a statement, as text."""
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(sa.text(f"EXPLAIN {compiled}"))
        return "\n".join(row[0] for row in rows)
    rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))
    return "\n".join(row[-1] for row in rows)
