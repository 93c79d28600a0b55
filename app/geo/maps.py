"""Folium maps for our pages: local assets only, zoomable viewport, split into page parts.

Folium renders a whole HTML document with CDN links and a viewport that forbids zooming.
Our pages have their own layout, so a map here is rendered into three parts (what goes in
<head>, the map's container, the script) that a Jinja template places where they belong.
"""

from dataclasses import dataclass

import folium
from branca.element import Figure
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

FRANCE_CENTRE = (46.6, 2.4)
FRANCE_ZOOM = 6
# Metropolitan France and Corsica, [[south, west], [north, east]]: the default view fits it,
# whatever the width of the screen.
FRANCE_BOUNDS = [[41.3, -5.2], [51.1, 9.6]]
# The zoom levels a visitor may reach: 3 still shows all of France and its overseas
# territories; 18 shows a street.
MIN_ZOOM = 3
MAX_ZOOM = 18


@dataclass(frozen=True)
class MapAssets:
    """URLs of the front-end files a map needs, all served by the app."""

    leaflet_js: str
    leaflet_css: str
    app_js: str
    app_css: str
    tiles_js: str = ""  # static/js/map-tiles.js: maps drawn from the server's clusters


@dataclass(frozen=True)
class Tiles:
    url: str
    attribution: str


@dataclass(frozen=True)
class RenderedMap:
    """A map split for a page: <head> links, the container and the script (no <script> tag)."""

    header: Markup
    html: Markup
    script: Markup


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


def inert_json(value) -> str:
    """JSON for a Folium template's output, which branca compiles as a Jinja template again:
    every Jinja delimiter a text holds is written with a JSON escape, so a label such as
    "{{ config }}" or "{% raw %}" stays text (structural braces never form one)."""
    text = htmlsafe_json_dumps(value)
    for start, escaped in (("{%", "\\u007b%"), ("{#", "\\u007b#"), ("{{", "{\\u007b")):
        while start in text:
            text = text.replace(start, escaped)
    return text


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
