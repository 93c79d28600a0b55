"""The queue of stale entries and their confirmation by a moderator (HTTP only)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.database import as_integer, write_transaction
from app.initiatives.freshness import confirm, stale_after_days, stale_entries
from app.initiatives.reminders import contact_of
from app.initiatives.scopes import scope_condition
from app.models import Initiative
from app.moderation import bp
from app.moderation.forms import ConfirmForm
from app.web.permissions import load_initiative, moderates, moderator_required


@bp.get("/a-verifier")
@moderator_required
def stale_queue():
    """The published entries of the moderator's territories nobody confirmed for long."""
    entries = stale_entries(scope_condition(current_user))
    return render_template("moderation/stale.html", entries=entries, days=stale_after_days(),
                           reachable={entry.id for entry in entries if contact_of(entry)},
                           form=ConfirmForm(formdata=None))


@bp.post("/initiatives/<int:initiative_id>/confirmer")
@moderates(load_initiative)
def confirm_entry(initiative: Initiative):
    """Record that the moderator checked the entry and that it is still true."""
    form = ConfirmForm()
    if form.validate() and as_integer(form.version.data) == initiative.version:
        with write_transaction():
            confirm(initiative, author=current_user, reason="Confirmée par la modération")
        flash(_("« %(name)s » est confirmée à ce jour.", name=initiative.name), "success")
    else:
        flash(_("La fiche a changé entre-temps : vérifiez-la à nouveau."), "error")
    return redirect(url_for("moderation.stale_queue"))
