"""Moderators say which initiatives an initiative was inspired by (HTTP only)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from app.database import write_transaction
from app.initiatives.fields import InvalidInitiative
from app.initiatives.lineage import lineage_of, set_inspirations
from app.models import Initiative
from app.moderation import bp
from app.web.i18n import translate
from app.web.permissions import load_initiative, moderates


class LineageForm(FlaskForm):
    inspired_by = StringField(_l("Inspirée de, ou copiée de (numéros des initiatives)"))


@bp.route("/initiatives/<int:initiative_id>/lineage", methods=["GET", "POST"])
@moderates(load_initiative)
def lineage(initiative: Initiative):
    """The initiatives this one was inspired by: shown both ways on the public pages."""
    current = ", ".join(str(other.id) for other in initiative.inspirations)
    form = LineageForm(data={"inspired_by": current})
    if form.validate_on_submit():
        try:
            with write_transaction():
                set_inspirations(initiative, form.inspired_by.data or "", author=current_user)
        except InvalidInitiative as error:
            form.inspired_by.errors = [translate(error.errors["inspired_by"])]
        else:
            flash(_("Filiation enregistrée."), "success")
            return redirect(url_for("moderation.review", initiative_id=initiative.id))
    return render_template("moderation/lineage.html", initiative=initiative, form=form,
                           lineage=lineage_of(initiative.id)), 400 if form.errors else 200
