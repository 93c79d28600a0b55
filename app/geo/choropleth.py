"""Choropleths of initiative counts over the gazetteer's outlines, with GeoPandas and Folium."""

import html
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    import folium

# ColorBrewer "Blues", light to dark; areas without any initiative are left unfilled.
PALETTE = ("#C6DBEF", "#6BAED6", "#3182BD", "#08519C")
# About 100 m: finer than a pixel at the zoom levels where these outlines are seen.
COORD_DECIMALS = 3


@dataclass(frozen=True)
class LegendClass:
    """A range of counts drawn in one colour (low = high = 0 for the empty class)."""

    low: int
    high: int
    colour: str | None


def class_breaks(max_count: int) -> list[LegendClass]:
    """Zero on its own, then up to four equal ranges of counts up to the maximum."""
    classes = [LegendClass(0, 0, None)]
    if max_count <= 0:
        return classes
    count = min(len(PALETTE), max_count)
    step = math.ceil(max_count / count)
    colours = PALETTE[len(PALETTE) - count:]
    for index, colour in enumerate(colours):
        low, high = index * step + 1, min((index + 1) * step, max_count)
        if low <= high:
            classes.append(LegendClass(low, high, colour))
    return classes


def style_for(count: int, classes: list[LegendClass]) -> dict:
    """The fill of an area with this many initiatives (outlines come from map.css)."""
    colour = next((c.colour for c in classes if c.low <= count <= c.high), None)
    return {"fillColor": colour, "fillOpacity": 0.65} if colour else {"fillOpacity": 0}


def simplified(outlines, tolerance: float):
    """A copy of a GeoDataFrame with simplified outlines and short coordinates (light pages)."""
    frame = outlines.copy()
    simple = shapely.simplify(np.asarray(frame.geometry.values), tolerance, preserve_topology=True)
    frame["geometry"] = shapely.transform(simple, lambda coords: np.round(coords, COORD_DECIMALS))
    return frame


def choropleth_layer(outlines, key: str, counts: dict[str, int],
                     describe: Callable[[str, int], str],
                     name: str) -> tuple["folium.GeoJson", list[LegendClass]]:
    """A GeoJson layer of the outlines shaded by count, its tooltips, and its legend classes.

    `outlines` is a GeoDataFrame with `key`, `name` and geometry columns (see `simplified`);
    `describe(name, count)` gives the (plain text) tooltip of an area.
    """
    import folium  # with pandas, 75 MB: only for a territory page's map (see app.geo.maps)

    frame = outlines[[key, "name", "geometry"]].copy()
    frame["count"] = frame[key].map(counts).fillna(0).astype(int)
    classes = class_breaks(int(frame["count"].max()) if len(frame) else 0)
    frame["style"] = [style_for(int(n), classes) for n in frame["count"]]
    # Folium's tooltip inserts properties as HTML: escape the text here.
    frame["label"] = [html.escape(describe(area, int(n)))
                      for area, n in zip(frame["name"], frame["count"], strict=True)]
    data = json.loads(frame[["label", "style", "geometry"]].to_json(drop_id=True))
    layer = folium.GeoJson(
        data, name=name, tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        class_name="choropleth-area",
    )
    return layer, classes
