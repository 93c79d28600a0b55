"""Fast JSON responses, HTTP validators (ETag, Last-Modified, 304) and CORS for GETs."""

import threading
from collections import OrderedDict
from collections.abc import Callable

import orjson
from flask import Response, current_app, request
from werkzeug.http import is_resource_modified

from app.initiatives.geojson import Fingerprint

GEOJSON = "application/geo+json"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Content-Disposition",
    "Access-Control-Max-Age": "86400",
}
# Per worker: the memory budget is 300 MB a worker at 100,000 initiatives (BENCHMARKS.md).
CACHE_BYTES = 64 * 1024 * 1024
KEPT_HEADERS = ("Link", "Content-Disposition")


class ResponseCache:
    """Bodies already built, by ETag, least recently used dropped first (bounded in bytes).

    A repeated request for unchanged data is answered from memory: the ETag is computed
    from the data first, so a stale body is never served.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple[bytes, str, dict]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, str, dict] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, response: Response) -> None:
        body = response.get_data()
        if len(body) > self.max_bytes // 4:
            return
        headers = {name: response.headers[name] for name in KEPT_HEADERS
                   if name in response.headers}
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (body, response.mimetype, headers)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (dropped, _, _) = self.entries.popitem(last=False)
                self.size -= len(dropped)


def response_cache() -> ResponseCache:
    """The running app's cache of built responses."""
    extensions = current_app.extensions
    if "maillage_response_cache" not in extensions:
        extensions["maillage_response_cache"] = ResponseCache(
            current_app.config.get("RESPONSE_CACHE_BYTES", CACHE_BYTES))
    return extensions["maillage_response_cache"]


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


def with_validators(response: Response, fp: Fingerprint, max_age: int) -> Response:
    """Give a response its ETag, Last-Modified and Cache-Control."""
    response.set_etag(fp.etag)
    if fp.last_modified is not None:
        response.last_modified = fp.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def conditional(fp: Fingerprint, build: Callable[[], Response], max_age: int = 60,
                keep: bool = True) -> Response:
    """Answer 304 when the client's copy is current, else the body built once for this ETag.

    The fingerprint is computed before any row is loaded, so a 304 costs one small query.
    keep=False: the body is at hand already, not worth a place in the cache.
    """
    if not is_resource_modified(request.environ, etag=fp.etag, last_modified=fp.last_modified):
        return with_validators(Response(status=304), fp, max_age)
    if not keep:
        return with_validators(build(), fp, max_age)
    cache, key = response_cache(), f"{fp.etag}|{request.url_root}"
    cached = cache.get(key)
    if cached is None:
        response = build()
        if response.status_code == 200:
            cache.put(key, response)
    else:
        body, mimetype, headers = cached
        response = Response(body, mimetype=mimetype, headers=headers)
    return with_validators(response, fp, max_age)


def allow_cross_origin(response: Response) -> Response:
    """Let any site read our public data (uMap remote layers fetch it from the browser)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers.update(CORS_HEADERS)
    return response
