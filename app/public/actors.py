"""The actors' pages: the directory (/acteurs) and each actor's page (HTTP only)."""

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.filters import FilterError
from app.geo.gazetteer import GazetteerMissing
from app.geo.territory import current_gazetteer, territory_name
from app.initiatives.actor_directory import (
    count_matching,
    initiative_counts,
    parse_actor_filters,
    public_initiatives_of,
    select_actors,
    territories_of,
)
from app.initiatives.actors import actor_slug
from app.models import ACTOR_TYPES, Actor
from app.public import bp
from app.public.browse import browse
from app.web import keyset
from app.web.http import error_response
from app.web.maps import initiatives_map
from app.web.urls import actor_url, query_string

PER_PAGE = 50
ORDER = keyset.Order("actors", (Actor.normalised_name, Actor.id),
                     (keyset.text_key, keyset.int_key))
TERRITORY_PAGES = {"commune": ("public.commune", "insee"),
                   "departement": ("public.departement", "code"),
                   "region": ("public.region", "code")}


@bp.get("/acteurs")
def actors():
    """The published actors: search by name, filters by type and territory, paged."""
    try:
        filters = parse_actor_filters(request.args)
    except FilterError as error:
        return error_response(400, "invalid_parameter", str(error))
    cursor = keyset.requested(request.args, ORDER.code, ORDER.parsers)
    stmt = select_actors(filters)
    total = count_matching(stmt)
    window = keyset.window(stmt, ORDER, cursor, PER_PAGE, total)
    found = actors_by_id([keys[-1] for keys in window.keys])
    args = request.args.copy()
    args.pop("page", None)  # links from before keyset pages
    return render_template(
        "public/actors.html", filters=filters,
        page=keyset.paged(found, total, PER_PAGE, ORDER, window),
        counts=initiative_counts([actor.id for actor in found]),
        types=ACTOR_TYPES, departements=departement_choices(),
        page_link=lambda token: request.path + query_string(args,
                                                            **{keyset.CURSOR_PARAM: token}))


def actors_by_id(ids: list[int]) -> list[Actor]:
    """The actors with these ids, in the same order."""
    found = {actor.id: actor for actor in db.session.scalars(
        sa.select(Actor).where(Actor.id.in_(ids)))}
    return [found[actor_id] for actor_id in ids if actor_id in found]


def departement_choices() -> list[dict]:
    try:
        return current_gazetteer().departements()
    except GazetteerMissing:
        return []


@bp.get("/acteurs/<int:actor_id>")
@bp.get("/acteurs/<int:actor_id>-<slug>")
def actor(actor_id: int, slug: str | None = None):
    """An actor: what it is, its identifiers, its initiatives on a map and in a list (as
    lead and as partner), the territories where it acts."""
    found = db.session.get(Actor, actor_id)
    if found is not None and found.merged_into_id:
        kept = db.session.get(Actor, found.merged_into_id)
        return redirect(actor_url(kept), 301)
    if found is None or not found.is_public:
        abort(404)
    if slug != actor_slug(found.name):
        return redirect(actor_url(found), 301)
    state = browse({"actor": str(found.id)})
    initiatives = public_initiatives_of(found)
    rendered = initiatives_map(state.args, _("Carte des initiatives de %(name)s",
                                             name=found.name), fit=bool(initiatives),
                               clustered=state.clustered)
    return render_template("public/actor.html", actor=found, state=state, map=rendered,
                           led=[i for i, role in initiatives if role == "lead"],
                           partnered=[i for i, role in initiatives if role == "partner"],
                           territories=territory_links([i for i, _ in initiatives]))


def territory_links(initiatives) -> list[tuple[str, str]]:
    """(name, page URL) of the régions, départements and communes of the initiatives."""
    links = []
    codes = territories_of(initiatives)
    for level in ("region", "departement", "commune"):
        endpoint, key = TERRITORY_PAGES[level]
        links.extend((territory_name(level, code), url_for(endpoint, **{key: code}))
                     for code in codes[level])
    return links

