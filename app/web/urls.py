"""URLs the pages build: query strings that keep the filters, an initiative's page, uMap's."""

from urllib.parse import quote, urlencode

from flask import current_app, request, url_for
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from app.initiatives.actors import actor_slug
from app.initiatives.paths import absolute_url, initiative_slug
from app.models import Initiative


def query_string(args: MultiDict, **changes) -> str:
    """`args` as a query string ("?..." or ""), with some parameters replaced or removed."""
    merged = MultiDict(args)
    for name, value in changes.items():
        merged.poplist(name)
        if value not in (None, ""):
            merged.add(name, value)
    encoded = urlencode(list(merged.items(multi=True)))
    return f"?{encoded}" if encoded else ""


def page_url(initiative: Initiative, _external: bool = False, **kwargs) -> str:
    """The canonical URL of an initiative's page (from anything with an id and a name)."""
    build = absolute_url if _external else url_for
    return build("public.initiative", initiative_id=initiative.id,
                 slug=initiative_slug(initiative.name), **kwargs)


def actor_url(actor, _external: bool = False) -> str:
    """The canonical URL of an actor's page (from anything with an id and a name)."""
    build = absolute_url if _external else url_for
    return build("public.actor", actor_id=actor.id, slug=actor_slug(actor.name))


def open_in_umap_url(data_url: str, umap_url: str, locale: str = "fr") -> str:
    """A uMap URL creating a map that loads our live GeoJSON as a remote layer."""
    return (f"{umap_url.rstrip('/')}/{locale}/map/new/"
            f"?dataUrl={quote(data_url, safe='')}&dataFormat=geojson")


def umap_link(args=None) -> str:
    """The "Open in uMap" URL for the given filters (the current request's by default)."""
    args = request.args if args is None else args
    if hasattr(args, "to_dict"):
        args = args.to_dict(flat=False)  # keep repeated filters (theme=a&theme=b)
    data_url = absolute_url("exchange.export", fmt="geojson", **args)
    return open_in_umap_url(data_url, current_app.config["UMAP_URL"], str(get_locale() or "fr"))
