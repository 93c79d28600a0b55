"""The export endpoint's answer: a small file built whole and kept, a large one streamed."""

from collections.abc import Iterator

from flask import Response, current_app, stream_with_context

from app.caching.responses import conditional, not_modified
from app.exchange import services
from app.exchange.services import FORMATS
from app.filters import Filters
from app.initiatives.fingerprints import count_up_to, fingerprint

# Five minutes in caches: exports are fetched again seldom, then revalidated by their ETag.
EXPORT_MAX_AGE = 300


def export_response(fmt: str, filters: Filters, site: str) -> Response:
    """The public initiatives matching the filters as a file, 304 when the client's is current.

    A small export is built whole and kept in the response cache; a large one is streamed
    a batch at a time, so a worker's memory does not grow with the number of initiatives.
    The key is the parsed filters, not the query string: a parameter that filters nothing
    (`?x=<random>`) must not make a new body to build.
    """
    salt = f"export.{fmt}?{filters!r}"
    stmt = services.export_statement(filters)
    fp = fingerprint(stmt, salt)
    unchanged = not_modified(fp, EXPORT_MAX_AGE)
    if unchanged is not None:
        return unchanged
    whole = count_up_to(stmt, services.BATCH_ROWS + 1) <= services.BATCH_ROWS
    return conditional(fp, lambda: export_file(fmt, filters, site, whole), EXPORT_MAX_AGE,
                       keep=whole)


def export_file(fmt: str, filters: Filters, site: str, whole: bool) -> Response:
    """The export's response, its body joined (whole) or streamed."""
    chunks = services.export_chunks(fmt, filters, site)
    if whole:
        body = b"".join(chunks)
    else:  # the first chunk now: an error before it is still an ordinary 500
        body = stream_with_context(streamed(next(chunks), chunks, fmt))
    response = Response(body, mimetype=FORMATS[fmt].mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="initiatives.{fmt}"'
    return response


def streamed(first: bytes, rest: Iterator[bytes], fmt: str) -> Iterator[bytes]:
    """The chunks of a large export, sent as they are written.

    By the first chunk the GeoPackage is complete and the .umap's layers are spooled. An
    error after it is logged and raised again: the server then cuts the connection without
    the last chunk, so the client sees a truncated download, not a file that looks whole.
    """
    try:
        yield first
        yield from rest
    except Exception:
        current_app.logger.exception("Export %s cut short", fmt)
        raise
