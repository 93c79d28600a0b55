"""The size cap of request bodies: a form is small, only an upload view may take more."""

from collections.abc import Callable

from flask import current_app, request

# A description of 20,000 characters, each percent-encoded as up to 12 bytes, with the other
# fields: a real form stays well under this; a body over it is refused unread (413).
FORM_MAX_BYTES = 512 * 1024


def accepts_large_bodies(view: Callable) -> Callable:
    """Let this view read bodies up to MAX_CONTENT_LENGTH (a file upload)."""
    view.accepts_large_bodies = True
    return view


def cap_request_body() -> None:
    """Cap this request's body at FORM_MAX_BYTES unless its view takes uploads.

    Registered before CSRF and the rate limiter, whose checks would otherwise read the
    whole form first.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_large_bodies", False):
        return
    cap = current_app.config.get("FORM_MAX_BYTES", FORM_MAX_BYTES)
    app_cap = current_app.config.get("MAX_CONTENT_LENGTH")
    request.max_content_length = cap if app_cap is None else min(cap, app_cap)
