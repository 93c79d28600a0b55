"""Proposal, correction and report forms, and the follow-up link (HTTP only)."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.contribute import bp
from app.contribute.anti_abuse import (
    StampUsed,
    already_sent_message,
    issue_stamp,
    refresh_stamp,
    spend_stamp,
    submission_problem,
)
from app.contribute.forms import CorrectionForm, ProposalForm, ReportForm
from app.contribute.proposals import propose_correction, propose_initiative, report_problem
from app.database import write_transaction
from app.extensions import db, limiter
from app.initiatives.fields import InvalidInitiative
from app.initiatives.taxonomy import all_themes
from app.models import Initiative
from app.web.maps import location_map
from app.web.submission import Submission, attach_errors, check_submission, initiative_form_data


def submission_limit() -> str:
    return current_app.config.get("SUBMISSION_RATE_LIMIT", "10 per hour;30 per day")


limit_submissions = limiter.limit(
    submission_limit, methods=["POST"], scope="contribution",
    error_message=lambda: _("Trop d'envois depuis votre connexion : réessayez plus tard."))


def wants_preview() -> bool:
    return request.form.get("action") == "preview"


def check_contribution(form, **checks) -> Submission:
    """Refuse what looks automated, then run every check of the form."""
    if problem := submission_problem(form):
        form.form_errors.append(problem)
        return Submission(blocked=True)
    return check_submission(form, **checks)


@bp.route("/initiatives/new", methods=["GET", "POST"])
@limit_submissions
def new():
    """Propose an initiative; it waits for a moderator before reaching the map."""
    form = ProposalForm()
    form.set_theme_choices(all_themes())
    if not form.is_submitted():
        form.stamp.data = issue_stamp()
        return render_form("contribute/new.html", form, Submission())
    submission = check_contribution(form, duplicates=True)
    if submission.ready and not wants_preview():
        try:
            with write_transaction():
                spend_stamp(form)
                _initiative, token = propose_initiative(submission.values, user=current_user)
        except InvalidInitiative as error:
            attach_errors(form, error.errors)
        except StampUsed:
            form.form_errors.append(already_sent_message())
        else:
            flash(_("Merci ! Votre proposition a été envoyée à l'équipe de modération."), "success")
            return redirect(url_for("contribute.follow_up", token=token))
    return render_form("contribute/new.html", form, submission)


def render_form(template: str, form, submission: Submission, **context):
    """The form again, everything typed kept; 400 when something must be fixed."""
    if submission.blocked:
        refresh_stamp(form)
    status = 400 if form.errors else 200
    return render_template(template, form=form, submission=submission,
                           location_map=location_map(form), **context), status


def published_or_404(initiative_id: int) -> Initiative:
    return db.first_or_404(sa.select(Initiative).where(
        Initiative.id == initiative_id, Initiative.status == "published"))


@bp.route("/initiatives/<int:initiative_id>/correction", methods=["GET", "POST"])
@limit_submissions
def correction(initiative_id: int):
    """Propose a correction; the published record changes only once it is approved."""
    initiative = published_or_404(initiative_id)
    form = CorrectionForm(data=initiative_form_data(initiative))
    form.set_theme_choices(all_themes())
    if not form.is_submitted():
        form.stamp.data = issue_stamp()
        return render_form("contribute/correction.html", form, Submission(), initiative=initiative)
    submission = check_contribution(form, partial=True)
    if submission.ready and not wants_preview():
        try:
            with write_transaction():
                spend_stamp(form)
                _change_set, token = propose_correction(
                    initiative, submission.values, email=form.private_email.data,
                    message=form.message.data, user=current_user)
        except InvalidInitiative as error:
            attach_errors(form, error.errors)
        except StampUsed:
            form.form_errors.append(already_sent_message())
        else:
            flash(_("Merci ! Votre correction sera relue avant d'être appliquée."), "success")
            return redirect(url_for("contribute.follow_up", token=token))
    return render_form("contribute/correction.html", form, submission, initiative=initiative)


@bp.route("/initiatives/<int:initiative_id>/signaler", methods=["GET", "POST"])
@limit_submissions
def report(initiative_id: int):
    """Report a problem with a published initiative to its moderators."""
    initiative = published_or_404(initiative_id)
    form = ReportForm()
    if not form.is_submitted():
        form.stamp.data = issue_stamp()
    elif problem := submission_problem(form):
        form.form_errors.append(problem)
        refresh_stamp(form)
    elif form.validate():
        try:
            with write_transaction():
                spend_stamp(form)
                report_problem(initiative, form.kind.data, form.message.data,
                               email=form.private_email.data, user=current_user)
        except InvalidInitiative as error:
            attach_errors(form, error.errors)
        except StampUsed:
            form.form_errors.append(already_sent_message())
        else:
            flash(_("Merci ! Votre signalement a été transmis à l'équipe de modération."),
                  "success")
            return redirect(f"{request.script_root}/initiatives/{initiative.id}")
    status = 400 if form.errors else 200
    return render_template("contribute/report.html", form=form, initiative=initiative), status
