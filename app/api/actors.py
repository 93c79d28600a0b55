"""/api/v1/actors: the public directory of actors, paged by cursor like the initiatives."""

from flask import redirect, request, url_for

from app.api import bp
from app.api.errors import ApiError
from app.api.params import encode_cursor, parse_cursor, parse_limit
from app.extensions import db
from app.initiatives import geojson
from app.initiatives.actor_directory import (
    actor_data,
    initiative_counts,
    parse_actor_filters,
    public_initiatives_of,
    select_actors,
    territories_of,
)
from app.models import Actor
from app.web.http import json_response

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@bp.get("/actors")
def actors():
    """The published actors matching q, type and a territory, by id, a page at a time."""
    filters = parse_actor_filters(request.args)
    limit = parse_limit(request.args, default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    after = parse_cursor(request.args)
    found = db.session.scalars(select_actors(filters).where(Actor.id > after)
                               .order_by(Actor.id).limit(limit + 1)).all()
    page, more = found[:limit], len(found) > limit
    counts = initiative_counts([actor.id for actor in page])
    site = geojson.site_root(request.url_root)
    next_cursor = encode_cursor(page[-1].id) if more else None
    body = {"actors": [actor_data(actor, site, counts.get(actor.id, 0)) for actor in page],
            "numberReturned": len(page), "next_cursor": next_cursor}
    if next_cursor:
        body["next"] = url_for("api.actors", _external=True,
                               **{**request.args.to_dict(), "cursor": next_cursor})
    return json_response(body, max_age=60)


@bp.get("/actors/<int:actor_id>")
def actor(actor_id: int):
    """One published actor, its initiatives (as lead or partner) and territories."""
    found = db.session.get(Actor, actor_id)
    if found is not None and found.merged_into_id:
        return redirect(url_for("api.actor", actor_id=found.merged_into_id), 301)
    if found is None or not found.is_public:
        raise ApiError(404, "not_found", f"No published actor with id {actor_id}.")
    initiatives = public_initiatives_of(found)
    site = geojson.site_root(request.url_root)
    body = actor_data(found, site, len(initiatives))
    body["initiatives"] = [{"id": initiative.id, "name": initiative.name, "role": role,
                            "url": f"{site}/api/v1/initiatives/{initiative.id}"}
                           for initiative, role in initiatives]
    body["territories"] = territories_of([initiative for initiative, _ in initiatives])
    return json_response(body, max_age=60)

