"""The moderation pages, rendered the same after a GET, an error or a conflict."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.extensions import db
from app.geo.point_checks import stored_point_warning
from app.geo.territory import current_gazetteer, territory_name
from app.initiatives.duplicates import find_duplicates, with_duplicates
from app.initiatives.fields import period_error
from app.initiatives.history import side_items
from app.initiatives.moderation import TRANSITIONS, awaiting_proposer
from app.initiatives.taxonomy import all_themes
from app.models import ChangeSet, Initiative, Report
from app.moderation import bp
from app.moderation.forms import (
    BulkForm,
    ChangeSetDecisionForm,
    DecisionForm,
    MergeForm,
    ReportDecisionForm,
)
from app.moderation.services import (
    SECTIONS,
    active_reasons,
    load_queue,
    parse_queue_filters,
    queue_args,
)
from app.notifications.messages import change_set_address, proposer_address
from app.web import keyset
from app.web.forms import options
from app.web.history import FIELD_LABELS, diff_rows, shown
from app.web.i18n import translate
from app.web.labels import DECISION_LABELS, KIND_LABELS, REPORT_LABELS
from app.web.maps import initiative_map
from app.web.markdown import render_markdown
from app.web.urls import query_string


@bp.context_processor
def moderation_labels() -> dict:
    """Words for the codes the moderation pages show."""
    return {"report_labels": REPORT_LABELS, "queue_back": queue_args(request.args)}


def load_change_set(change_set_id: int) -> ChangeSet:
    return db.get_or_404(ChangeSet, change_set_id)


def load_report(report_id: int) -> Report:
    return db.get_or_404(Report, report_id)


def render_queue():
    filters = parse_queue_filters(request.args)
    bulk_form = BulkForm(formdata=None)
    bulk_form.set_reasons(active_reasons())
    gazetteer = current_gazetteer()
    queue = load_queue(current_user, filters, requested_cursors())
    return render_template(
        "moderation/queue.html", queue=queue, filters=filters, page_links=section_links(),
        duplicated=with_duplicates(queue.proposals.items if queue.proposals else []),
        bulk_form=bulk_form, report_form=ReportDecisionForm(formdata=None), themes=all_themes(),
        kinds=KIND_LABELS, departements=gazetteer.departements(), regions=gazetteer.regions(),
        awaiting_proposer=awaiting_proposer,
        territories=[territory_name(s.level, s.code) for s in current_user.scopes])


def requested_cursors() -> dict[str, keyset.Cursor | None]:
    """The page of each section the request asks for (a 400 page for a cursor not ours)."""
    return {section.item_type: keyset.requested(request.args, section.order.code,
                                                section.order.parsers, param=section.param)
            for section in SECTIONS}


def section_links() -> dict:
    """For each section, the URL of its page a cursor leads to, the other sections kept."""
    def link(param: str):
        return lambda token: request.path + query_string(request.args, **{param: token})
    return {section.item_type: link(section.param) for section in SECTIONS}


def decisions_for(initiative: Initiative) -> list[SelectChoice]:
    """The decisions the initiative's status allows, with their labels."""
    return options((decision, label) for decision, label in DECISION_LABELS.items()
                   if initiative.status in TRANSITIONS[decision][0])


def render_review(initiative: Initiative, *, decision_form=None, merge_form=None,
                  status: int = 200):
    if decision_form is None:
        decision_form = DecisionForm(formdata=None, data={"version": initiative.version})
    decision_form.decision.choices = decisions_for(initiative)
    decision_form.set_reasons(active_reasons())
    merge_form = merge_form or MergeForm(formdata=None, data={"version": initiative.version})
    duplicates = find_duplicates(initiative.name, initiative.lon, initiative.lat,
                                 initiative.website, exclude_id=initiative.id)
    change_sets, reports = side_items(initiative)
    return render_template(
        "moderation/review.html", initiative=initiative, decision_form=decision_form,
        merge_form=merge_form, duplicates=duplicates, shown=shown, labels=FIELD_LABELS,
        change_sets=[c for c in change_sets if c.status == "pending"],
        reports=[r for r in reports if r.status == "open"],
        awaiting_proposer=awaiting_proposer(initiative),
        unreachable=proposer_address(initiative) is None,
        description_html=render_markdown(initiative.description),
        warnings=data_warnings(initiative),
        map=initiative_map(initiative, _("Emplacement de l'initiative"))), status


def data_warnings(initiative: Initiative) -> list[str]:
    """What the rules of today refuse in the stored values (older data, imports): a point
    far from its commune or from France, an end before the start."""
    found = [stored_point_warning(current_gazetteer(), initiative.insee, initiative.lon,
                                  initiative.lat),
             period_error({"started_on": initiative.started_on,
                           "ended_on": initiative.ended_on})]
    return [translate(warning) for warning in found if warning]


def render_change_set(change_set: ChangeSet, *, decision_form=None, status: int = 200):
    if decision_form is None:
        decision_form = ChangeSetDecisionForm(formdata=None, data={"version": change_set.version})
    decision_form.set_reasons(active_reasons())
    rows = diff_rows(change_set)
    initiative = change_set.initiative
    return render_template(
        "moderation/change_set.html", change_set=change_set, initiative=initiative, rows=rows,
        decision_form=decision_form, outdated=change_set.base_version != initiative.version,
        unreachable=change_set_address(change_set) is None,
        map=initiative_map(initiative, _("Emplacement actuel de l'initiative"))), status
