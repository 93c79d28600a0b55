"""Spam checks without third parties: a honeypot field and a minimum time to fill the form,
and the rate limit of the follow-up page."""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from app.extensions import limiter
from app.models.base import utcnow

SALT = "maillage.form-stamp"
DEFAULT_MIN_SECONDS = 3
DEFAULT_MAX_AGE = 2 * 24 * 3600


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_stamp() -> str:
    """A signed token holding the time the form is shown."""
    return serializer().dumps("form")


def submission_problem(form) -> str | None:
    """Why this submission looks automated (a message for people), or None."""
    if form.nickname.data:
        return _("Votre envoi n'a pas pu être accepté.")
    config = current_app.config
    try:
        _payload, shown_at = serializer().loads(
            form.stamp.data or "", max_age=config.get("FORM_MAX_AGE", DEFAULT_MAX_AGE),
            return_timestamp=True)
    except BadData:
        return _("Le formulaire a expiré : vérifiez votre saisie et envoyez-le à nouveau.")
    if (utcnow() - shown_at).total_seconds() < config.get("FORM_MIN_SECONDS", DEFAULT_MIN_SECONDS):
        return _("Envoi trop rapide : vérifiez votre saisie et envoyez-le à nouveau.")
    return None


def follow_up_limit() -> str:
    return current_app.config.get("FOLLOW_UP_RATE_LIMIT", "30 per hour;100 per day")


# A follow-up link is valid for months and each POST may render a preview: limit them per
# address like the other forms a visitor can send (issue 13).
limit_follow_ups = limiter.limit(
    follow_up_limit, methods=["POST"], scope="follow-up",
    error_message=lambda: _("Trop d'envois depuis votre connexion : réessayez plus tard."))
