"""The moderation queue, decisions, edits and merges (HTTP only)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.database import as_integer, write_transaction
from app.extensions import db
from app.initiatives import moderation
from app.initiatives.fields import InvalidInitiative
from app.initiatives.moderation import DecisionNotAllowed
from app.initiatives.scopes import OutOfScope
from app.initiatives.services import StaleInitiative, update_initiative
from app.initiatives.taxonomy import all_themes
from app.models import ChangeSet, Initiative, Report
from app.moderation import bp
from app.moderation.forms import (
    BulkForm,
    ChangeSetDecisionForm,
    DecisionForm,
    EditForm,
    MergeForm,
    ReportDecisionForm,
)
from app.moderation.pages import (
    load_change_set,
    load_report,
    render_change_set,
    render_queue,
    render_review,
)
from app.moderation.services import (
    active_reasons,
    close_report,
    decide_change_set,
    decide_initiative,
    decide_item,
    load_bulk_item,
    queue_args,
    reason_text,
)
from app.web.i18n import translate
from app.web.maps import location_map
from app.web.permissions import can_moderate, load_initiative, moderates, moderator_required
from app.web.submission import Submission, attach_errors, check_submission, initiative_form_data

CONFLICTS = (StaleInitiative, StaleDataError, DecisionNotAllowed)
NEEDS_REASON = ("reject", "request_changes")


def conflict_message() -> str:
    return _("Quelqu'un a traité ou modifié cet élément entre-temps : voici son état actuel. "
             "Votre décision n'a pas été appliquée, rien n'a été écrasé.")


def version_of(form) -> int:
    """The version the moderator saw; none sent counts as an outdated one (fail closed)."""
    return as_integer(form.version.data) or 0


@bp.get("/")
@moderator_required
def queue():
    """What waits for a decision in the moderator's territories."""
    return render_queue()


@bp.get("/initiatives/<int:initiative_id>")
@moderates(load_initiative)
def review(initiative: Initiative):
    """An initiative with its map, possible duplicates and the decisions open to it."""
    return render_review(initiative)


def decision_reason(form) -> str | None:
    """The reason of a decision, or None (and an error on the form) when one is missing."""
    reason = reason_text(form.reason_id.data, form.reason.data)
    if form.decision.data in NEEDS_REASON and not reason:
        form.reason.errors = [_("Indiquez un motif ou choisissez un motif type.")]
        return None
    return reason


@bp.post("/initiatives/<int:initiative_id>/decision")
@moderates(load_initiative)
def decide(initiative: Initiative):
    """Publish, reject, send back or archive an initiative."""
    return take_decision(DecisionForm(), decide_initiative, initiative,
                         lambda **kwargs: render_review(initiative, **kwargs))


def back_to_queue(**default):
    """Back to the page of the queue the decision was taken from (its filters and cursors),
    else to the queue with `default`'s filters."""
    return redirect(url_for("moderation.queue", **(queue_args(request.args) or default)))


def take_decision(form, decide_on, item, render):
    """Check a decision form, apply it in one transaction; on a conflict, show the item now."""
    form.set_reasons(active_reasons())
    if not form.validate() or (reason := decision_reason(form)) is None:
        return render(decision_form=form, status=400)
    try:
        with write_transaction():
            decide_on(item, form.decision.data, moderator=current_user, reason=reason,
                      expected_version=version_of(form))
    except CONFLICTS:
        flash(conflict_message(), "error")
        return render(status=409)
    except OutOfScope as error:
        flash(" ".join(map(translate, error.errors.values())), "error")
        return render(status=403)
    except InvalidInitiative as error:  # a correction kept from before a rule now breaks it
        flash(" ".join(map(translate, error.errors.values())), "error")
        return render(status=400)
    flash(_("Décision enregistrée."), "success")
    return back_to_queue()


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@moderates(load_initiative)
def edit(initiative: Initiative):
    """Correct an initiative; for a pending one, correct then publish in one go."""
    form = EditForm(data={**initiative_form_data(initiative), "version": initiative.version,
                          "private_email": initiative.private_email})
    form.set_theme_choices(all_themes())
    status, submission = 200, Submission()
    if form.is_submitted():
        submission = check_submission(form)
        if submission.ready:
            try:
                with write_transaction():
                    save_edit(initiative, form, submission.values)
            except CONFLICTS:
                form.form_errors.append(conflict_message())
                form.version.data = str(initiative.version)
                status = 409
            except InvalidInitiative as error:
                attach_errors(form, error.errors)
            else:
                flash(_("Modifications enregistrées."), "success")
                return redirect(url_for("moderation.review", initiative_id=initiative.id))
        status = 400 if status == 200 and form.errors else status
    return render_template("moderation/edit.html", initiative=initiative, form=form,
                           submission=submission, location_map=location_map(form)), status


