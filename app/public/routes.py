"""Public pages: the map, the list, the embed, an initiative's page and the about page (HTTP
only)."""

from email.utils import parseaddr

from flask import abort, current_app, redirect, render_template, request
from flask_babel import gettext as _

from app.caching.pages import cached_page
from app.config import setting
from app.initiatives.dossiers import dossiers_of
from app.initiatives.freshness import stale_cutoff
from app.initiatives.licence import DATA_LICENCE
from app.initiatives.lineage import Lineage, lineage_of
from app.initiatives.paths import initiative_slug
from app.public import bp
from app.public.browse import browse, canonical_redirect
from app.public.feeds import feed_response
from app.public.initiative_page import PageStamp, json_ld, page_stamp, territory_links
from app.public.near import distance_label, map_bounds
from app.public.query import filter_args, read_filters
from app.public.scope_panel import whole_territory_sections, wider_sections
from app.public.services import cursor_parsers, public_initiative, result_page
from app.web import keyset
from app.web.labels import SORT_LABELS
from app.web.maps import initiative_map, initiatives_map
from app.web.markdown import render_markdown
from app.web.place_details import hours_state_key, place_view
from app.web.urls import page_url, query_string


@bp.get("/")
def index():
    """The map of the initiatives matching the filters."""
    if (target := canonical_redirect()) is not None:
        return target
    state = browse()
    # Around a point, the map shows the circle searched, centred on it, not the results.
    rendered = initiatives_map(state.args, _("Carte des initiatives"),
                               bounds=map_bounds(state.filters),
                               fit=state.narrowed and not state.filters.near, sync_view=True,
                               clustered=state.clustered)
    return render_template("public/index.html", state=state, map=rendered,
                           scope_sections=whole_territory_sections(state.filters))


@bp.get("/carte/territoires")
def whole_territories():
    """The whole-territory entries meeting the filters and the map's view (bbox): the list
    the map's panel swaps in as the view moves (an HTML fragment)."""
    filters = read_filters(request.args)
    return render_template("public/_scope_panel_body.html",
                           sections=whole_territory_sections(filters))


@bp.get("/initiatives")
def initiatives():
    """The same initiatives as the map, as a sortable, paginated list."""
    if (target := canonical_redirect()) is not None:
        return target
    state = browse()
    sorts = {code: label for code, label in SORT_LABELS.items()
             if code != "distance" or state.filters.near}
    default = "distance" if state.filters.near else "name"
    sort = request.args.get("sort") if request.args.get("sort") in sorts else default
    cursor = keyset.requested(request.args, sort, cursor_parsers(sort))
    page = result_page(state.filters, sort, cursor)
    return render_template("public/list.html", state=state, page=page, sort=sort,
                           wider=wider_sections(state.filters),
                           sorts=sorts, distance_label=distance_label,
                           page_link=lambda token: request.path
                           + query_string(state.args, sort=sort, **{keyset.CURSOR_PARAM: token}))


@bp.get("/initiatives.atom")
def feed():
    """The initiatives of a list URL last published or changed, as an Atom feed."""
    filters = read_filters(request.args)
    lang = request.args.get("lang")
    chosen = lang if lang in current_app.config["LANGUAGES"] else None
    return feed_response(filters, query_string(filter_args(request.args), lang=chosen))


# ?links=new-tab: the embedder wants our links in a new tab rather than in its own.
EMBED_LINKS_PARAM, EMBED_NEW_TAB = "links", "new-tab"


@bp.get("/embed")
def embed():
    """The map alone, for partners to put in an iframe (the only page that may be framed).

    Its links never open inside the frame: our pages refuse to be framed.
    """
    state = browse()
    new_tab = request.args.get(EMBED_LINKS_PARAM) == EMBED_NEW_TAB
    rendered = initiatives_map(state.args, _("Carte des initiatives"), fit=state.narrowed,
                               sync_view=True, new_tab=new_tab, clustered=state.clustered)
    return render_template("public/embed.html", state=state, map=rendered, new_tab=new_tab)


@bp.get("/initiatives/<int:initiative_id>")
@bp.get("/initiatives/<int:initiative_id>-<slug>")
def initiative(initiative_id: int, slug: str | None = None):
    """An initiative's page; its id alone or an old slug redirect to the canonical URL."""
    stamp = page_stamp(initiative_id)
    if stamp is None:
        abort(404, _("Aucune initiative publiée ne porte ce numéro."))
    if slug != initiative_slug(stamp.name):
        return redirect(page_url(stamp) + query_string(request.args), 302)
    if stamp.digest is None:
        return initiative_page(stamp)
    # Opening hours make the page change with the day and the hour ("ouvert maintenant"),
    # the day's cutoff its "à vérifier" mark.
    return cached_page(("initiative", stamp.id, stamp.digest, *hours_state_key(stamp.hours),
                        stale_cutoff()),
                       lambda: initiative_page(stamp))


def initiative_page(stamp: PageStamp) -> str:
    """Render an initiative's page from its row; its stamp tells which links to look up."""
    found = public_initiative(stamp.id)
    if found is None:  # unpublished since its stamp was read
        abort(404, _("Aucune initiative publiée ne porte ce numéro."))
    return render_template(
        "public/initiative.html", initiative=found,
        description=render_markdown(found.description),
        territory=territory_links(found), json_ld=json_ld(found), place=place_view(found),
        dossiers=dossiers_of(found.id) if stamp.in_dossiers else [],
        lineage=lineage_of(found.id) if stamp.linked else Lineage([], []),
        map=initiative_map(found, _("Localisation de l'initiative")),
    )


@bp.get("/a-propos")
def about():
    """What Maillage is, where it comes from, its data licence, who moderates and how to
    reach them (the address only when one is configured)."""
    return render_template("public/about.html", licence=DATA_LICENCE, contact=contact_address())


def contact_address() -> str | None:
    """The moderation team's address, without a display name ("Équipe <a@b.fr>": a@b.fr)."""
    raw = setting("CONTACT_EMAIL") or setting("MAIL_REPLY_TO")
    address = parseaddr(raw)[1] if raw else ""
    return address if "@" in address else None
