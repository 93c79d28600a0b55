"""The map's data in compact form: parallel arrays, a few dozen bytes per initiative.

The home map must show 100,000 initiatives quickly, so it does not load GeoJSON features:
it loads ids, rounded coordinates and the indexes of each one's main theme and kind.
Names and details come from the initiative's own API URL when a popup opens.
Two queries, both answered from indexes: the points (ix_initiatives_public_points covers
them) and the main theme of each (initiative_themes' primary key).
"""

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.filters import Filters
from app.geo.spatial import select_initiatives
from app.models import KINDS, Initiative, Theme
from app.models.initiative import initiative_themes

# 4 decimals is about 10 m: plenty for a marker on a map of France, and short in JSON.
COORD_DECIMALS = 4
NO_THEME = -1


def themes_in_order() -> list[tuple[int, str]]:
    """Every theme's id and slug, in the taxonomy's order."""
    return list(db.session.execute(
        sa.select(Theme.id, Theme.slug).order_by(Theme.position, Theme.id)))


def main_themes(filters: Filters, rank_by_id: dict[int, int]) -> dict[int, int]:
    """Each matching initiative's first theme in the taxonomy's order, as its rank."""
    if not rank_by_id:
        return {}
    rank = sa.case(rank_by_id, value=initiative_themes.c.theme_id)
    stmt = (
        select_initiatives(filters)
        .with_only_columns(initiative_themes.c.initiative_id, sa.func.min(rank))
        .select_from(Initiative)
        .join(initiative_themes, initiative_themes.c.initiative_id == Initiative.id)
        .group_by(initiative_themes.c.initiative_id)
        .order_by(None)
    )
    return dict(db.session.connection().execute(stmt).all())


def rounded(values: tuple[float, ...]) -> list[float]:
    return np.round(np.asarray(values, dtype=float), COORD_DECIMALS).tolist()


def compact_points(filters: Filters) -> dict:
    """The initiatives matching the filters as parallel arrays (id, lon, lat, theme, kind)."""
    themes = themes_in_order()
    stmt = select_initiatives(filters).with_only_columns(
        Initiative.id, Initiative.lon, Initiative.lat, Initiative.kind)
    rows = db.session.connection().execute(stmt).all()
    main = main_themes(filters, {theme_id: rank for rank, (theme_id, _) in enumerate(themes)})
    ids, lons, lats, kinds = zip(*rows, strict=True) if rows else ((), (), (), ())
    kind_index = {kind: index for index, kind in enumerate(KINDS)}
    return {
        "count": len(ids),
        "themes": [slug for _, slug in themes],
        "kinds": list(KINDS),
        "id": list(ids),
        "lon": rounded(lons),
        "lat": rounded(lats),
        "theme": [main.get(initiative_id, NO_THEME) for initiative_id in ids],
        "kind": [kind_index[kind] for kind in kinds],
    }
