"""Spam checks every public form shares, without third parties: a honeypot field nobody sees
and a signed stamp holding when the form was shown (too fast is a robot; too old, expired)."""

import secrets

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import HiddenField, StringField

from app.models.base import utcnow

SALT = "maillage.form-stamp"
DEFAULT_MIN_SECONDS = 3
DEFAULT_MAX_AGE = 2 * 24 * 3600


class AntiAbuseMixin:
    """A honeypot nobody sees and the signed time the form was shown."""

    nickname = StringField(_l("Ne remplissez pas ce champ"),
                           render_kw={"autocomplete": "off", "tabindex": "-1"})
    stamp = HiddenField()


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


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
