"""Sending a contribution once: the sender's quota, the stamp spent with the write, and the
answer to a form sent twice (HTTP helpers of the contribution views)."""

import math
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.contribute.anti_abuse import StampUsed, spend_stamp, stamp_nonce, submission_quota
from app.database import write_transaction
from app.initiatives.fields import InvalidInitiative
from app.initiatives.follow_ups import find_follow_up, seeded_token
from app.models import Initiative
from app.models.base import utcnow
from app.web.submission import attach_errors


def send(form, write: Callable[[str | None], Any]) -> Any:
    """Run write(nonce of the stamp) in a write transaction that spends the stamp.

    Return what it returned, or None with the reason on the form: over the quota (nothing
    tried, form.retry_at set), a rule broken, or the stamp spent meanwhile by a twin post
    (form.already_sent set). Only what is written counts toward the quota.
    """
    quota = submission_quota()
    if (retry_at := quota.retry_at()) is not None:
        over_quota(form, retry_at)
        return None
    try:
        with write_transaction():
            spend_stamp(form)
            result = write(stamp_nonce(form))
    except InvalidInitiative as error:
        attach_errors(form, error.errors)
        return None
    except StampUsed:
        form.already_sent = True
        return None
    quota.spend()
    return result


def over_quota(form, retry_at) -> None:
    """Say when the sender may send again; the form keeps everything typed."""
    seconds = max(1, math.ceil((retry_at - utcnow()).total_seconds()))
    form.retry_at, form.retry_after = retry_at, seconds
    minutes = math.ceil(seconds / 60)
    form.form_errors.append(ngettext(
        "Vous avez envoyé beaucoup de contributions en peu de temps. Votre saisie est "
        "conservée : envoyez-la de nouveau dans %(num)d minute.",
        "Vous avez envoyé beaucoup de contributions en peu de temps. Votre saisie est "
        "conservée : envoyez-la de nouveau dans %(num)d minutes.", minutes))


def already_sent(form, initiative: Initiative | None = None):
    """The answer to a form whose submission was already accepted: its follow-up page.

    The follow-up token of a submission is derived from its form's stamp, so the second post
    of a double click finds the first one's page; a report has none and goes back to its
    initiative.
    """
    message = _("Ce formulaire a déjà été envoyé et votre envoi a bien été reçu : "
                "inutile de l'envoyer à nouveau.")
    flash(message, "success")
    nonce = stamp_nonce(form)
    token = seeded_token(nonce) if nonce else None
    if token and find_follow_up(token) is not None:
        return redirect(url_for("contribute.follow_up", token=token), 303)
    if initiative is not None:
        return redirect(f"{request.script_root}/initiatives/{initiative.id}", 303)
    return redirect(f"{request.script_root}/", 303)
