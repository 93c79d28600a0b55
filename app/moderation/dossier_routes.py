"""Moderators' pages for dossiers: list, create, edit (reorder included), delete (HTTP only)."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.database import write_transaction
from app.extensions import db
from app.initiatives.dossiers import (
    InvalidDossier,
    all_dossiers,
    delete_dossier,
    dossier_by_slug,
    dossier_values,
    members,
    public_counts,
    save_dossier,
)
from app.initiatives.geojson import PUBLIC_STATUSES
from app.models import Dossier, Initiative
from app.moderation import bp
from app.moderation.dossier_forms import DeleteDossierForm, DossierForm
from app.text import fold
from app.web.i18n import translate
from app.web.permissions import moderator_required

FOUND_SHOWN = 20


@bp.get("/dossiers")
@moderator_required
def dossiers():
    """Every dossier, with links to change it, and the button to create one."""
    return render_template("moderation/dossiers.html", dossiers=all_dossiers(),
                           counts=public_counts())


@bp.route("/dossiers/new", methods=["GET", "POST"])
@moderator_required
def new_dossier():
    """Create a dossier."""
    form = DossierForm()
    if form.validate_on_submit() and (saved := save_or_show(form, None)):
        flash(_("Dossier créé."), "success")
        return redirect(url_for("public.dossier", slug=saved.slug))
    return render_form(form, None)


@bp.route("/dossiers/<slug>/edit", methods=["GET", "POST"])
@moderator_required
def edit_dossier(slug: str):
    """Change a dossier: its texts, sources and initiatives in their order."""
    dossier = dossier_or_404(slug)
    values = dossier_values(dossier)
    form = DossierForm(data={**values, "initiatives": ", ".join(map(str, values["initiatives"]))})
    if form.validate_on_submit() and (saved := save_or_show(form, dossier)):
        flash(_("Dossier enregistré."), "success")
        return redirect(url_for("public.dossier", slug=saved.slug))
    return render_form(form, dossier)


@bp.post("/dossiers/<slug>/delete")
@moderator_required
def remove_dossier(slug: str):
    """Delete a dossier; its initiatives stay."""
    dossier = dossier_or_404(slug)
    if DeleteDossierForm().validate_on_submit():
        with write_transaction():
            delete_dossier(dossier, current_user)
        flash(_("Dossier supprimé ; ses initiatives restent publiées."), "success")
    return redirect(url_for("moderation.dossiers"))


def dossier_or_404(slug: str) -> Dossier:
    found = dossier_by_slug(slug) if len(slug) <= 80 else None
    if found is None:
        abort(404, _("Aucun dossier ne porte l'identifiant « %(slug)s ».", slug=slug[:80]))
    return found


def save_or_show(form: DossierForm, dossier: Dossier | None) -> Dossier | None:
    """Save in one transaction; when the rules refuse the values, show why on the form."""
    try:
        with write_transaction():
            return save_dossier(dossier, form.data, current_user)
    except InvalidDossier as error:
        for name, message in error.errors.items():
            form[name].errors = [*form[name].errors, translate(message)]
        return None


def render_form(form: DossierForm, dossier: Dossier | None):
    """The form, the dossier's initiatives by name, and initiatives found by a search."""
    query = (request.args.get("q") or "").strip()[:100]
    chosen = members(dossier, public=False) if dossier else []
    return render_template("moderation/dossier_form.html", form=form, dossier=dossier,
                           chosen=chosen, query=query, found=search(query),
                           delete_form=DeleteDossierForm()), 400 if form.errors else 200


def search(query: str) -> list[Initiative]:
    """Initiatives whose name, summary, actor or commune hold every word, or with that number."""
    if not query:
        return []
    stmt = sa.select(Initiative).where(Initiative.status.in_(PUBLIC_STATUSES))
    if query.isdigit():
        stmt = stmt.where(Initiative.id == int(query))
    else:
        for term in fold(query).split():
            stmt = stmt.where(Initiative.search_text.contains(term, autoescape=True))
    return list(db.session.scalars(stmt.order_by(Initiative.name).limit(FOUND_SHOWN)))
