"""The Folium element of the proposal forms' pin (static/js/location-picker.js)."""

from folium.elements import JSCSSMixin
from folium.template import Template

from app.geo.maps import inert_json


class LocationPicker(JSCSSMixin):
    """Attach the picker script to the map it is added to."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        MaillagePicker.attach({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, script_url: str, config: dict):
        super().__init__()
        self._name = "LocationPicker"
        self.config = config
        self.config_json = inert_json(config)
        self.default_js = [("maillage_picker", script_url)]
