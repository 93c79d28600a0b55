"""API endpoints (HTTP only: the rules live in the services)."""

import orjson
import sqlalchemy as sa
from flask import jsonify, render_template, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.api import bp, collection, openapi, services
from app.api.errors import ApiError, bad_parameter
from app.api.params import parse_limit
from app.api.schema_words import describe_schema
from app.caching.responses import conditional
from app.extensions import db
from app.initiatives import geojson, stored_features
from app.initiatives.fingerprints import fingerprint
from app.initiatives.lineage import Lineage, lineage_of
from app.initiatives.paths import initiative_path
from app.models import Initiative
from app.web.http import content_conditional, json_response
from app.web.permissions import is_admin

MAX_ID = 2**53 - 1


def healthz():
    """Report liveness and database reachability; signed-in admins also get the counts."""
    try:
        counts = status_counts() if is_admin(current_user) else None
        if counts is None:
            db.session.execute(sa.select(1))
    except SQLAlchemyError as error:
        db.session.rollback()
        return jsonify(status="error", database={"ok": False, "error": type(error).__name__}), 503
    body = {"status": "ok", "database": {"ok": True, "dialect": db.engine.dialect.name}}
    if counts is None:
        return jsonify(body)
    body["initiatives"] = {"published": counts.get("published", 0),
                           "total": sum(counts.values()), "by_status": counts}
    return json_response(body, max_age=0)  # an admin's answer: never stored by a cache


def status_counts() -> dict[str, int]:
    """The number of initiatives per status (pending and rejected ones included)."""
    rows = db.session.execute(
        sa.select(Initiative.status, sa.func.count()).group_by(Initiative.status)
    ).all()
    return {status: count for status, count in rows}


@bp.get("/initiatives")
def initiatives():
    """The published initiatives matching the filters, as a paged FeatureCollection."""
    query = services.page_query(request.args)
    return collection.page_response(query, geojson.site_root(request.url_root))


@bp.get("/initiatives/<int:initiative_id>")
def initiative(initiative_id: int):
    """One public initiative as a GeoJSON Feature."""
    found = stored_features.feature_of(initiative_id) if initiative_id <= MAX_ID else None
    if found is None:
        raise ApiError(404, "not_found", f"No public initiative with id {initiative_id}.")
    feature, updated_at, linked = found
    return collection.feature_response(with_lineage(feature, initiative_id, linked), updated_at,
                                       geojson.site_root(request.url_root))


def with_lineage(feature: bytes, initiative_id: int, linked: bool) -> bytes:
    """The stored feature with the public initiatives it was inspired by and inspired, each
    {id, name, url} (relative here: made absolute with the feature's own url).

    linked: whether it has links at all; without, both lists are empty and nothing is read.
    """
    found = lineage_of(initiative_id) if linked else Lineage([], [])
    data = orjson.loads(feature)
    for name, others in (("inspired_by", found.inspired_by), ("inspired", found.inspired)):
        data["properties"][name] = [
            {"id": other.id, "name": other.name, "url": initiative_path(other.id, other.name)}
            for other in others]
    return orjson.dumps(data)


@bp.get("/themes")
def themes():
    """The themes of the taxonomy, with their labels and colours."""
    return content_conditional({"themes": services.themes_list()}, max_age=300)


@bp.get("/communes")
def communes():
    """Communes whose name, postcode or INSEE code starts with q (autocomplete)."""
    q = (request.args.get("q") or "").strip()
    if not q:
        raise bad_parameter("q", "q is required: the start of a commune name or code.")
    limit = parse_limit(request.args, default=10, maximum=50)
    return content_conditional({"communes": services.communes(q[:100], limit)}, max_age=3600)


@bp.get("/stats")
def stats():
    """How many published initiatives match the filters, per theme, kind and département."""
    matching = services.matching_statement(request.args)
    fp = fingerprint(matching, collection.query_salt("stats"))
    return conditional(fp, lambda: json_response(services.counts(matching)))


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of this API."""
    return content_conditional(openapi.document(), max_age=3600)


@bp.get("/docs")
def docs():
    """The API's documentation for people."""
    return render_template("api/docs.html", spec=openapi.document(),
                           describe_schema=describe_schema,
                           api_root=request.url_root.rstrip("/") + "/api/v1")

