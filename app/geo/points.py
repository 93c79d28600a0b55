"""The map's data in compact form: parallel arrays, a few dozen bytes per initiative.

The home map must show 10,000 initiatives quickly, so it does not load GeoJSON features:
it loads ids, rounded coordinates and the indexes of each one's main theme and kind.
Names and details come from the initiative's own API URL when a popup opens.
"""

import sqlalchemy as sa

from app.extensions import db
from app.filters import Filters
from app.geo.spatial import select_initiatives
from app.models import KINDS, Initiative, Theme
from app.models.initiative import initiative_themes

# 4 decimals is about 10 m: plenty for a marker on a map of France, and short in JSON.
COORD_DECIMALS = 4
NO_THEME = -1


def main_theme_slug() -> sa.ScalarSelect:
    """The slug of an initiative's first theme (by the taxonomy's order), for each row."""
    return (
        sa.select(Theme.slug)
        .join(initiative_themes, initiative_themes.c.theme_id == Theme.id)
        .where(initiative_themes.c.initiative_id == Initiative.id)
        .order_by(Theme.position, Theme.id)
        .limit(1)
        .correlate(Initiative)
        .scalar_subquery()
    )


def theme_slugs() -> list[str]:
    """Every theme slug, in the taxonomy's order."""
    return list(db.session.scalars(sa.select(Theme.slug).order_by(Theme.position, Theme.id)))


def compact_points(filters: Filters) -> dict:
    """The initiatives matching the filters as parallel arrays (id, lon, lat, theme, kind)."""
    stmt = select_initiatives(filters).with_only_columns(
        Initiative.id, Initiative.lon, Initiative.lat, Initiative.kind, main_theme_slug()
    )
    rows = db.session.execute(stmt).all()
    slugs = theme_slugs()
    theme_index = {slug: index for index, slug in enumerate(slugs)}
    kind_index = {kind: index for index, kind in enumerate(KINDS)}
    return {
        "count": len(rows),
        "themes": slugs,
        "kinds": list(KINDS),
        "id": [row[0] for row in rows],
        "lon": [round(row[1], COORD_DECIMALS) for row in rows],
        "lat": [round(row[2], COORD_DECIMALS) for row in rows],
        "theme": [theme_index.get(row[4], NO_THEME) for row in rows],
        "kind": [kind_index[row[3]] for row in rows],
    }
