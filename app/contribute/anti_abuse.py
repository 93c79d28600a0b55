"""Spam checks without third parties: a honeypot field, a minimum time to fill the form, a
stamp that serves one accepted submission only, and the rate limit of the follow-up page."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from app.extensions import db, limiter
from app.models import UsedStamp
from app.models.base import utcnow

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


def already_sent_message() -> str:
    return _("Ce formulaire a déjà été envoyé et votre envoi a bien été reçu : "
             "inutile de l'envoyer à nouveau.")


def submission_problem(form) -> str | None:
    """Why this submission looks automated or repeated (a message for people), or None."""
    if form.nickname.data:
        return _("Votre envoi n'a pas pu être accepté.")
    nonce = stamp_nonce(form)
    if nonce is None:
        return _("Le formulaire a expiré : vérifiez votre saisie et envoyez-le à nouveau.")
    shown_at = serializer().loads(form.stamp.data, return_timestamp=True)[1]
    min_seconds = current_app.config.get("FORM_MIN_SECONDS", DEFAULT_MIN_SECONDS)
    if (utcnow() - shown_at).total_seconds() < min_seconds:
        return _("Envoi trop rapide : vérifiez votre saisie et envoyez-le à nouveau.")
    if db.session.get(UsedStamp, nonce) is not None:
        return already_sent_message()
    return None


def spend_stamp(form) -> None:
    """Record the stamp as spent, in the submission's write transaction; StampUsed if it was.

    The nonce is the primary key: of two identical posts racing, the second one's insert
    fails (or waits for the first to commit, then fails) and its transaction writes nothing.
    Records older than a stamp's lifetime are useless (the stamp has expired) and go.
    """
    nonce = stamp_nonce(form)
    if nonce is None:
        raise StampUsed(nonce)
    db.session.execute(sa.delete(UsedStamp).where(
        UsedStamp.used_at < utcnow() - timedelta(seconds=max_age())))
    db.session.add(UsedStamp(nonce=nonce))
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        raise StampUsed(nonce) from error


def refresh_stamp(form) -> None:
    """A new stamp for a form shown again, unless its stamp was spent: that one was sent."""
    nonce = stamp_nonce(form)
    if nonce is None or db.session.get(UsedStamp, nonce) is None:
        form.stamp.data = issue_stamp()


def follow_up_limit() -> str:
    return current_app.config.get("FOLLOW_UP_RATE_LIMIT", "30 per hour;100 per day")


# A follow-up link is valid for months and each POST may render a preview: limit them per
# address like the other forms a visitor can send (issue 13).
limit_follow_ups = limiter.limit(
    follow_up_limit, methods=["POST"], scope="follow-up",
    error_message=lambda: _("Trop d'envois depuis votre connexion : réessayez plus tard."))
