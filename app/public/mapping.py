"""The maps of the public pages: assets served by the app, translated texts, our layer."""

import functools
import re

import folium
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.geo.initiative_layer import InitiativeLayer
from app.geo.maps import FRANCE_BOUNDS, MapAssets, RenderedMap, Tiles, base_map, render_parts
from app.models import Initiative, Theme
from app.public.assets import vendor_url
from app.public.labels import KIND_ICONS, KIND_LABELS
from app.public.services import all_themes

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
FALLBACK_COLOUR = "#4A4A4A"
INITIATIVE_ZOOM = 12
# The open-data API's URL of one initiative: the popups use it when it is there.
CONTRACT_DETAIL_RULE = re.compile(r"^/api/v1/initiatives/<(int:)?\w+>$")


def map_assets() -> MapAssets:
    """The URLs of Leaflet (an XStatic package) and of our own map files."""
    return MapAssets(
        leaflet_js=vendor_url("leaflet", "leaflet.js"),
        leaflet_css=vendor_url("leaflet", "leaflet.css"),
        app_js=url_for("static", filename="js/map.js"),
        app_css=url_for("static", filename="css/map.css"),
    )


def tiles() -> Tiles:
    return Tiles(current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"])


def safe_colour(colour: str | None) -> str:
    """A theme colour fit for a style attribute, or a neutral grey."""
    return colour if colour and HEX_COLOUR.match(colour) else FALLBACK_COLOUR


def detail_url_template() -> str:
    """Where a popup fetches an initiative: the open-data API if present, else our own route."""
    for rule in current_app.url_map.iter_rules():
        if CONTRACT_DETAIL_RULE.match(rule.rule) and "GET" in (rule.methods or ()):
            return f"{request.script_root}/api/v1/initiatives/{{id}}"
    return url_for("api.map_points") + "/{id}"


def points_url(filter_args: MultiDict) -> str:
    """The map's data request for these filters."""
    return url_for("api.map_points", **filter_args.to_dict(flat=False))


def layer_config(filter_args: MultiDict, *, fit: bool, sync_view: bool) -> dict:
    """What the map script needs: data URLs, theme colours and labels, its texts."""
    locale = str(get_locale())
    return {
        "pointsUrl": points_url(filter_args),
        "detailUrl": detail_url_template(),
        "pageUrl": f"{request.script_root}/initiatives/{{id}}",
        "listUrl": url_for("public.initiatives", **filter_args.to_dict(flat=False)),
        "locale": locale,
        "themes": {theme.slug: {"label": theme.label(locale), "colour": safe_colour(theme.colour)}
                   for theme in all_themes()},
        "kinds": {kind: str(label) for kind, label in KIND_LABELS.items()},
        "icons": KIND_ICONS,
        "fit": fit,
        "syncView": sync_view,
        "text": map_texts(),
    }


def map_texts() -> dict[str, str]:
    return {
        "loading": _("Chargement…"),
        "failed": _("Les informations n'ont pas pu être chargées."),
        "loadFailed": _("Les initiatives n'ont pas pu être chargées. Rechargez la page."),
        "open": _("Voir la fiche"),
        "cluster": _("{n} initiatives, zoomer pour les voir"),
        "here": _("{n} initiatives à cet endroit"),
        "seeAll": _("Voir les {n} initiatives dans la liste"),
        "zero": _("Aucune initiative ne correspond à ces filtres."),
        "one": _("1 initiative sur la carte."),
        "many": _("{n} initiatives sur la carte."),
        "zoomIn": _("Zoom avant"),
        "zoomOut": _("Zoom arrière"),
        "noTheme": _("Sans thème"),
    }


def initiatives_map(filter_args: MultiDict, label: str, *, bounds=None, fit: bool = False,
                    sync_view: bool = False, layers=()) -> RenderedMap:
    """A map of the initiatives matching the filters, loaded and clustered by our layer."""
    assets = map_assets()
    page_map = base_map(assets, tiles(), label)
    page_map.fit_bounds(bounds or FRANCE_BOUNDS)
    for layer in layers:
        layer.add_to(page_map)
    InitiativeLayer(assets, layer_config(filter_args, fit=fit, sync_view=sync_view)
                    ).add_to(page_map)
    return render_parts(page_map)


def initiative_map(initiative: Initiative, label: str) -> RenderedMap:
    """A small map centred on one initiative, its point in its main theme's colour."""
    main_theme: Theme | None = initiative.themes[0] if initiative.themes else None
    colour = safe_colour(main_theme.colour if main_theme else None)
    return point_map(initiative.lat, initiative.lon, colour, label, map_assets(), tiles())


@functools.lru_cache(maxsize=1024)
def point_map(lat: float, lon: float, colour: str, label: str, assets: MapAssets,
              tiles_: Tiles) -> RenderedMap:
    """The rendered map of one point, kept: building it with Folium is most of a page's time."""
    page_map = base_map(assets, tiles_, label, location=(lat, lon), zoom=INITIATIVE_ZOOM)
    folium.CircleMarker(
        location=(lat, lon), radius=10, color="#FFFFFF", weight=3,
        fill=True, fill_color=colour, fill_opacity=1, interactive=False,
    ).add_to(page_map)
    return render_parts(page_map)
