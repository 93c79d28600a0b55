"""The shared filters as they travel in URLs: reading, cleaning, links that keep them."""

import re
from collections.abc import Callable
from typing import TypeVar

from flask import abort, make_response, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.filters import FilterError, parse_filters
from app.geo.gazetteer import GazetteerMissing
from app.geo.territory import current_gazetteer
from app.web.http import error_response
from app.web.urls import query_string

T = TypeVar("T")
# The parameters of the shared filter form (parse_filters reads them all).
# The radius comes last: it is dropped without `near`.
FILTER_PARAMS = ("q", "theme", "kind", "actor_type", "actor", "commune", "epci", "departement",
                 "region", "research", "telephone", "dossier", "status", "scope", "life", "vie",
                 "freshness", "fraicheur", "bbox", "near", "rayon", "radius_km")
EXPORT_FORMATS = (("geojson", "GeoJSON"), ("umap", "uMap"), ("csv", "CSV"),
                  ("gpkg", "GeoPackage"))
# "Cluny (71137)", as the autocomplete writes it; a bare number may be a postcode.
INSEE_IN_TEXT = re.compile(r"\(([0-9][0-9AB][0-9]{3})\)\s*$")


def filter_args(args: MultiDict) -> MultiDict:
    """Only the filter parameters of a query, without empty values or the default status."""
    kept = MultiDict()
    # A radius without a place to measure from narrows nothing.
    names = FILTER_PARAMS if (args.get("near") or "").strip() else FILTER_PARAMS[:-2]
    for name in names:
        for value in args.getlist(name):
            if value.strip() and not (name == "status" and value == "active"):
                kept.add(name, value.strip())
    return kept


def read_filters(args: MultiDict, parse: Callable[[MultiDict], T] = parse_filters) -> T:
    """Parse the filters of a page, answering 400 with the reason when one is wrong."""
    try:
        return parse(args)
    except FilterError as error:
        message = _("Le filtre « %(param)s » de l'adresse n'est pas valide.", param=error.param)
        abort(make_response(error_response(400, "invalid_filter", message)))


def export_links(args: MultiDict) -> list[tuple[str, str]]:
    """(label, URL) of each export of the filtered initiatives (open-data team's routes)."""
    query = query_string(filter_args(args))
    return [(label, f"{request.script_root}/export/initiatives.{fmt}{query}")
            for fmt, label in EXPORT_FORMATS]


def resolve_commune_text(args: MultiDict) -> MultiDict | None:
    """The query with a typed commune (`commune_q`) turned into its INSEE code.

    Without JavaScript the visitor types a name; with it, the autocomplete puts
    "Name (INSEE)" in the field. Either way the shareable URL carries the code.
    None when there is no typed commune, or when it matches no commune (the page says so).
    """
    if "commune_q" not in args:
        return None
    text = args.get("commune_q", "").strip()
    found = INSEE_IN_TEXT.search(text.upper())
    insee = found.group(1) if found else (first_commune(text) if text else "")
    if insee is None:
        return None
    resolved = MultiDict(args)
    resolved.poplist("commune_q")
    resolved.poplist("commune")
    if insee:
        resolved.add("commune", insee)
    return resolved


def first_commune(text: str) -> str | None:
    """The INSEE code of the best gazetteer match for a typed commune, if any."""
    try:
        found = current_gazetteer().search(text, 1)
    except GazetteerMissing:
        return None
    return found[0].insee if found else None
