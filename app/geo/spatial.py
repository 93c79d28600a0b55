"""Spatial queries, per database dialect: the bounding-box index of each."""

import sqlalchemy as sa
from sqlalchemy.sql import Select

from app.extensions import db
from app.filters import Filters
from app.models import Initiative, Theme
from app.models.initiative import initiative_themes

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


def select_initiatives(filters: Filters) -> Select:
    """The public initiatives matching the filters, bbox included, on either database."""
    stmt = sa.select(Initiative).where(Initiative.status.in_(filters.statuses))
    if filters.bbox:
        stmt = stmt.where(bbox_clause(filters.bbox))
    for term in filters.terms:
        stmt = stmt.where(Initiative.search_text.contains(term, autoescape=True))
    if filters.themes:
        stmt = stmt.where(Initiative.id.in_(
            sa.select(initiative_themes.c.initiative_id)
            .join(Theme, Theme.id == initiative_themes.c.theme_id)
            .where(Theme.slug.in_(filters.themes))
        ))
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
    return stmt.order_by(Initiative.id)


def explain(stmt: Select) -> str:
    """Return the database's query plan for a statement, as text."""
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(sa.text(f"EXPLAIN {compiled}"))
        return "\n".join(row[0] for row in rows)
    rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))
    return "\n".join(row[-1] for row in rows)
