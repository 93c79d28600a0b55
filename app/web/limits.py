"""The size cap of request bodies (a form is small, only an upload view may take more), and
quotas: rate limits counted on what a view accepts rather than on every request."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, request
from limits import parse_many

from app.extensions import limiter

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


@dataclass(frozen=True)
class Quota:
    """Limits ("10 per hour;30 per day") on one key, spent only by what the view accepts.

    A view asks retry_at() before doing the work and calls spend() once it is done, so a
    refused or previewed form costs nothing. Counted in the rate limiter's storage (Redis
    when configured), like the limits of the decorators.
    """

    scope: str
    limits: str
    key: str

    def retry_at(self) -> datetime | None:
        """When one more will be accepted, or None when one is now."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return None
        strategy = limiter.limiter
        spent = [item for item in parse_many(self.limits)
                 if not strategy.test(item, self.scope, self.key)]
        if not spent:
            return None
        reset = max(strategy.get_window_stats(item, self.scope, self.key).reset_time
                    for item in spent)
        return datetime.fromtimestamp(reset, UTC)

    def spend(self) -> None:
        if current_app.config.get("RATELIMIT_ENABLED", True):
            for item in parse_many(self.limits):
                limiter.limiter.hit(item, self.scope, self.key)
