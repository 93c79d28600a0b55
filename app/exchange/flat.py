"""Initiatives as flat records: the API feature with lists joined and labels added.

uMap ignores properties holding objects or lists and spreadsheets want one value per cell,
so every export format starts from these flat properties.
"""

from dataclasses import dataclass

from app.initiatives.geojson import ThemeInfo
from app.initiatives.partner_text import partner_label
from app.models.place_details import PLACE_DETAIL_LISTS
from app.web.labels import KIND_NAMES

NO_THEME = "Sans thème"
NO_THEME_COLOUR = "#4D4D4D"
LIST_SEPARATOR = ", "
# A partner's role may hold commas: partners are separated by semicolons.
PARTNER_SEPARATOR = " ; "


@dataclass(frozen=True)
class ExportItem:
    """One initiative to export: its API feature and its themes, main theme first."""

    feature: dict
    themes: list[ThemeInfo]

    @property
    def main_theme(self) -> ThemeInfo | None:
        return self.themes[0] if self.themes else None

    @property
    def colour(self) -> str:
        return self.main_theme.colour if self.main_theme else NO_THEME_COLOUR

    @property
    def lon(self) -> float | None:
        """The point's longitude; None for a whole territory (no point)."""
        geometry = self.feature["geometry"]
        return geometry["coordinates"][0] if geometry else None

    @property
    def lat(self) -> float | None:
        geometry = self.feature["geometry"]
        return geometry["coordinates"][1] if geometry else None


def flat_properties(item: ExportItem) -> dict:
    """The feature's properties without lists, plus the labels uMap filters show."""
    properties = dict(item.feature["properties"])
    properties["themes"] = LIST_SEPARATOR.join(properties["themes"])
    properties["tags"] = LIST_SEPARATOR.join(properties["tags"])
    properties["dossiers"] = LIST_SEPARATOR.join(properties.get("dossiers") or ())
    for name in PLACE_DETAIL_LISTS:  # codes and addresses hold no comma
        properties[name] = LIST_SEPARATOR.join(properties.get(name) or ())
    properties["theme"] = item.main_theme.label_fr if item.main_theme else NO_THEME
    properties["kind_label"] = KIND_NAMES.get(properties["kind"], properties["kind"])
    # One value per cell: the first source stands for them all (the API gives the list).
    first = (properties.pop("sources", None) or [{}])[0]
    properties["source_title"] = first.get("title") or ""
    properties["source_url"] = first.get("url") or ""
    properties["partners"] = PARTNER_SEPARATOR.join(
        partner_label(partner) for partner in properties.get("partners") or ())
    return properties
