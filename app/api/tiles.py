"""The map's clusters per tile: /api/v1/map/tiles/<z>/<x>/<y>.json (HTTP only)."""

from flask import request

from app.api import bp
from app.api.collection import query_salt
from app.api.errors import bad_parameter
from app.caching.responses import conditional_shared
from app.extensions import db
from app.filters import Filters, parse_filters
from app.geo.clusters import tile_clusters
from app.geo.tiles import Tile, TileError, parse_tile
from app.initiatives.data_versions import data_version
from app.initiatives.fingerprints import Fingerprint, hashed
from app.initiatives.freshness import stale_cutoff
from app.initiatives.geojson import check_themes

# As the map's points: a decision shows within a minute, a panning user is spared.
MAX_AGE_SECONDS = 60
# Bumped when a tile's JSON changes shape: the page files of the older code are not sent.
TILE_FORMAT = 1
JSON = "application/json"


@bp.get("/map/tiles/<z>/<x>/<y>.json")
def map_tile(z: str, x: str, y: str):
    """The clusters and single initiatives of one tile matching the filters.

    Its ETag is the data version (app.initiatives.data_versions) with the tile and the
    filters: a revalidation costs one read of a few rows, whatever the tile holds. The body
    is built once per version, kept in the worker's memory and in the page files the workers
    share (app.caching). A bad filter raises FilterError, answered as a 400 by the blueprint.
    """
    try:
        tile = parse_tile(z, x, y)
    except TileError as error:
        raise bad_parameter(error.param, f"{error.param}: {error}") from None
    filters = parse_filters(request.args)
    check_themes(filters)
    fp = tile_fingerprint(tile, filters)
    database = db.engine.url.render_as_string(hide_password=True)
    return conditional_shared(fp, f"{fp.etag}|{database}",
                              lambda: tile_clusters(filters, tile), JSON, MAX_AGE_SECONDS)


def tile_fingerprint(tile: Tile, filters: Filters) -> Fingerprint:
    """What decides a tile's body: the data version, the tile, the filters (and the day
    that parts stale entries from the others, when asked for either)."""
    day = stale_cutoff().isoformat() if filters.freshness else ""
    return Fingerprint(hashed(data_version(), query_salt(f"map-tile/{tile}"), day,
                              str(TILE_FORMAT)))
