"""A Folium element that hands its map and a configuration to one of our scripts."""

from folium.elements import JSCSSMixin
from folium.template import Template

from app.geo.maps import inert_json


class AttachedScript(JSCSSMixin):
    """Call `<script_object>.attach(map, config)` once the map exists; load its script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_object }}.attach({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, script_object: str, script: tuple[str, str], config: dict):
        super().__init__()
        self._name = type(self).__name__
        self.script_object = script_object
        self.config = config
        self.config_json = inert_json(config)
        self.default_js = [script]
