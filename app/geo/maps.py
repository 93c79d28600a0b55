"""What our pages' maps share: the view of France, the assets, the rendered parts.

Drawing a map takes Folium (app.geo.folium_map), which with pandas weighs some 75 MB per
process: this module does not import it, so a process that draws no map never loads it.
"""

from dataclasses import dataclass

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


def inert_json(value) -> str:
    """JSON for a Folium template's output, which branca compiles as a Jinja template again:
    every Jinja delimiter a text holds is written with a JSON escape, so a label such as
    "{{ config }}" or "{% raw %}" stays text (structural braces never form one)."""
    text = htmlsafe_json_dumps(value)
    for start, escaped in (("{%", "\\u007b%"), ("{#", "\\u007b#"), ("{{", "{\\u007b")):
        while start in text:
            text = text.replace(start, escaped)
    return text
