"""The proposer's follow-up page, through its secret link or from "my contributions":
status, decision, and edits while pending (HTTP only)."""

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.contribute import bp
from app.contribute.anti_abuse import limit_follow_ups
from app.contribute.forms import ChangeSetFollowUpForm, FollowUpForm
from app.contribute.routes import resume_form
from app.database import as_integer, write_transaction
from app.extensions import db
from app.initiatives.change_sets import revise_change_set, withdraw_change_set
from app.initiatives.fields import InvalidInitiative
from app.initiatives.follow_ups import find_follow_up
from app.initiatives.moderation import DecisionNotAllowed, awaiting_proposer, resubmit
from app.initiatives.services import StaleInitiative
from app.initiatives.taxonomy import all_themes
from app.models import ChangeSet, Initiative
from app.web.history import diff_rows
from app.web.maps import location_map
from app.web.permissions import login_required
from app.web.submission import (
    Submission,
    attach_errors,
    change_set_form_data,
    check_submission,
    initiative_form_data,
)

RESUBMITTED = "Modifiée par la personne qui l'a proposée"
CONFLICTS = (StaleInitiative, StaleDataError, DecisionNotAllowed)


@bp.route("/suivi/<token>", methods=["GET", "POST"])
@limit_follow_ups
def follow_up(token: str):
    """What became of a proposal or a correction; edit it while it is pending."""
    link = find_follow_up(token)
    if link is None:
        abort(404, _("Ce lien de suivi est inconnu ou a expiré."))
    here = url_for("contribute.follow_up", token=token)
    if link.change_set is not None:
        return private(change_set_page(link.change_set, here, token))
    return private(proposal_page(link.initiative, here, token))


@bp.route("/mes-contributions/propositions/<int:initiative_id>", methods=["GET", "POST"])
@login_required
@limit_follow_ups
def my_proposal(initiative_id: int):
    """The follow-up page of a proposal, for the account that sent it."""
    initiative = db.first_or_404(sa.select(Initiative).where(
        Initiative.id == initiative_id, Initiative.created_by_id == current_user.id))
    here = url_for("contribute.my_proposal", initiative_id=initiative.id)
    return private(proposal_page(initiative, here))


@bp.route("/mes-contributions/corrections/<int:change_set_id>", methods=["GET", "POST"])
@login_required
@limit_follow_ups
def my_correction(change_set_id: int):
    """The follow-up page of a correction, for the account that sent it."""
    change_set = db.first_or_404(sa.select(ChangeSet).where(
        ChangeSet.id == change_set_id, ChangeSet.author_id == current_user.id))
    here = url_for("contribute.my_correction", change_set_id=change_set.id)
    return private(change_set_page(change_set, here))


def private(response):
    """The page's URL is a secret: keep it out of caches, referrers and search engines."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def proposal_page(initiative: Initiative, here: str, token: str | None = None):
    if initiative.status == "rejected" and request.args.get("reprendre"):
        return resume_form(initiative)
    form = FollowUpForm(data={**initiative_form_data(initiative),
                              "private_email": initiative.private_email,
                              "version": initiative.version})
    form.set_theme_choices(all_themes())
    submission = Submission()
    if form.is_submitted() and initiative.status == "pending":
        submission = check_submission(form)
        if submission.ready and request.form.get("action") != "preview":
            if save(form, lambda: resubmit(initiative, submission.values, reason=RESUBMITTED,
                                           expected_version=as_integer(form.version.data) or 0)):
                flash(_("Vos modifications ont été enregistrées et seront relues."), "success")
                return redirect(here)
    editable = initiative.status == "pending"
    return render_template("contribute/follow_up.html", initiative=initiative, form=form,
                           submission=submission, token=token, here=here,
                           awaiting_proposer=awaiting_proposer(initiative),
                           location_map=location_map(form) if editable else None), \
        page_status(form)


def change_set_page(change_set: ChangeSet, here: str, token: str | None = None):
    form = ChangeSetFollowUpForm(data=change_set_form_data(change_set))
    form.set_theme_choices(all_themes())
    submission = Submission()
    if form.is_submitted() and change_set.status == "pending":
        if request.form.get("action") == "withdraw":
            if save(form, lambda: withdraw_change_set(change_set)):
                flash(_("Votre correction a été retirée."), "success")
                return redirect(here)
        else:
            submission = check_submission(form, partial=True)
            if submission.ready and request.form.get("action") != "preview" and save(
                    form, lambda: revise_change_set(change_set, submission.values,
                                                    email=form.private_email.data,
                                                    message=form.message.data)):
                flash(_("Vos modifications ont été enregistrées et seront relues."), "success")
                return redirect(here)
    editable = change_set.status == "pending"
    return render_template("contribute/follow_up_change_set.html", change_set=change_set,
                           initiative=change_set.initiative, form=form, submission=submission,
                           token=token, rows=diff_rows(change_set),
                           location_map=location_map(form) if editable else None), \
        page_status(form)


def page_status(form) -> int:
    """409 after a conflict, 400 when something must be fixed, else 200."""
    if getattr(form, "conflict", False):
        return 409
    return 400 if form.errors else 200


def save(form, write) -> bool:
    """Run a write; on a conflict or a rule broken, say so on the form and return False."""
    try:
        with write_transaction():
            write()
    except CONFLICTS:
        form.conflict = True
        form.form_errors.append(_("Votre proposition a été traitée ou modifiée entre-temps : "
                                  "rechargez la page pour voir son état."))
        return False
    except InvalidInitiative as error:
        attach_errors(form, error.errors)
        return False
    return True
