"""The links of a re-confirmation reminder, usable without an account (HTTP only).

A GET only shows what the link will do; the POST of its button does it, since mail scanners
follow the links of the messages they inspect.
"""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from app.contribute import bp
from app.contribute.forms import EndedForm, ReminderConfirmForm
from app.database import write_transaction
from app.initiatives.change_sets import propose_change
from app.initiatives.fields import InvalidInitiative
from app.initiatives.freshness import confirm
from app.initiatives.moderation import DecisionNotAllowed
from app.initiatives.reminders import ReminderLinkError, answered, contact_of, initiative_of_token
from app.web.submission import attach_errors


def refused(error: ReminderLinkError):
    """Say plainly why the link does not work and what to do instead."""
    return render_template("contribute/reminder_refused.html", expired=error.expired), (
        410 if error.expired else 400)


@bp.route("/rappel/<token>/confirmer", methods=["GET", "POST"])
def reminder_confirm(token: str):
    """"Toujours d'actualité": confirm the entry as of today."""
    try:
        initiative, number = initiative_of_token(token)
    except ReminderLinkError as error:
        return refused(error)
    form = ReminderConfirmForm()
    if form.validate_on_submit():
        with write_transaction():
            confirm(initiative, author=None,
                    reason=f"Confirmée par son contact (rappel n° {number})")
        return render_template("contribute/reminder_done.html", initiative=initiative,
                               done="confirmed")
    return render_template("contribute/reminder_confirm.html", initiative=initiative, form=form)


@bp.get("/rappel/<token>/corriger")
def reminder_correct(token: str):
    """"À corriger": the correction form of the entry (it changes nothing by itself)."""
    try:
        initiative, _number = initiative_of_token(token)
    except ReminderLinkError as error:
        return refused(error)
    return redirect(url_for("contribute.correction", initiative_id=initiative.id))


@bp.route("/rappel/<token>/terminee", methods=["GET", "POST"])
def reminder_ended(token: str):
    """"Terminée": its end date and what it left, moderated like any correction."""
    try:
        initiative, number = initiative_of_token(token)
    except ReminderLinkError as error:
        return refused(error)
    form, status = EndedForm(), 200
    if form.validate_on_submit():
        try:
            with write_transaction():
                propose_change(initiative, {"life_status": "ended", "ended_on": form.ended_on.data,
                                            "life_note": form.life_note.data},
                               author=None, email=contact_of(initiative),
                               message=f"Terminée, d'après son contact (rappel n° {number})")
                answered(initiative)
        except InvalidInitiative as error:
            attach_errors(form, error.errors)
        except DecisionNotAllowed:
            form.form_errors.append(_("Cette fiche ne peut plus être modifiée."))
        else:
            return render_template("contribute/reminder_done.html", initiative=initiative,
                                   done="ended")
    if form.errors or form.form_errors:
        status = 400
    return render_template("contribute/reminder_ended.html", initiative=initiative,
                           form=form), status
