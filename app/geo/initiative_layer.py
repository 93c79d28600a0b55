"""The custom Folium element that loads the initiatives from the API and groups them.

The same element serves the home map, the embed and the territory pages. The page only
carries a small configuration; the data comes from /api/v1/map/points with the page's
filters (or, for a large collection, from /api/v1/map/tiles per tile in view), and each
popup's details from the initiative's own API URL when it opens.
"""

from app.geo.attached_script import AttachedScript
from app.geo.maps import MapAssets


class InitiativeLayer(AttachedScript):
    """Fetch the matching initiatives and show them grouped in clusters (static/js/map.js)."""

    def __init__(self, assets: MapAssets, config: dict):
        super().__init__("MaillageMap", ("maillage_map", assets.app_js), config)
        if config.get("tilesUrl"):
            self.default_js.append(("maillage_map_tiles", assets.tiles_js))
        self.default_css = [("maillage_map_css", assets.app_css)]
