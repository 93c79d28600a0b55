"""The map's clusters per tile: /api/v1/map/tiles/<z>/<x>/<y>.json (HTTP only)."""

from flask import Response, request

from app.api import bp
from app.api.collection import query_salt
from app.api.errors import bad_parameter
from app.caching.responses import conditional
from app.filters import parse_filters
from app.geo.clusters import tile_clusters, tile_statement
from app.geo.tiles import TileError, parse_tile
from app.initiatives.fingerprints import fingerprint
from app.initiatives.geojson import check_themes

# As the map's points: a decision shows within a minute, a panning user is spared.
MAX_AGE_SECONDS = 60


@bp.get("/map/tiles/<z>/<x>/<y>.json")
def map_tile(z: str, x: str, y: str):
    """The clusters and single initiatives of one tile matching the filters.

    Its ETag is the fingerprint of the tile's matching rows: a revalidation costs one
    aggregate query over the tile, the body is built once per change (app.caching). A bad
    filter raises FilterError, answered as a 400 by the blueprint.
    """
    try:
        tile = parse_tile(z, x, y)
    except TileError as error:
        raise bad_parameter(error.param, f"{error.param}: {error}") from None
    filters = parse_filters(request.args)
    check_themes(filters)
    fp = fingerprint(tile_statement(filters, tile), query_salt(f"map-tile/{tile}"))
    return conditional(fp, lambda: Response(tile_clusters(filters, tile),
                                            mimetype="application/json"), MAX_AGE_SECONDS)
