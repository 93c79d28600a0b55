"""HTTP response helpers: fast JSON, errors in the API's format or as a page, CORS for GETs."""

import orjson
from flask import Response, jsonify, render_template, request

GEOJSON = "application/geo+json"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Content-Disposition",
    "Access-Control-Max-Age": "86400",
}


def json_response(data, *, status: int = 200, mimetype: str = "application/json",
                  max_age: int = 60) -> Response:
    """Serialise with orjson (several times faster than the standard library)."""
    return bytes_response(orjson.dumps(data), status=status, mimetype=mimetype, max_age=max_age)


def bytes_response(body: bytes, *, status: int = 200, mimetype: str = "application/json",
                   max_age: int = 60) -> Response:
    """A response of JSON already serialised, with its Cache-Control."""
    response = Response(body, status=status, mimetype=mimetype)
    if max_age:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    else:
        response.cache_control.no_store = True
    return response


def content_conditional(data, max_age: int) -> Response:
    """A JSON response whose ETag is the hash of its body (small, cheap answers)."""
    response = json_response(data, max_age=max_age)
    response.add_etag()
    return response.make_conditional(request)


def error_body(code: str, message: str, **details: str | None) -> dict:
    """The one JSON error format: {"error": {"code", "message", and any detail given}}."""
    return {"error": {"code": code, "message": message,
                      **{name: value for name, value in details.items() if value}}}


def wants_json() -> bool:
    """Tell whether the client should get a JSON error rather than a page."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str):
    """Answer an error in the API's format or as a page, whichever the client wants."""
    if wants_json():
        return jsonify(error_body(code, message)), status
    return render_template("error.html", status=status, message=message), status


def allow_cross_origin(response: Response) -> Response:
    """Let any site read our public data (uMap remote layers fetch it from the browser)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers.update(CORS_HEADERS)
    return response
