"""Folium maps for our pages: local assets only, zoomable viewport, split into page parts.

Folium renders a whole HTML document with CDN links and a viewport that forbids zooming.
Our pages have their own layout, so a map here is rendered into three parts (what goes in
<head>, the map's container, the script) that a Jinja template places where they belong.
Imported only when a map is drawn: Folium brings pandas with it.
"""

import folium
from branca.element import Figure
from folium.map import FitBounds
from folium.template import Template
from markupsafe import Markup

from app.geo.maps import (
    FRANCE_CENTRE,
    FRANCE_ZOOM,
    MAX_ZOOM,
    MIN_ZOOM,
    MapAssets,
    RenderedMap,
    Tiles,
)


class PageMap(folium.Map):
    """A folium Map without CDN links, global page styles or a zoom-blocking viewport."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="folium-map map-canvas" id="{{ this.get_name() }}" role="region"
             aria-label="{{ this.label|e }}"></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
            center: {{ this.location|tojson }},
            crs: L.CRS.{{ this.crs }},
            ...{{ this.options|tojavascript }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, assets: MapAssets, label: str, **kwargs):
        super().__init__(**kwargs)
        self.label = label
        # Instance lists: the class-level defaults point at CDNs and are shared.
        self.default_js = [("leaflet", assets.leaflet_js)]
        self.default_css = [("leaflet_css", assets.leaflet_css)]


def base_map(assets: MapAssets, tiles: Tiles, label: str, *, location=FRANCE_CENTRE,
             zoom: int = FRANCE_ZOOM) -> PageMap:
    """A map of France (or of the given view) on our tile server, zoom buttons added by us."""
    page_map = PageMap(assets, label, location=list(location), zoom_start=zoom, tiles=None,
                       zoom_control=False, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name="base", min_zoom=MIN_ZOOM,
                     max_zoom=MAX_ZOOM).add_to(page_map)
    return page_map


def fit_view(page_map: folium.Map, bounds) -> None:
    """Fit the map's first view to the bounds at once, with no zoom animation."""
    # Animated, the fit would end a frame after our scripts attach: they would first load
    # the starting zoom's view, and a view asked for in the address would be overridden.
    fit = FitBounds(bounds)
    fit.options["animate"] = False
    page_map.add_child(fit)


def render_parts(page_map: folium.Map) -> RenderedMap:
    """Render a map and return its three parts, ready to place in a Jinja page."""
    figure = page_map.get_root()
    assert isinstance(figure, Figure)
    # Our base template declares the charset already.
    figure.header._children.pop("meta_http", None)
    figure.render()
    # Folium's own output: every value in it went through its tojson/tojavascript filters.
    return RenderedMap(
        header=Markup(figure.header.render()),  # noqa: S704
        html=Markup(figure.html.render()),  # noqa: S704
        script=Markup(figure.script.render()),  # noqa: S704
    )


def add_point(page_map: folium.Map, lat: float, lon: float, colour: str) -> None:
    """One initiative's point: a disc in its theme's colour, white-rimmed, not clickable."""
    folium.CircleMarker(
        location=(lat, lon), radius=10, color="#FFFFFF", weight=3,
        fill=True, fill_color=colour, fill_opacity=1, interactive=False,
    ).add_to(page_map)


def add_outline(page_map: folium.Map, outline: dict, colour: str) -> None:
    """A territory's outline (a GeoJSON geometry), lightly filled in the colour."""
    style = {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.15}
    folium.GeoJson({"type": "Feature", "geometry": outline, "properties": {}},
                   style_function=lambda _feature: style, interactive=False,
                   ).add_to(page_map)
