"""What every territory page shows: counts, a map shaded by area and the areas inside."""

from dataclasses import dataclass, field

from flask import abort, render_template, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.caching.bounded import app_cache
from app.geo.choropleth import choropleth_layer, simplified
from app.geo.gazetteer import Gazetteer, GazetteerMissing
from app.geo.maps import RenderedMap
from app.geo.territory import current_gazetteer
from app.public.browse import Browse, browse
from app.public.scope_panel import whole_territory_sections, wider_sections
from app.public.services import counted_key, counts_per_area, result_page
from app.web.maps import initiatives_map

# Simplification of outlines (degrees): coarse for départements, finer for communes.
DEPARTEMENT_TOLERANCE = 0.02
COMMUNE_TOLERANCE = 0.005
# Rendered territory maps kept per worker, in characters (France's is about 150,000).
MAPS_KEPT = 16_000_000
# Simplified outlines: the départements' and, per département, its communes'.
AREAS_KEPT = 36
# Around a commune without an outline (a handful), in degrees.
POINT_MARGIN = 0.05


@dataclass
class Territory:
    """One territory page: what it filters on and which areas its choropleth shades."""

    level: str  # france, region, departement, epci or commune
    name: str
    title: str
    filters: dict
    outlines: object  # GeoDataFrame of the areas inside, with `key` and `name` columns
    key: str
    column: object  # the Initiative column holding an area's code
    area_url: object  # code -> URL of an area's page
    bounds: list | None = None
    parents: list[tuple[str, str]] = field(default_factory=list)
    directory: str | None = None  # its printed directory (PDF), for communes to départements

    @property
    def per_commune(self) -> bool:
        return self.key == "insee"


def departement_areas(gazetteer: Gazetteer):
    """The départements' outlines, simplified once per worker."""
    return app_cache("territory_areas", AREAS_KEPT).get_or_build(
        (gazetteer, None),
        lambda: simplified(gazetteer.departement_outlines(), DEPARTEMENT_TOLERANCE))


def commune_areas(gazetteer: Gazetteer, departement: str):
    """A département's communes' outlines, simplified once per worker."""
    return app_cache("territory_areas", AREAS_KEPT).get_or_build(
        (gazetteer, departement),
        lambda: simplified(gazetteer.commune_outlines(departement), COMMUNE_TOLERANCE))


def epci_areas(gazetteer: Gazetteer, epci: dict):
    """An EPCI's communes' outlines, from those of its départements."""
    import pandas  # heavy, as geopandas: only the territory pages need it

    frames = [commune_areas(gazetteer, code) for code in epci["departements"]]
    frame = pandas.concat(frames) if len(frames) > 1 else frames[0]
    return frame[frame["epci"] == epci["code"]]


def gazetteer_or_503() -> Gazetteer:
    try:
        return current_gazetteer()
    except GazetteerMissing:
        abort(503, _("Le référentiel des communes n'est pas encore installé."))


def found_or_404(found, message: str):
    if found is None:
        abort(404, message)
    return found


def bounds_of(frame) -> list | None:
    """Leaflet bounds [[south, west], [north, east]] of a GeoDataFrame."""
    if frame.empty:
        return None
    west, south, east, north = frame.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def bounds_around(lon: float | None, lat: float | None) -> list | None:
    if lon is None or lat is None:
        return None
    return [[lat - POINT_MARGIN, lon - POINT_MARGIN], [lat + POINT_MARGIN, lon + POINT_MARGIN]]


def describe_area(name: str, count: int) -> str:
    return ngettext("%(name)s : %(num)d initiative", "%(name)s : %(num)d initiatives", count,
                    name=name)


def render_territory(territory: Territory):
    """Count, map and shade the initiatives of a territory."""
    state = browse(territory.filters)
    counts = counts_per_area(territory.column, state.filters)
    # The map shows the counts and the themes' labels and colours (in the facets' key), and
    # links under the script root: building it with Folium was most of the page's time.
    key = (request.script_root, request.path, state.query, str(get_locale()),
           counted_key(state.filters), tuple(sorted(counts.items())))
    rendered, legend = app_cache("territory_maps", MAPS_KEPT, map_size).get_or_build(
        key, lambda: territory_map(territory, state, counts))
    # A commune has no areas inside: its page lists its initiatives instead.
    listing = result_page(state.filters, "name") if territory.level == "commune" else None
    return render_template("public/territory.html", territory=territory, state=state,
                           map=rendered, legend=legend, listing=listing,
                           scope_sections=whole_territory_sections(state.filters),
                           count_text=count_text(state.facets.total,
                                                 covering_count(state.filters)),
                           areas=[] if listing else area_rows(territory, counts))


def covering_count(filters) -> int:
    """How many whole-territory entries cover the territory beyond those counted in it."""
    return sum(len(section.entries) for section in wider_sections(filters))


def count_text(total: int, covering: int) -> str:
    """The page's count: those in the territory, and those covering it whole, so that "0
    initiatives" never stands above a list of entries that concern it."""
    if not covering:
        return ngettext("%(num)s initiative", "%(num)s initiatives", total)
    located = ngettext("%(num)s initiative située dans ce territoire",
                       "%(num)s initiatives situées dans ce territoire", total) if total else \
        _("Aucune initiative située dans ce territoire")
    return located + " ; " + ngettext("%(num)s initiative le couvre tout entier",
                                      "%(num)s initiatives le couvrent tout entier", covering)


def territory_map(territory: Territory, state: Browse, counts: dict[str, int]):
    """The rendered map of a territory, shaded by its counts, and the legend's classes."""
    label = _("Carte de %(name)s", name=territory.name)
    if territory.outlines.empty:  # four communes have no outline in the gazetteer
        return initiatives_map(state.args, label, bounds=territory.bounds,
                               clustered=state.clustered), []
    layer, legend = choropleth_layer(territory.outlines, territory.key, counts, describe_area,
                                     name="choropleth")
    return initiatives_map(state.args, label, bounds=territory.bounds, layers=[layer],
                           clustered=state.clustered), legend


def map_size(value: tuple[RenderedMap, list]) -> int:
    rendered, _legend = value
    return len(rendered.header) + len(rendered.html) + len(rendered.script)


def area_rows(territory: Territory, counts: dict[str, int]) -> list[dict]:
    """The table of the areas inside a territory (only those with initiatives for communes)."""
    frame = territory.outlines
    rows = [{"name": name, "code": code, "count": counts.get(code, 0)}
            for code, name in zip(frame[territory.key].tolist(), frame["name"].tolist(),
                                  strict=True)]
    if territory.per_commune:
        rows = [row for row in rows if row["count"]]
    for row in rows:
        row["url"] = territory.area_url(row["code"])
    return rows
