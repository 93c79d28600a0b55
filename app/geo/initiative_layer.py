"""The custom Folium element that loads the initiatives from the API and groups them.

The same element serves the home map, the embed and the territory pages. The page only
carries a small configuration; the data comes from /api/v1/map/points with the page's
filters (or, for a large collection, from /api/v1/map/tiles per tile in view), and each
popup's details from the initiative's own API URL when it opens.
"""

from folium.elements import JSCSSMixin
from folium.template import Template

from app.geo.maps import MapAssets, inert_json


class InitiativeLayer(JSCSSMixin):
    """Fetch the matching initiatives and show them grouped in clusters (static/js/map.js)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        MaillageMap.attach({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, assets: MapAssets, config: dict):
        super().__init__()
        self._name = "InitiativeLayer"
        self.config = config
        self.config_json = inert_json(config)
        self.default_js = [("maillage_map", assets.app_js)]
        if config.get("tilesUrl"):
            self.default_js.append(("maillage_map_tiles", assets.tiles_js))
        self.default_css = [("maillage_map_css", assets.app_css)]
