"""API endpoints (HTTP only: the rules live in the services)."""

import hashlib
from collections.abc import Iterator
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Response, jsonify, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from app.api import bp, openapi, page_files, services
from app.api.caching import (
    GEOJSON,
    allow_cross_origin,
    bytes_response,
    conditional,
    conditional_file,
    json_response,
)
from app.api.errors import ApiError, bad_parameter
from app.api.errors import register as register_errors
from app.api.params import parse_limit
from app.extensions import db
from app.initiatives import geojson, stored_features
from app.models import Initiative

MAX_ID = 2**53 - 1
register_errors(bp)
bp.after_request(allow_cross_origin)


def healthz():
    """Report database reachability and the number of initiatives per status."""
    try:
        rows = db.session.execute(
            sa.select(Initiative.status, sa.func.count()).group_by(Initiative.status)
        ).all()
    except SQLAlchemyError as error:
        db.session.rollback()
        return jsonify(status="error", database={"ok": False, "error": type(error).__name__}), 503
    counts = {status: count for status, count in rows}
    return jsonify(
        status="ok",
        database={"ok": True, "dialect": db.engine.dialect.name},
        initiatives={"published": counts.get("published", 0), "total": sum(counts.values()),
                     "by_status": counts},
    )


def query_salt(kind: str) -> str:
    """What, beside the data, decides a response: the endpoint and its sorted parameters."""
    return f"{kind}?{urlencode(sorted(request.args.items(multi=True)))}"


def url_with(**changes: str) -> str:
    """This request's URL with some parameters replaced, percent-encoded (a URI, not an IRI)."""
    args = request.args.copy()
    for key, value in changes.items():
        args[key] = value
    return f"{request.base_url}?{urlencode(list(args.items(multi=True)))}"


@bp.get("/initiatives")
def initiatives():
    """The published initiatives matching the filters, as a paged FeatureCollection.

    A large page is streamed once into a file shared by the workers, then sent from it
    (app.api.page_files); a small one is kept in the worker's memory cache.
    """
    query = services.page_query(request.args)
    salt = query_salt("collection")
    fp = geojson.fingerprint(query.statement, salt)
    site = geojson.site_root(request.url_root)

    def build() -> Response:
        # Read after the fingerprint: the body is as new as its ETag or newer, and counted
        # from its own rows. A streamed page states its count before its rows: see chunks.
        features, next_cursor = services.collection_page(query)
        links, headers = page_links(next_cursor)
        body = stored_features.collection_bytes(
            features, numberReturned=len(features), next_cursor=next_cursor, links=links)
        response = bytes_response(stored_features.with_site(body, site), mimetype=GEOJSON)
        response.headers.update(headers)
        return response

    def stream() -> tuple[Iterator[bytes], dict]:
        number, next_cursor = services.page_bounds(query, fp.count)
        links, headers = page_links(next_cursor)

        def chunks() -> Iterator[bytes]:
            # Read once the view has returned, in a session of its own; before the first
            # byte, so a change since the ETag is still an error response, not a wrong body.
            batches = services.page_batches(query)
            services.check_unchanged(query, salt, fp.etag)
            yield from stored_features.collection_chunks(
                batches, site, numberReturned=number, next_cursor=next_cursor, links=links)
        return chunks(), headers

    if fp.count >= page_files.min_features():
        return conditional_file(fp, page_key(fp, site), stream)
    return conditional(fp, build)


def page_links(next_cursor: str | None) -> tuple[list[dict], dict]:
    """The page's links member and its Link header (the next page, when there is one)."""
    links = [{"rel": "self", "type": GEOJSON, "href": url_with()}]
    if not next_cursor:
        return links, {}
    links.append({"rel": "next", "type": GEOJSON, "href": url_with(cursor=next_cursor)})
    return links, {"Link": f'<{links[-1]["href"]}>; rel="next"'}


def page_key(fp: geojson.Fingerprint, site: str) -> str:
    """What decides a page's bytes: its rows (the ETag), the URL asked, the site, the database."""
    database = db.engine.url.render_as_string(hide_password=True)
    return f"{fp.etag}|{request.url}|{site}|{database}"


@bp.get("/initiatives/<int:initiative_id>")
def initiative(initiative_id: int):
    """One public initiative as a GeoJSON Feature."""
    found = stored_features.feature_of(initiative_id) if initiative_id <= MAX_ID else None
    if found is None:
        raise ApiError(404, "not_found", f"No public initiative with id {initiative_id}.")
    feature, updated_at = found
    body = stored_features.with_site(feature, geojson.site_root(request.url_root))
    # One query, no aggregate: the ETag is the hash of the body itself (a theme renamed
    # changes the stored feature without touching the row's version).
    fp = geojson.Fingerprint(1, updated_at, hashlib.sha256(body).hexdigest()[:32])
    return conditional(fp, lambda: bytes_response(body, mimetype=GEOJSON), keep=False)


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
    fp = geojson.fingerprint(matching, query_salt("stats"))
    return conditional(fp, lambda: json_response(services.counts(matching)))


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of this API."""
    return content_conditional(openapi.document(), max_age=3600)


@bp.get("/docs")
def docs():
    """The API's documentation for people."""
    return render_template("api/docs.html", spec=openapi.document(),
                           api_root=request.url_root.rstrip("/") + "/api/v1")


def content_conditional(data, max_age: int) -> Response:
    """A JSON response whose ETag is the hash of its body (small, cheap answers)."""
    response = json_response(data, max_age=max_age)
    response.add_etag()
    return response.make_conditional(request)
