"""Proposal, correction and report forms, and the follow-up link (HTTP only)."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.contribute import bp
from app.contribute.anti_abuse import issue_stamp, refresh_stamp, stamp_spent, submission_problem
from app.contribute.forms import CorrectionForm, ProposalForm, ReportForm
from app.contribute.proposals import propose_correction, propose_initiative, report_problem
from app.contribute.sending import already_sent, send
from app.database import as_integer
from app.extensions import db, limiter
from app.initiatives.taxonomy import all_themes
from app.models import Initiative
from app.web.maps import location_map
from app.web.submission import Submission, check_submission, initiative_form_data


def form_post_limit() -> str:
    return current_app.config.get("FORM_POST_RATE_LIMIT", "120 per hour;400 per day")


# Only accepted submissions count toward a sender's quota (anti_abuse.submission_quota); this
# looser limit on every anonymous POST, previews and refused attempts included, stops floods.
limit_submissions = limiter.limit(
    form_post_limit, methods=["POST"], scope="contribution-posts",
    exempt_when=lambda: current_user.is_authenticated,
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
    if request.method == "GET" and (refused := own_refused(request.args.get("reprendre"))):
        return resume_form(refused)
    form = ProposalForm()
    form.set_theme_choices(all_themes())
    if not form.is_submitted():
        form.stamp.data = issue_stamp()
        return render_form("contribute/new.html", form, Submission())
    if stamp_spent(form):
        return already_sent(form)
    submission = check_contribution(form, duplicates=True)
    if submission.ready and not wants_preview():
        sent = send(form, lambda seed: propose_initiative(submission.values, user=current_user,
                                                           seed=seed))
        if sent:
            flash(_("Merci ! Votre proposition a été envoyée à l'équipe de modération."), "success")
            return redirect(url_for("contribute.follow_up", token=sent[1]))
    return render_form("contribute/new.html", form, submission)


def own_refused(initiative_id: str | None) -> Initiative | None:
    """The signed-in user's refused proposal of this id, or None."""
    if not current_user.is_authenticated or as_integer(initiative_id) is None:
        return None
    return db.session.scalar(sa.select(Initiative).where(
        Initiative.id == as_integer(initiative_id), Initiative.status == "rejected",
        Initiative.created_by_id == current_user.id))


def resume_form(refused: Initiative):
    """A new proposal form holding a refused proposal's values, to fix and send again."""
    form = ProposalForm(formdata=None, data={**initiative_form_data(refused),
                                             "private_email": refused.private_email})
    form.set_theme_choices(all_themes())
    form.stamp.data = issue_stamp()
    return render_form("contribute/new.html", form, Submission(), resumed=refused)


def render_form(template: str, form, submission: Submission, **context):
    """The form again, everything typed kept: 429 over the quota, 400 when something must be
    fixed."""
    if getattr(form, "already_sent", False):
        return already_sent(form)
    if submission.blocked:
        refresh_stamp(form)
    retry_at = getattr(form, "retry_at", None)
    status = 429 if retry_at else 400 if form.errors else 200
    headers = {"Retry-After": str(form.retry_after)} if retry_at else {}
    return render_template(template, form=form, submission=submission,
                           location_map=location_map(form), **context), status, headers


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
    if stamp_spent(form):
        return already_sent(form)
    submission = check_contribution(form, partial=True)
    if submission.ready and not wants_preview():
        sent = send(form, lambda seed: propose_correction(
            initiative, submission.values, email=form.private_email.data,
            message=form.message.data, user=current_user, seed=seed))
        if sent:
            flash(_("Merci ! Votre correction sera relue avant d'être appliquée."), "success")
            return redirect(url_for("contribute.follow_up", token=sent[1]))
    return render_form("contribute/correction.html", form, submission, initiative=initiative)


@bp.route("/initiatives/<int:initiative_id>/signaler", methods=["GET", "POST"])
@limit_submissions
def report(initiative_id: int):
    """Report a problem with a published initiative to its moderators."""
    initiative = published_or_404(initiative_id)
    form = ReportForm()
    if not form.is_submitted():
        form.stamp.data = issue_stamp()
    elif stamp_spent(form):
        return already_sent(form, initiative)
    elif problem := submission_problem(form):
        form.form_errors.append(problem)
        refresh_stamp(form)
    elif form.validate() and send(form, lambda _seed: report_problem(
            initiative, form.kind.data, form.message.data, email=form.private_email.data,
            user=current_user)):
        flash(_("Merci ! Votre signalement a été transmis à l'équipe de modération."), "success")
        return redirect(f"{request.script_root}/initiatives/{initiative.id}")
    if getattr(form, "already_sent", False):
        return already_sent(form, initiative)
    retry_at = getattr(form, "retry_at", None)
    status = 429 if retry_at else 400 if form.errors else 200
    return render_template("contribute/report.html", form=form, initiative=initiative), status
