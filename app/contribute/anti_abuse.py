"""Spam checks without third parties: a honeypot field, a minimum time to fill the form, a
stamp that serves one accepted submission only, quotas of accepted submissions, and the rate
limit of the follow-up page."""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer

from app.contribute.stamps import claim_stamp, stamp_claimed
from app.extensions import limiter
from app.models.base import utcnow
from app.web.limits import Quota

SALT = "maillage.form-stamp"
DEFAULT_MIN_SECONDS = 3
DEFAULT_MAX_AGE = 2 * 24 * 3600


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


class StampUsed(Exception):
    """Raised when the form's stamp was already spent on an accepted submission."""


def issue_stamp() -> str:
    """A signed token holding the time the form is shown and a nonce of its own."""
    return serializer().dumps({"nonce": secrets.token_hex(16)})


def max_age() -> int:
    return current_app.config.get("FORM_MAX_AGE", DEFAULT_MAX_AGE)


def stamp_nonce(form) -> str | None:
    """The nonce of the form's valid stamp, or None (a forged, expired or old-style stamp)."""
    try:
        payload = serializer().loads(form.stamp.data or "", max_age=max_age())
    except BadData:
        return None
    nonce = payload.get("nonce") if isinstance(payload, dict) else None
    return nonce if isinstance(nonce, str) and len(nonce) == 32 else None


def submission_problem(form) -> str | None:
    """Why this submission looks automated (a message for people), or None.

    Signed-in contributors skip the minimum fill time: an agent pasting a prepared text is
    not a robot, and their account is limited on its own.
    """
    if form.nickname.data:
        return _("Votre envoi n'a pas pu être accepté.")
    if stamp_nonce(form) is None:
        return _("Le formulaire a expiré : vérifiez votre saisie et envoyez-le à nouveau.")
    if current_user.is_authenticated:
        return None
    shown_at = serializer().loads(form.stamp.data, return_timestamp=True)[1]
    min_seconds = current_app.config.get("FORM_MIN_SECONDS", DEFAULT_MIN_SECONDS)
    if (utcnow() - shown_at).total_seconds() < min_seconds:
        return _("Envoi trop rapide : vérifiez votre saisie et envoyez-le à nouveau.")
    return None


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
