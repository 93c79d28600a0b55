"""The map of the proposal forms: a pin the proposer drags to the exact place.

Built like every map of the site (app.geo.maps, assets served by the app); our own element
hands the map to static/js/location-picker.js, which also runs the commune autocomplete.
Without JavaScript the map stays empty and the commune alone is enough.
"""

from flask import url_for
from flask_babel import gettext as _
from folium.elements import JSCSSMixin
from folium.template import Template

from app.geo.maps import FRANCE_CENTRE, FRANCE_ZOOM, RenderedMap, base_map, render_parts
from app.geo.territory import current_gazetteer
from app.initiatives.fields import clean_field
from app.public.mapping import map_assets, tiles

COMMUNE_ZOOM = 13
ADDRESS_ZOOM = 16


class LocationPicker(JSCSSMixin):
    """Attach the picker script to the map it is added to."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        MaillagePicker.attach({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict):
        super().__init__()
        self._name = "LocationPicker"
        self.config = config
        self.default_js = [("maillage_picker", url_for("static", filename="js/location-picker.js"))]


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
    pin, centre, zoom = start_view(form)
    page_map = base_map(map_assets(), tiles(), _("Carte pour placer l'initiative"),
                        location=centre, zoom=zoom)
    LocationPicker({
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
