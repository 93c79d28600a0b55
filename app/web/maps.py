"""The maps of the pages: assets served by the app, translated texts, our layer, and the
pin of the proposal forms.

The picker map is built like every map of the site (app.geo.folium_map); our own element
(app.geo.location_picker) hands it to static/js/location-picker.js, which also runs the
commune autocomplete. Without JavaScript the map stays empty and the commune alone is enough.
"""

import functools
import re

import xstatic.pkg.leaflet
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.geo.maps import (
    FRANCE_BOUNDS,
    FRANCE_CENTRE,
    FRANCE_ZOOM,
    MapAssets,
    RenderedMap,
    Tiles,
)
from app.geo.scope_places import territory_box, territory_outline
from app.geo.territory import current_gazetteer
from app.initiatives.fields import clean_field
from app.initiatives.freshness import stale_cutoff
from app.initiatives.taxonomy import all_themes
from app.models import Initiative, Theme
from app.models.scope import territory_code
from app.web.labels import KIND_ICONS, KIND_LABELS

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
FALLBACK_COLOUR = "#4A4A4A"
INITIATIVE_ZOOM = 12
COMMUNE_ZOOM = 13
ADDRESS_ZOOM = 16
# Front-end libraries served from their PyPI (XStatic) packages, never from a CDN.
VENDOR_PACKAGES = {
    "leaflet": xstatic.pkg.leaflet,
}
# The open-data API's URL of one initiative: the popups use it when it is there.
CONTRACT_DETAIL_RULE = re.compile(r"^/api/v1/initiatives/<(int:)?\w+>$")


def vendor_url(package: str, filename: str) -> str:
    """The URL of a vendored file, versioned so that an upgrade reaches every browser."""
    return url_for("public.vendor", package=package, filename=filename,
                   v=VENDOR_PACKAGES[package].VERSION)


