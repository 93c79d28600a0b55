"""Front-end libraries served from their PyPI (XStatic) packages, never from a CDN."""

import functools
import gzip
import hashlib
import mimetypes
import os

from flask import Response, abort, request, send_from_directory
from werkzeug.security import safe_join

from app.public import bp
from app.web.maps import VENDOR_PACKAGES

# Their URLs carry the package version (?v=), so browsers may keep them long.
VENDOR_MAX_AGE = 365 * 24 * 3600
# Text files worth compressing: Leaflet's script is 148 KB as is, 43 KB gzipped, which keeps
# an initiative's page under 150 KB on a phone's first load (issue 18.4).
COMPRESSED = (".js", ".css", ".svg")


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of a vendored library (Leaflet, its CSS and images), gzipped when it is text
    and the browser accepts it."""
    module = VENDOR_PACKAGES.get(package)
    if module is None:
        abort(404)
    if filename.endswith(COMPRESSED) and request.accept_encodings["gzip"]:
        path = safe_join(module.BASE_DIR, filename)
        if path is None or not os.path.isfile(path):
            abort(404)
        return gzipped_response(path)
    response = send_from_directory(module.BASE_DIR, filename, max_age=VENDOR_MAX_AGE)
    response.vary.add("Accept-Encoding")
    return response


def gzipped_response(path: str) -> Response:
    """The file gzipped, with its validators (304 when the browser has it)."""
    body, etag = gzipped(path, os.stat(path).st_mtime_ns)
    response = Response(body, mimetype=mimetypes.guess_type(path)[0] or "text/plain")
    response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = VENDOR_MAX_AGE
    response.set_etag(etag)
    return response.make_conditional(request)


@functools.lru_cache(maxsize=32)
def gzipped(path: str, mtime_ns: int) -> tuple[bytes, str]:
    """A file's bytes gzipped once per process and version (mtime), and their ETag."""
    with open(path, "rb") as handle:
        body = gzip.compress(handle.read(), compresslevel=9, mtime=0)
    return body, hashlib.sha256(body).hexdigest()[:32]
