"""The history of an initiative, for its moderators (HTTP only)."""

from flask import render_template

from app.initiatives.history import side_items
from app.models import Initiative
from app.web.history import history_of
from app.web.permissions import load_initiative, moderates


@moderates(load_initiative)
def history(initiative: Initiative):
    """Every creation, change, decision and merge, as readable diffs."""
    change_sets, reports = side_items(initiative)
    return render_template("moderation/history.html", initiative=initiative,
                           entries=history_of(initiative), change_sets=change_sets,
                           reports=reports)
