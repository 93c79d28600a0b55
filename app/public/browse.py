"""The state shared by the browsing pages (map, list, territory): filters, counts, links."""

import functools
from dataclasses import dataclass

from flask import redirect, request, url_for
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from app.filters import Filters
from app.public.feeds import DEFAULT_LANGUAGE, feed_title
from app.public.filter_form import FilterForm, filter_form
from app.public.near import near_field, page_filters, resolve_near_text
from app.public.query import (
    FILTER_PARAMS,
    export_links,
    filter_args,
    read_filters,
    resolve_commune_text,
)
from app.public.services import Facets, facet_counts
from app.web.maps import clusters_on_server, points_url
from app.web.urls import absolute_url, query_string


@dataclass(frozen=True)
class Browse:
    """The current filters of a browsing page and what the page shows about them."""

    args: MultiDict
    filters: Filters
    facets: Facets
    form: FilterForm
    exports: list[tuple[str, str]]
    query: str

    @property
    def narrowed(self) -> bool:
        """True when the filters restrict the results (the map then fits them)."""
        return self.form.active_count > 0

    @property
    def feed_url(self) -> str:
        """The Atom feed of these filters, in the page's language: readers send no cookie."""
        locale = str(get_locale())
        return url_for("public.feed") + query_string(
            self.args, lang=None if locale == DEFAULT_LANGUAGE else locale)

    @functools.cached_property
    def feed_title(self) -> str:
        """The title of the Atom feed of these filters, as its <link> announces it."""
        return feed_title(self.filters)

    @property
    def clustered(self) -> bool:
        """Whether the map loads the server's clusters per tile: past MAP_CLIENT_POINTS_MAX
        results (their count is at hand: it bounds the points)."""
        return clusters_on_server(self.facets.total)

    @property
    def points_url(self) -> str | None:
        """The map's data request for these filters (preloaded by the page's <head>); None
        when the map loads tiles instead."""
        return None if self.clustered else points_url(self.args)

    def link(self, endpoint: str, external: bool = False, **values) -> str:
        """The URL of another view of the same filters (map, list, embed)."""
        return (absolute_url if external else url_for)(endpoint, **values) + self.query

    def link_with(self, endpoint: str, **changes) -> str:
        """The URL of a view of these filters with some of them replaced."""
        return url_for(endpoint) + query_string(self.args, **changes)


def canonical_redirect():
    """Redirect a filtered view to its clean URL: commune as INSEE code, no empty fields.

    The filter form submits every field, empty or not; the shareable URL keeps only
    what narrows the results. None when the URL is clean already.
    """
    args = resolve_commune_text(request.args) or request.args
    args = resolve_near_text(args) or args
    clean = filter_args(args)
    for name, value in args.items(multi=True):
        if name not in FILTER_PARAMS and value.strip():
            clean.add(name, value)
    if sorted(clean.items(multi=True)) == sorted(request.args.items(multi=True)):
        return None
    return redirect(request.path + query_string(clean))


def browse(extra: dict | None = None) -> Browse:
    """Read the request's filters (plus fixed ones, e.g. a territory) and count the results."""
    args = MultiDict(request.args)
    for name, value in (extra or {}).items():
        args.setlist(name, [value])
    filters, near_error = read_filters(args, page_filters)
    facets = facet_counts(filters)
    kept = filter_args(args)
    form = filter_form(args, filters, facets, near_field(args, filters, near_error))
    return Browse(kept, filters, facets, form, export_links(kept), query_string(kept))
