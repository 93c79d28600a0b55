"""Security headers on every response: a Content-Security-Policy whose inline scripts need this
response's nonce, no framing by other sites except the embed, HSTS over HTTPS."""

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Endpoints other sites may show in an iframe: the embeddable map, nothing else.
FRAMEABLE_ENDPOINTS = {"public.embed"}
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Trust the configured number of reverse proxies, add the headers and the nonce."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_prefix=proxies)
    app.before_request(forget_nonce)
    app.after_request(set_security_headers)


def forget_nonce() -> None:
    """A test or CLI context may serve several requests: each one gets its own nonce."""
    g.pop("csp_nonce", None)


def csp_nonce() -> str:
    """The nonce of this response's inline scripts (never cache markup that holds it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def tile_source(tile_url: str) -> str:
    """The CSP source of a Leaflet tile URL: {s}.tile.example.org gives *.tile.example.org."""
    parts = urlsplit(tile_url)
    labels = parts.netloc.split(".")
    templated = 0
    while templated < len(labels) and "{" in labels[templated]:
        templated += 1
    rest = labels[templated:]
    if not rest or any("{" in label for label in rest):
        return f"{parts.scheme}:"  # a placeholder CSP cannot express: the scheme alone
    host = ".".join(["*"] * bool(templated) + rest)
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str, frame_ancestors: str) -> str:
    """Scripts from this site or carrying the nonce, tiles from the tile server, no plugins."""
    tiles = tile_source(current_app.config["TILE_URL"])
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        # Leaflet and Folium write style attributes and a tooltip <style>: styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: {tiles}",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def set_security_headers(response: Response) -> Response:
    """Forbid framing (clickjacking) everywhere but the embed; a few safe defaults."""
    frameable = request.endpoint in FRAMEABLE_ENDPOINTS
    response.headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), "*" if frameable else "'none'")
    if frameable:
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