def save_edit(initiative: Initiative, form: EditForm, values: dict) -> None:
    reason = (form.reason.data or "").strip()
    if request.form.get("action") == "approve" and initiative.status == "pending":
        decide_initiative(initiative, "approve", moderator=current_user, reason=reason,
                          expected_version=version_of(form), changes=values)
    else:
        update_initiative(initiative, values, author=current_user, reason=reason,
                          expected_version=version_of(form))


@bp.post("/initiatives/<int:initiative_id>/merge")
@moderates(load_initiative)
def merge(initiative: Initiative):
    """Merge a duplicate into another initiative the moderator may act on."""
    form = MergeForm()
    target_id = as_integer(form.target_id.data) if form.validate() else None
    target = db.session.get(Initiative, target_id) if target_id else None
    if target is None or target.id == initiative.id or not can_moderate(current_user, target):
        form.target_id.errors = [_("Choisissez une autre initiative de votre territoire.")]
        return render_review(initiative, merge_form=form, status=400)
    try:
        with write_transaction():
            moderation.merge(initiative, target, moderator=current_user,
                             reason=form.reason.data or "", expected_version=version_of(form))
    except CONFLICTS:
        flash(conflict_message(), "error")
        return render_review(initiative, status=409)
    except OutOfScope:
        form.target_id.errors = [_("Choisissez une autre initiative de votre territoire.")]
        return render_review(initiative, merge_form=form, status=400)
    flash(_("Fusion enregistrée."), "success")
    return redirect(url_for("moderation.review", initiative_id=target.id))


@bp.get("/change-sets/<int:change_set_id>")
@moderates(load_change_set)
def review_change_set(change_set: ChangeSet):
    """A proposed correction as a diff against the live record."""
    return render_change_set(change_set)


@bp.post("/change-sets/<int:change_set_id>/decision")
@moderates(load_change_set)
def decide_change(change_set: ChangeSet):
    """Apply, reject or send back a correction."""
    return take_decision(ChangeSetDecisionForm(), decide_change_set, change_set,
                         lambda **kwargs: render_change_set(change_set, **kwargs))


@bp.post("/reports/<int:report_id>/decision")
@moderates(load_report)
def decide_report(report: Report):
    """Close a report, archiving the initiative if asked."""
    form = ReportDecisionForm()
    if not form.validate():
        flash(_("Choisissez une décision pour le signalement."), "error")
        return back_to_queue(type="report")
    try:
        with write_transaction():
            close_report(report, form.decision.data, moderator=current_user,
                         comment=form.comment.data or "", expected_version=version_of(form),
                         archive=form.archive.data)
    except CONFLICTS:
        flash(conflict_message(), "error")
    except OutOfScope as error:
        flash(" ".join(map(translate, error.errors.values())), "error")
    else:
        flash(_("Signalement traité."), "success")
    return back_to_queue(type="report")


@bp.post("/bulk")
@moderator_required
def bulk():
    """Publish or reject several proposals and corrections at once."""
    form = BulkForm()
    form.set_reasons(active_reasons())
    if not form.validate() or not form.items.data or (reason := decision_reason(form)) is None:
        flash(_("Cochez des éléments, choisissez une décision et, pour un refus, un motif."),
              "error")
        return back_to_queue()
    counts = {"done": 0, "conflicts": 0, "refused": 0}
    for key in form.items.data:
        counts[bulk_one(key, form.decision.data, reason)] += 1
    flash(_("%(done)d élément(s) traité(s), %(conflicts)d déjà traité(s) par quelqu'un d'autre, "
            "%(refused)d hors de votre territoire ou introuvable(s).", **counts),
          "success" if not counts["conflicts"] else "error")
    return back_to_queue()


def bulk_one(key: str, decision: str, reason: str) -> str:
    """Decide on one item of a bulk; say how it went."""
    found = load_bulk_item(key)
    if found is None or not can_moderate(current_user, found[0]):
        return "refused"
    try:
        with write_transaction():
            decide_item(found[0], decision, moderator=current_user, reason=reason,
                        expected_version=found[1])
    except CONFLICTS:
        return "conflicts"
    except InvalidInitiative:  # out of the territory, or a correction breaking a rule
        return "refused"
    return "done"
