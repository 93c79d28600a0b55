"""The Folium element of the proposal forms' pin (static/js/location-picker.js)."""

from app.geo.attached_script import AttachedScript


class LocationPicker(AttachedScript):
    """Attach the picker script to the map it is added to."""

    def __init__(self, script_url: str, config: dict):
        super().__init__("MaillagePicker", ("maillage_picker", script_url), config)
