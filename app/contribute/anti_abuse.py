"""Spam checks of the contributions, beyond the honeypot and fill time every public form shares
(app.web.anti_abuse): a stamp that serves one accepted submission only, quotas of accepted
submissions, and the rate limit of the follow-up page."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.contribute.stamps import claim_stamp, stamp_claimed
from app.extensions import limiter
from app.models.base import utcnow
from app.web.anti_abuse import (  # noqa: F401 (the contribution views' checks)
    issue_stamp,
    max_age,
    serializer,
    stamp_nonce,
    submission_problem,
)
from app.web.limits import Quota


class StampUsed(Exception):
    """Raised when the form's stamp was already spent on an accepted submission."""


def stamp_spent(form) -> bool:
    """Tell whether the form's stamp already served an accepted submission."""
    nonce = stamp_nonce(form)
    return nonce is not None and stamp_claimed(nonce)


def spend_stamp(form) -> None:
    """Spend the stamp in the submission's write transaction; StampUsed if it was."""
    nonce = stamp_nonce(form)
    if nonce is None or not claim_stamp(nonce, forget_before=utcnow() - timedelta(
            seconds=max_age())):
        raise StampUsed(nonce)


def refresh_stamp(form) -> None:
    """A new stamp for a form shown again, unless its stamp was spent: that one was sent."""
    if not stamp_spent(form):
        form.stamp.data = issue_stamp()


def submission_quota() -> Quota:
    """How many submissions this sender may still have accepted: per account when signed in
    (agents of one town hall share an address), else per address."""
    config = current_app.config
    if current_user.is_authenticated:
        return Quota("contribution-account", config.get(
            "ACCOUNT_SUBMISSION_RATE_LIMIT", "60 per hour;300 per day"), str(current_user.id))
    return Quota("contribution", config.get("SUBMISSION_RATE_LIMIT", "10 per hour;30 per day"),
                 get_remote_address())


def follow_up_limit() -> str:
    return current_app.config.get("FOLLOW_UP_RATE_LIMIT", "30 per hour;100 per day")


# A follow-up link is valid for months and each POST may render a preview: limit them per
# address like the other forms a visitor can send (issue 13).
limit_follow_ups = limiter.limit(
    follow_up_limit, methods=["POST"], scope="follow-up",
    error_message=lambda: _("Trop d'envois depuis votre connexion : réessayez plus tard."))
