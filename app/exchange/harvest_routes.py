"""/admin/sources: the harvest sources, their state, history and settings (HTTP only).

Admins only: a source decides what enters the map, and where the server may connect.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.database import write_transaction
from app.exchange import bp
from app.exchange.harvest_forms import FORMAT_LABELS, ActionForm, SourceForm
from app.exchange.harvest_pull import sync_source
from app.exchange.harvest_rows import mapping_lines, parse_mapping
from app.extensions import db
from app.harvest.schedule import runs_of
from app.harvest.settings import (
    InvalidSource,
    SourceValues,
    add_source,
    audit,
    change_source,
    parse_every,
    set_paused,
    settings_of,
    source_list,
)
from app.models.harvest import HarvestSource
from app.web.permissions import admin_required, is_admin, permission_required
from app.web.submission import attach_errors


def load_source(source_id: int) -> HarvestSource:
    return db.get_or_404(HarvestSource, source_id)


@bp.route("/admin/sources", methods=["GET"])
@admin_required
def admin_sources():
    """Every source with its state and last error."""
    return render_template("exchange/sources.html", sources=source_list(),
                           formats=FORMAT_LABELS, action=ActionForm())


@bp.route("/admin/sources/new", methods=["GET", "POST"])
@admin_required
def admin_new_source():
    form = SourceForm()
    if form.validate_on_submit():
        source = save(form, None)
        if source is not None:
            flash(_("Source ajoutée : elle sera lue à la prochaine synchronisation."), "success")
            return redirect(url_for("exchange.admin_source", source_id=source.id))
    return render_template("exchange/source_form.html", form=form, source=None), \
        400 if form.errors or form.form_errors else 200


@bp.route("/admin/sources/<int:source_id>", methods=["GET", "POST"])
@permission_required(is_admin, load_source)
def admin_source(source: HarvestSource):
    """A source: its state, its runs, and its settings to change."""
    form = SourceForm(obj=source, every=every_text(source.interval_seconds),
                      mapping=mapping_lines(source.column_mapping))
    if form.validate_on_submit() and save(form, source) is not None:
        flash(_("Source enregistrée."), "success")
        return redirect(url_for("exchange.admin_source", source_id=source.id))
    return render_template("exchange/source.html", source=source, form=form,
                           runs=runs_of(source), formats=FORMAT_LABELS, action=ActionForm()), \
        400 if form.errors or form.form_errors else 200


def save(form: SourceForm, source: HarvestSource | None) -> HarvestSource | None:
    """Add or change the source in one transaction with its audit entry; errors on the form."""
    try:
        values = SourceValues(form.name.data, form.url.data, form.format.data,
                              form.trusted.data, form.allow_private.data,
                              parse_every(form.every.data),
                              parse_mapping(form.mapping.data.splitlines()))
        with write_transaction():
            before = settings_of(source) if source else {}
            saved = change_source(source, values) if source else add_source(
                values, author=current_user)
            audit("source_update" if source else "source_create", current_user, saved, before)
    except InvalidSource as invalid:  # the interval is typed in the "every" field
        attach_errors(form, {"every" if name == "interval" else name: message
                             for name, message in invalid.errors.items()})
        return None
    except ValueError as error:  # a mapping line
        form.mapping.errors = [*form.mapping.errors, str(error)]
        return None
    return saved


def every_text(seconds: int) -> str:
    """The interval as the form takes it ("1d", "6h", "30m")."""
    for unit, size in (("w", 604_800), ("d", 86_400), ("h", 3_600)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


@bp.post("/admin/sources/<int:source_id>/pause")
@permission_required(is_admin, load_source)
def admin_pause_source(source: HarvestSource):
    """Pause a running source, or resume a paused one."""
    if ActionForm().validate_on_submit():
        with write_transaction():
            before = settings_of(source)
            set_paused(source, not source.paused)
            audit("source_pause" if source.paused else "source_resume", current_user, source,
                  before)
        flash(_("Source mise en pause.") if source.paused
              else _("Source reprise : elle sera lue à la prochaine synchronisation."), "success")
    return redirect(url_for("exchange.admin_source", source_id=source.id))


@bp.post("/admin/sources/<int:source_id>/sync")
@permission_required(is_admin, load_source)
def admin_sync_source(source: HarvestSource):
    """Synchronise now, and say how it went."""
    if ActionForm().validate_on_submit():
        with write_transaction():
            audit("source_sync", current_user, source, settings_of(source))
        run = sync_source(source.id)
        if run.outcome == "failed":
            flash(_("La synchronisation a échoué : %(message)s", message=run.message), "error")
        else:
            flash(_("Synchronisation terminée."), "success")
    return redirect(url_for("exchange.admin_source", source_id=source.id))
