"""Public pages kept whole for visitors who are not signed in, by what decides their markup.

An initiative's page is the same for every anonymous visitor of one URL, host and language:
rendering it again (Jinja, the ORM load, the Markdown) is most of its cost. It is kept under a
key that holds a stamp of the data it shows, so a change is seen at once: in the worker's
memory, and in the page files the workers share (app.caching.page_files), so each page is
rendered once per machine, not once per worker, and a restart does not render it again.
Its <script> tags carry this response's CSP nonce: the page is kept with a placeholder that
each response replaces with its own nonce, so no two responses share one.
"""

import base64
import hashlib
import hmac
from collections.abc import Callable

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.caching.bounded import app_cache, byte_size
from app.caching.responses import shared_body
from app.caching.shared_values import file_key
from app.web.security import csp_nonce

# Per worker; a page is 10-20 KB.
PAGE_CACHE_BYTES = 16 * 1024 * 1024
HTML = "text/html; charset=utf-8"


def shared_markup() -> bool:
    """Tell whether this response may be the one every anonymous visitor gets."""
    return (request.method == "GET" and not current_user.is_authenticated
            and "_flashes" not in session)


def cached_page(stamp: tuple, render: Callable[[], str]) -> Response | str:
    """The page rendered once per stamp, URL, host and language, with this response's nonce.

    stamp: everything from the database the page shows (versions, hashes of related rows).
    """
    if not shared_markup():
        return render()
    cache = app_cache("pages", current_app.config.get("PAGE_CACHE_BYTES", PAGE_CACHE_BYTES),
                      byte_size)
    key = (stamp, request.url_root, request.full_path, str(get_locale()))
    markup = cache.get(key)
    if markup is None:
        # Every page is worth a file: a first render costs 40-60 ms at a million rows.
        markup = shared_body(file_key("page", key), lambda: render_with_placeholder(render),
                             HTML, min_seconds=0)
        cache.put(key, markup)
    return Response(markup.replace(nonce_placeholder().encode(), csp_nonce().encode()),
                    mimetype="text/html")


def nonce_placeholder() -> str:
    """What a kept page holds instead of a nonce: the same in every worker sharing its files,
    unguessable (derived from the secret key) and never sent, so user content cannot hold it
    to have a nonce put in."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(secret, b"maillage: kept page nonce placeholder", hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


def render_with_placeholder(render: Callable[[], str]) -> bytes:
    """Render with the placeholder as nonce; the response then gets a fresh one."""
    g.csp_nonce = nonce_placeholder()
    try:
        return render().encode()
    finally:
        g.pop("csp_nonce", None)
