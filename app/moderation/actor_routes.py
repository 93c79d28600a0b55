"""Moderators' pages for actors: list, edit, merge of duplicates (HTTP only)."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.database import write_transaction
from app.extensions import db
from app.initiatives.actor_changes import ActorMergeRefused, merge_actors, update_actor
from app.initiatives.actor_identifiers import identifier_text
from app.initiatives.fields import InvalidInitiative
from app.models import Actor, ActorEvent
from app.moderation import bp
from app.moderation.actor_forms import ActorForm, ActorMergeForm
from app.text import fold
from app.web.history import ACTION_LABELS
from app.web.i18n import translate
from app.web.permissions import moderator_required

SHOWN = 100
# Rule errors named after the initiative's fields, shown next to the actor form's own.
ERROR_FIELDS = {"actor_name": "name", "actor_type": "type"}


@bp.get("/acteurs")
@moderator_required
def actors():
    """Actors by name (pending and published; merged ones left out), searched by q."""
    q = (request.args.get("q") or "").strip()[:200]
    stmt = sa.select(Actor).where(Actor.merged_into_id.is_(None))
    for term in fold(q).split():
        stmt = stmt.where(Actor.normalised_name.contains(term, autoescape=True))
    found = db.session.scalars(stmt.order_by(Actor.normalised_name, Actor.id).limit(SHOWN)).all()
    return render_template("moderation/actors.html", actors=found, q=q)


@bp.route("/acteurs/<int:actor_id>", methods=["GET", "POST"])
@moderator_required
def edit_actor(actor_id: int):
    """Change an actor's name, type, identifiers, contact, home commune and description."""
    actor = actor_or_404(actor_id)
    form = ActorForm(data={**{f: getattr(actor, f) for f in (
        "name", "type", "website", "public_contact", "insee", "description")},
        "actor_identifier": identifier_text(**actor.identifiers())})
    if form.validate_on_submit():
        try:
            with write_transaction():
                update_actor(db.session.merge(actor), {**form.data,
                             "identifier": form.actor_identifier.data},
                             author=current_user, reason=form.reason.data or "")
        except InvalidInitiative as error:
            show_errors(form, error.errors)
        else:
            flash(_("Acteur enregistré."), "success")
            return redirect(url_for("moderation.edit_actor", actor_id=actor.id))
    return render_page(actor, form, ActorMergeForm(), status=400 if form.errors else 200)


@bp.post("/acteurs/<int:actor_id>/fusion")
@moderator_required
def merge_actor(actor_id: int):
    """Merge this actor, a duplicate, into the one kept."""
    actor = actor_or_404(actor_id)
    form = ActorMergeForm()
    kept = db.session.get(Actor, form.kept_id.data) if form.validate_on_submit() else None
    if kept is None:
        if not form.kept_id.errors:
            form.kept_id.errors = [_("Aucun acteur n'a ce numéro.")]
        return render_page(actor, ActorForm(obj=actor), form, status=400)
    try:
        with write_transaction():
            merge_actors(actor, kept, author=current_user, reason=form.reason.data or "")
    except ActorMergeRefused:
        form.kept_id.errors = [_("Ces deux acteurs ne peuvent pas être fusionnés.")]
        return render_page(actor, ActorForm(obj=actor), form, status=400)
    flash(_("Acteur fusionné."), "success")
    return redirect(url_for("moderation.edit_actor", actor_id=kept.id))


def actor_or_404(actor_id: int) -> Actor:
    actor = db.session.get(Actor, actor_id)
    if actor is None:
        abort(404)
    return actor


def show_errors(form: ActorForm, errors: dict) -> None:
    for name, message in errors.items():
        field = form[ERROR_FIELDS.get(name, name)] if ERROR_FIELDS.get(name, name) in form \
            else form.name
        field.errors = [*field.errors, translate(message)]


def render_page(actor: Actor, form: ActorForm, merge_form: ActorMergeForm, status: int = 200):
    events = db.session.scalars(sa.select(ActorEvent).where(ActorEvent.actor_id == actor.id)
                                .order_by(ActorEvent.created_at, ActorEvent.id)).all()
    return render_template("moderation/actor.html", actor=actor, form=form,
                           merge_form=merge_form, events=events,
                           action_labels=ACTION_LABELS), status