def map_assets() -> MapAssets:
    """The URLs of Leaflet (an XStatic package) and of our own map files."""
    return MapAssets(
        leaflet_js=vendor_url("leaflet", "leaflet.js"),
        leaflet_css=vendor_url("leaflet", "leaflet.css"),
        app_js=url_for("static", filename="js/map.js"),
        app_css=url_for("static", filename="css/map.css"),
        tiles_js=url_for("static", filename="js/map-tiles.js"),
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


def clusters_on_server(total: int) -> bool:
    """Whether a map of this many matching initiatives loads the clusters the database
    counts per tile rather than every point (MAP_CLIENT_POINTS_MAX)."""
    return total > current_app.config["MAP_CLIENT_POINTS_MAX"]


def tiles_url(filter_args: MultiDict) -> str:
    """The map's tile request for these filters, {z}, {x} and {y} left for the script."""
    url = url_for("api.map_tile", z="0", x="1", y="2", **filter_args.to_dict(flat=False))
    return url.replace("/0/1/2.json", "/{z}/{x}/{y}.json", 1)


def layer_config(filter_args: MultiDict, *, fit: bool, sync_view: bool,
                 new_tab: bool = False, clustered: bool = False) -> dict:
    """What the map script needs: data URLs, theme colours and labels, its texts.

    clustered: the map loads the server's clusters per tile (tilesUrl), not every point.
    """
    locale = str(get_locale())
    data = ({"tilesUrl": tiles_url(filter_args)} if clustered
            else {"pointsUrl": points_url(filter_args)})
    return {
        **data,
        "detailUrl": detail_url_template(),
        "namesUrl": url_for("api.map_names"),
        "pageUrl": f"{request.script_root}/initiatives/{{id}}",
        "listUrl": url_for("public.initiatives", **filter_args.to_dict(flat=False)),
        "locale": locale,
        "themes": {theme.slug: {"label": theme.label(locale), "colour": safe_colour(theme.colour)}
                   for theme in all_themes()},
        "kinds": {kind: str(label) for kind, label in KIND_LABELS.items()},
        "icons": KIND_ICONS,
        "fit": fit,
        "syncView": sync_view,
        "newTab": new_tab,  # the embed's links open in a new tab: say so to screen readers
        "freshness": {"staleBefore": stale_cutoff().isoformat()},
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
        "newTab": _("(nouvel onglet)"),
        "verified": _("Informations confirmées le {date}"),
        "stale": _("à vérifier"),
    }


def initiatives_map(filter_args: MultiDict, label: str, *, bounds=None, fit: bool = False,
                    sync_view: bool = False, new_tab: bool = False, layers=(),
                    clustered: bool = False) -> RenderedMap:
    """A map of the initiatives matching the filters, loaded and clustered by our layer
    (clustered: by the database, per tile, for a collection past MAP_CLIENT_POINTS_MAX)."""
    # Folium (and the pandas it brings) only once a map is drawn: see app.geo.maps.
    from app.geo.folium_map import base_map, fit_view, render_parts
    from app.geo.initiative_layer import InitiativeLayer

    assets = map_assets()
    page_map = base_map(assets, tiles(), label)
    fit_view(page_map, bounds or FRANCE_BOUNDS)
    for layer in layers:
        layer.add_to(page_map)
    config = layer_config(filter_args, fit=fit, sync_view=sync_view, new_tab=new_tab,
                          clustered=clustered)
    InitiativeLayer(assets, config).add_to(page_map)
    return render_parts(page_map)


def initiative_map(initiative: Initiative, label: str) -> RenderedMap:
    """A small map centred on one initiative, its point in its main theme's colour; for a
    whole territory, its outline (France: the map of France), never a pin."""
    main_theme: Theme | None = initiative.themes[0] if initiative.themes else None
    colour = safe_colour(main_theme.colour if main_theme else None)
    if initiative.lon is None or initiative.lat is None:
        return territory_map(initiative.scope, territory_code(initiative), colour, label,
                             map_assets(), tiles())
    return point_map(initiative.lat, initiative.lon, colour, label, map_assets(), tiles())


@functools.lru_cache(maxsize=256)
def territory_map(scope: str, code: str | None, colour: str, label: str, assets: MapAssets,
                  tiles_: Tiles) -> RenderedMap:
    """The rendered map of a territory's outline, fitted to it, kept like point_map's."""
    from app.geo.folium_map import add_outline, base_map, fit_view, render_parts

    page_map = base_map(assets, tiles_, label)
    outline = territory_outline(scope, code)
    box = territory_box(scope, code)
    if outline is not None:
        add_outline(page_map, outline, colour)
    fit_view(page_map, [[box[1], box[0]], [box[3], box[2]]] if box else FRANCE_BOUNDS)
    return render_parts(page_map)


@functools.lru_cache(maxsize=1024)
def point_map(lat: float, lon: float, colour: str, label: str, assets: MapAssets,
              tiles_: Tiles) -> RenderedMap:
    """The rendered map of one point, kept: building it with Folium is most of a page's time."""
    from app.geo.folium_map import add_point, base_map, render_parts

    page_map = base_map(assets, tiles_, label, location=(lat, lon), zoom=INITIATIVE_ZOOM)
    add_point(page_map, lat, lon, colour)
    return render_parts(page_map)


def start_view(form) -> tuple[tuple[float, float] | None, tuple[float, float], int]:
    """Where the pin is (if anywhere yet), and the map's centre and zoom."""
    try:
        pin = (clean_field("lat", form.lat.data), clean_field("lon", form.lon.data))
    except ValueError:
        pin = (None, None)
    if None not in pin:
        return pin, pin, ADDRESS_ZOOM
    commune = current_gazetteer().get(form.insee.data) if form.insee.data else None
    if commune and commune.lat is not None:
        return (commune.lat, commune.lon), (commune.lat, commune.lon), COMMUNE_ZOOM
    return None, FRANCE_CENTRE, FRANCE_ZOOM


def location_map(form) -> RenderedMap:
    """The picker map for a form, its pin where the form says."""
    from app.geo.folium_map import base_map, render_parts
    from app.geo.location_picker import LocationPicker

    pin, centre, zoom = start_view(form)
    page_map = base_map(map_assets(), tiles(), _("Carte pour placer l'initiative"),
                        location=centre, zoom=zoom)
    LocationPicker(url_for("static", filename="js/location-picker.js"), {
        "pin": pin, "communeZoom": COMMUNE_ZOOM,
        "communesUrl": url_for("api.communes"),
        "fields": {"commune": form.commune.id, "insee": form.insee.id, "lon": form.lon.id,
                   "lat": form.lat.id},
        "text": {
            "chosen": _("Commune choisie : %(name)s.", name="{name}"),
            "none": _("Aucune commune ne correspond."),
            "placed": _("Point placé sur la carte : la position exacte sera publiée."),
            "pin": _("Emplacement de l'initiative (déplaçable, ou flèches du clavier)"),
            "zoomIn": _("Zoom avant"), "zoomOut": _("Zoom arrière"),
        },
    }).add_to(page_map)
    return render_parts(page_map)
