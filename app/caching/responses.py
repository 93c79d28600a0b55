"""HTTP validators (ETag, Last-Modified, 304) and the per-worker cache of built bodies."""

import time
from collections.abc import Callable, Iterator

from flask import Response, current_app, request, stream_with_context
from werkzeug.http import is_resource_modified
from werkzeug.wsgi import wrap_file

from app.caching.bounded import BoundedCache, app_cache, byte_size
from app.caching.page_files import StoredPage, page_files
from app.initiatives.fingerprints import Fingerprint
from app.web.http import GEOJSON

# Per worker: the memory budget is 300 MB a worker at 100,000 initiatives (BENCHMARKS.md).
CACHE_BYTES = 64 * 1024 * 1024
KEPT_HEADERS = ("Link", "Content-Disposition")
SHARED_MIN_SECONDS = 0.05  # a small body built faster stays in the worker's memory only


def response_cache() -> BoundedCache:
    """The running app's built bodies by ETag: (body, mimetype, kept headers)."""
    return app_cache("responses", current_app.config.get("RESPONSE_CACHE_BYTES", CACHE_BYTES),
                     byte_size)


def with_validators(response: Response, fp: Fingerprint, max_age: int) -> Response:
    """Give a response its ETag, Last-Modified and Cache-Control."""
    response.set_etag(fp.etag)
    if fp.last_modified is not None:
        response.last_modified = fp.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def not_modified(fp: Fingerprint, max_age: int) -> Response | None:
    """A 304 when the client's copy is current (If-None-Match, or If-Modified-Since where
    the fingerprint knows its last change), else None."""
    if is_resource_modified(request.environ, etag=fp.etag, last_modified=fp.last_modified):
        return None
    return with_validators(Response(status=304), fp, max_age)


def conditional(fp: Fingerprint, build: Callable[[], Response], max_age: int = 60,
                keep: bool = True) -> Response:
    """Answer 304 when the client's copy is current, else the body built once for this ETag.

    The fingerprint is computed before any row is loaded, so a 304 costs one read of the
    data version.
    keep=False: the body is at hand already, not worth a place in the cache.
    """
    unchanged = not_modified(fp, max_age)
    if unchanged is not None:
        return unchanged
    if not keep:
        return with_validators(build(), fp, max_age)
    cache, key = response_cache(), f"{fp.etag}|{request.url_root}"
    cached = cache.get(key)
    if cached is None:
        response = build()
        if response.status_code == 200 and not response.is_streamed:
            headers = {name: response.headers[name] for name in KEPT_HEADERS
                       if name in response.headers}
            cache.put(key, (response.get_data(), response.mimetype, headers))
    else:
        body, mimetype, headers = cached
        response = Response(body, mimetype=mimetype, headers=headers)
    return with_validators(response, fp, max_age)


def conditional_file(fp: Fingerprint, key: str,
                     stream: Callable[[], tuple[Iterator[bytes], dict]],
                     max_age: int = 60) -> Response:
    """conditional() for large bodies: sent from the page file of this key when there is one.

    Otherwise stream() gives the body's chunks and headers: they go to the client as they
    come and to the page file, which the next fetches (any worker) send with sendfile. The
    chunks are produced once the view has returned, in a session of their own; an error
    before the first one is still a 500 (the server has not sent the headers), one after it
    cuts the connection, so a client never takes a truncated body for a whole one. The
    key must say everything the body depends on (see app.caching.page_files).
    """
    kept = kept_response(fp, key, max_age)
    if kept is not None:
        return kept
    files = page_files()
    chunks, headers = stream()
    if files is not None:
        chunks = files.tee(key, GEOJSON, headers, chunks)
    response = Response(stream_with_context(chunks), mimetype=GEOJSON, headers=headers)
    return with_validators(response, fp, max_age)



def kept_response(fp: Fingerprint, key: str, max_age: int) -> Response | None:
    """A 304 for a client that has the body, or the kept page file; None to build it."""
    unchanged = not_modified(fp, max_age)
    if unchanged is not None:
        return unchanged
    files = page_files()
    stored = files.open(key) if files is not None else None
    return with_validators(sent_file(stored), fp, max_age) if stored is not None else None


def conditional_built_file(fp: Fingerprint, key: str, build: Callable[[], tuple[bytes, dict]],
                           mimetype: str, max_age: int = 60) -> Response:
    """conditional_file() for a body built whole before it is sent (a PDF): the first fetch
    builds it and keeps it in the page files, the next ones (any worker) send that file."""
    kept = kept_response(fp, key, max_age)
    if kept is not None:
        return kept
    files = page_files()
    body, headers = build()
    if files is not None:
        for _chunk in files.tee(key, mimetype, headers, [body]):
            pass  # the file is written by a thread of its own
    return with_validators(Response(body, mimetype=mimetype, headers=headers), fp, max_age)


def conditional_shared(fp: Fingerprint, key: str, build: Callable[[], bytes], mimetype: str,
                       max_age: int = 60) -> Response:
    """conditional() for small bodies costly to build (a map tile at a million rows): kept
    in the worker's memory and in the page files, so the other workers and a restarted
    server read it instead of building it again. The key must say everything the body
    depends on (see app.caching.page_files)."""
    unchanged = not_modified(fp, max_age)
    if unchanged is not None:
        return unchanged
    cache = response_cache()
    body = cache.get(key)
    if body is None:
        body = shared_body(key, build, mimetype)
        cache.put(key, body)
    return with_validators(Response(body, mimetype=mimetype), fp, max_age)


def shared_body(key: str, build: Callable[[], bytes], mimetype: str,
                min_seconds: float | None = None) -> bytes:
    """The body of the page file of this key, or built now and written to one when its
    building took min_seconds (default SHARED_MIN_SECONDS) or more."""
    files = page_files()
    stored = files.open(key) if files is not None else None
    if stored is not None:
        with stored.file as file:
            body = file.read(stored.length)
        if len(body) == stored.length:
            return body
    started = time.perf_counter()
    body = build()
    # Only a body slow to build is worth a file: the cheap ones would crowd the directory
    # that each new file's eviction scans.
    if files is not None and time.perf_counter() - started >= (
            SHARED_MIN_SECONDS if min_seconds is None else min_seconds):
        for _chunk in files.tee(key, mimetype, {}, [body]):
            pass  # the file is written by a thread of its own
    return body


def sent_file(stored: StoredPage) -> Response:
    """A page file's body, handed to the server to send (sendfile where it can)."""
    response = Response(wrap_file(request.environ, stored.file), headers=stored.headers,
                        content_type=stored.content_type, direct_passthrough=True)
    response.content_length = stored.length
    return response
