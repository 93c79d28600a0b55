"""The collection's answer: a page of stored features from the memory cache, a page file or a
stream, with its links, ETag and 304s (app.caching)."""

import hashlib
from collections.abc import Iterator
from urllib.parse import urlencode

from flask import Response, request

from app.api import services
from app.api.services import PageQuery
from app.caching import page_files
from app.caching.responses import conditional, conditional_file, kept_response
from app.extensions import db
from app.initiatives import stored_features
from app.initiatives.fingerprints import Fingerprint, count_up_to, fingerprint
from app.web.http import GEOJSON, bytes_response

# A minute in caches: a decision shows within a minute, then a revalidation costs a 304.
MAX_AGE_SECONDS = 60


def query_salt(kind: str) -> str:
    """What, beside the data, decides a response: the endpoint and its sorted parameters."""
    return f"{kind}?{urlencode(sorted(request.args.items(multi=True)))}"


def page_response(query: PageQuery, site: str) -> Response:
    """The page of the collection, 304 when the client's copy is current.

    A large page is streamed once into a file shared by the workers, then sent from it
    (app.caching.page_files); a small one is kept in the worker's memory cache. Its rows
    are counted (at most the page's, a limit of 10,000) only when the page is built.
    """
    salt = query_salt("collection")
    fp = fingerprint(query.statement, salt)
    # A page in distance order is bounded by its radius and built whole: its features
    # gain their distance, which no page file stores.
    if query.distance is None and query.limit >= page_files.min_features():
        key = page_key(fp, site)
        kept = kept_response(fp, key, MAX_AGE_SECONDS)
        if kept is not None:
            return kept
        count = count_up_to(query.statement, query.limit + 1)
        if count >= page_files.min_features():
            return conditional_file(fp, key, lambda: streamed_page(query, salt, fp, site, count),
                                    MAX_AGE_SECONDS)
    return conditional(fp, lambda: whole_page(query, site), MAX_AGE_SECONDS)


def whole_page(query: PageQuery, site: str) -> Response:
    """The page built whole, for the memory cache.

    Read after the fingerprint: the body is as new as its ETag or newer, and counted from
    its own rows. A streamed page states its count before its rows: see page_chunks.
    """
    features, next_cursor = services.collection_page(query)
    links, headers = page_links(next_cursor)
    body = stored_features.collection_bytes(
        features, numberReturned=len(features), next_cursor=next_cursor, links=links)
    response = bytes_response(stored_features.with_site(body, site), mimetype=GEOJSON)
    response.headers.update(headers)
    return response


def streamed_page(query: PageQuery, salt: str, fp: Fingerprint, site: str,
                  count: int) -> tuple[Iterator[bytes], dict]:
    """The page's chunks, not read yet, and its headers, for a page file (count: its rows,
    the one more than the page included)."""
    number, next_cursor = services.page_bounds(query, count)
    links, headers = page_links(next_cursor)
    chunks = page_chunks(query, salt, fp.etag, site,
                         numberReturned=number, next_cursor=next_cursor, links=links)
    return chunks, headers


def page_chunks(query: PageQuery, salt: str, etag: str, site: str, **members) -> Iterator[bytes]:
    """The bytes of a page, read once the view has returned, in a session of its own.

    Checked before the first byte, so a change since the ETag is still an error response,
    not a wrong body.
    """
    batches = services.page_batches(query)
    services.check_unchanged(query, salt, etag)
    yield from stored_features.collection_chunks(batches, site, **members)


def page_links(next_cursor: str | None) -> tuple[list[dict], dict]:
    """The page's links member and its Link header (the next page, when there is one)."""
    links = [{"rel": "self", "type": GEOJSON, "href": url_with()}]
    if not next_cursor:
        return links, {}
    links.append({"rel": "next", "type": GEOJSON, "href": url_with(cursor=next_cursor)})
    return links, {"Link": f'<{links[-1]["href"]}>; rel="next"'}


def url_with(**changes: str) -> str:
    """This request's URL with some parameters replaced, percent-encoded (a URI, not an IRI)."""
    args = request.args.copy()
    for key, value in changes.items():
        args[key] = value
    return f"{request.base_url}?{urlencode(list(args.items(multi=True)))}"


def page_key(fp: Fingerprint, site: str) -> str:
    """What decides a page's bytes: its rows (the ETag), the URL asked, the site, the database."""
    database = db.engine.url.render_as_string(hide_password=True)
    return f"{fp.etag}|{request.url}|{site}|{database}"


def feature_response(feature: bytes, updated_at, site: str) -> Response:
    """One stored feature, made absolute, 304 when the client's copy is current."""
    body = stored_features.with_site(feature, site)
    # One query, no aggregate: the ETag is the hash of the body itself (a theme renamed
    # changes the stored feature without touching the row's version).
    fp = Fingerprint(hashlib.sha256(body).hexdigest()[:32], updated_at)
    return conditional(fp, lambda: bytes_response(body, mimetype=GEOJSON), keep=False)
