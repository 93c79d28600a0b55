"""Dossiers' pages: the index and each dossier's introduction, map and list (HTTP only)."""

from flask import abort, render_template
from flask_babel import gettext as _

from app.initiatives.dossiers import all_dossiers, dossier_by_slug, members, public_counts
from app.public import bp
from app.public.browse import browse
from app.web.maps import initiatives_map
from app.web.markdown import render_markdown


@bp.get("/dossiers")
def dossiers():
    """Every dossier, with how many public initiatives it holds."""
    return render_template("public/dossiers.html", dossiers=all_dossiers(),
                           counts=public_counts())


@bp.get("/dossiers/<slug>")
def dossier(slug: str):
    """A dossier: its introduction and sources, its initiatives on a map and in its order."""
    found = dossier_by_slug(slug) if len(slug) <= 80 else None
    if found is None:
        abort(404, _("Aucun dossier ne porte l'identifiant « %(slug)s ».", slug=slug[:80]))
    state = browse({"dossier": found.slug})
    rendered = initiatives_map(state.args, _("Carte du dossier « %(title)s »", title=found.title),
                               fit=True, clustered=state.clustered)
    return render_template("public/dossier.html", dossier=found, state=state, map=rendered,
                           introduction=render_markdown(found.introduction),
                           initiatives=members(found))
