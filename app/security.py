"""Security headers on every response: no framing by other sites, except the embed."""

from flask import Response, request

# Endpoints other sites may show in an iframe: the embeddable map, nothing else.
FRAMEABLE_ENDPOINTS = {"public.embed"}


def with_frame_ancestors(policy: str | None, sources: str) -> str:
    """Add a frame-ancestors directive to a Content-Security-Policy that has none."""
    if policy and "frame-ancestors" in policy:
        return policy
    directive = f"frame-ancestors {sources}"
    return f"{policy.rstrip('; ')}; {directive}" if policy else directive


def set_security_headers(response: Response) -> Response:
    """Forbid framing (clickjacking) everywhere but the embed; a few safe defaults."""
    policy = response.headers.get("Content-Security-Policy")
    if request.endpoint in FRAMEABLE_ENDPOINTS:
        response.headers["Content-Security-Policy"] = with_frame_ancestors(policy, "*")
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["Content-Security-Policy"] = with_frame_ancestors(policy, "'none'")
        response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
