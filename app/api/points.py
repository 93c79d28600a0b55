"""The map's compact data: /api/v1/map/points (HTTP only)."""

import re

import sqlalchemy as sa
from flask import Response, request

from app.api import bp
from app.api.collection import query_salt
from app.caching.responses import conditional
from app.extensions import db
from app.filters import FilterError, parse_filters
from app.geo.points import compact_points
from app.geo.spatial import select_initiatives
from app.initiatives.fingerprints import fingerprint
from app.initiatives.geojson import PUBLIC_STATUSES
from app.models import Initiative
from app.web.http import content_conditional, error_response
from app.web.urls import page_url

# Short enough for a moderation decision to show quickly, long enough to spare a panning user.
MAX_AGE_SECONDS = 60
# The markers in view at once are a few hundred at most: more ids is not the map asking.
MAX_NAMES = 500
ID_LIST = re.compile(r"^\d{1,10}(,\d{1,10})*$")


@bp.get("/map/points")
def map_points():
    """The public initiatives matching the filters, as parallel arrays for the map.

    Built once per data version and filters, kept by each worker (app.caching): a
    repeated or revalidated request costs one read of the data version.
    """
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        return error_response(400, "invalid_filter", f"{error.param}: {error}")
    fp = fingerprint(select_initiatives(filters), query_salt("map-points"))
    return conditional(fp, lambda: Response(compact_points(filters), mimetype="application/json"),
                       MAX_AGE_SECONDS)


@bp.get("/map/points/<int:initiative_id>")
def map_point(initiative_id: int):
    """What a map popup shows about one public initiative, as a GeoJSON feature."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.is_public:
        return error_response(404, "not_found", "No public initiative has this id.")
    return content_conditional({
        "type": "Feature",
        "id": initiative.id,
        "geometry": None if initiative.lon is None else {
            "type": "Point", "coordinates": [initiative.lon, initiative.lat]},
        "properties": {
            "name": initiative.name,
            "summary": initiative.summary,
            "kind": initiative.kind,
            "commune": initiative.commune_name,
            "url": page_url(initiative),
        },
    }, MAX_AGE_SECONDS)



@bp.get("/map/names")
def map_names():
    """The names of the public initiatives among ?ids=1,2,3: the markers in view use them
    as their accessible name and tooltip (the points themselves carry no names)."""
    text = request.args.get("ids", "")
    ids = {int(value) for value in text.split(",")} if ID_LIST.match(text) else set()
    if not ids or len(ids) > MAX_NAMES:
        return error_response(400, "invalid_filter",
                              f"ids: from 1 to {MAX_NAMES} initiative ids, comma-separated.")
    rows = db.session.execute(sa.select(Initiative.id, Initiative.name).where(
        Initiative.id.in_(ids), Initiative.status.in_(PUBLIC_STATUSES)))
    return content_conditional({str(row.id): row.name for row in rows}, MAX_AGE_SECONDS)
