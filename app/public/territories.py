"""Territory pages: France, a région, a département — counts, map and choropleth (HTTP only)."""

from dataclasses import dataclass, field

from flask import abort, jsonify, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.caching.bounded import app_cache
from app.geo.choropleth import choropleth_layer, simplified
from app.geo.gazetteer import Gazetteer, GazetteerMissing
from app.geo.maps import RenderedMap
from app.geo.territory import current_gazetteer
from app.models import Initiative
from app.public import bp
from app.public.browse import Browse, browse
from app.public.services import counted_key, counts_per_area
from app.web.maps import initiatives_map

# Simplification of outlines (degrees): coarse for départements, finer for communes.
DEPARTEMENT_TOLERANCE = 0.02
COMMUNE_TOLERANCE = 0.005
SUGGESTIONS = 10
# The column of the départements' outlines that holds a région's or a département's code.
OUTLINE_COLUMNS = {"region": "region", "departement": "code"}
# Rendered territory maps kept per worker, in characters (France's is about 150,000).
MAPS_KEPT = 16_000_000
# Simplified outlines: the départements' and, per département, its communes'.
AREAS_KEPT = 36


@dataclass
class Territory:
    """One territory page: what it filters on and which areas its choropleth shades."""

    name: str
    title: str
    filters: dict
    outlines: object  # GeoDataFrame of the areas inside, with `key` and `name` columns
    key: str
    column: object  # the Initiative column holding an area's code
    area_url: object  # code -> URL of an area's page or filtered view
    bounds: list | None = None
    parents: list[tuple[str, str]] = field(default_factory=list)


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


def gazetteer_or_503() -> Gazetteer:
    try:
        return current_gazetteer()
    except GazetteerMissing:
        abort(503, _("Le référentiel des communes n'est pas encore installé."))


def found_or_404(found: dict | None, message: str) -> dict:
    if found is None:
        abort(404, message)
    return found


def find_territory(level: str, code: str, message: str):
    """A région or a département (404 when unknown) and the outlines of its départements."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(getattr(gazetteer, level)(code), message)
    outlines = departement_areas(gazetteer)
    return gazetteer, found, outlines[outlines[OUTLINE_COLUMNS[level]] == found["code"]]


def bounds_of(frame) -> list | None:
    """Leaflet bounds [[south, west], [north, east]] of a GeoDataFrame."""
    if frame.empty:
        return None
    west, south, east, north = frame.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def departement_page(code: str) -> str:
    return url_for("public.departement", code=code)


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
    return render_template("public/territory.html", territory=territory, state=state,
                           map=rendered, legend=legend, areas=area_rows(territory, counts))


def territory_map(territory: Territory, state: Browse, counts: dict[str, int]):
    """The rendered map of a territory, shaded by its counts, and the legend's classes."""
    layer, legend = choropleth_layer(territory.outlines, territory.key, counts, describe_area,
                                     name="choropleth")
    rendered = initiatives_map(state.args, _("Carte de %(name)s", name=territory.name),
                               bounds=territory.bounds, layers=[layer])
    return rendered, legend


def map_size(value: tuple[RenderedMap, list]) -> int:
    rendered, _legend = value
    return len(rendered.header) + len(rendered.html) + len(rendered.script)


def area_rows(territory: Territory, counts: dict[str, int]) -> list[dict]:
    """The table of the areas inside a territory (only those with initiatives for communes)."""
    frame = territory.outlines
    rows = [{"name": name, "code": code, "count": counts.get(code, 0)}
            for code, name in zip(frame[territory.key].tolist(), frame["name"].tolist(),
                                  strict=True)]
    if territory.key == "insee":
        rows = [row for row in rows if row["count"]]
    for row in rows:
        row["url"] = territory.area_url(row["code"])
    return rows


@bp.get("/territoires/")
def france():
    """France: initiatives per département."""
    outlines = departement_areas(gazetteer_or_503())
    return render_territory(Territory(
        name="France", title=_("Les initiatives en France"), filters={},
        outlines=outlines, key="code", column=Initiative.departement,
        area_url=departement_page,
    ))


@bp.get("/territoires/region/<code>")
def region(code: str):
    """A région: initiatives per département."""
    _gazetteer, found, outlines = find_territory("region", code,
                                                 _("Aucune région ne porte ce code."))
    return render_territory(Territory(
        name=found["name"], title=found["name"], filters={"region": found["code"]},
        outlines=outlines, key="code", column=Initiative.departement,
        area_url=departement_page,
        bounds=bounds_of(outlines), parents=[("France", url_for("public.france"))],
    ))


@bp.get("/territoires/<code>")
def departement(code: str):
    """A département: initiatives per commune."""
    gazetteer, found, outline = find_territory("departement", code,
                                               _("Aucun département ne porte ce code."))
    return render_territory(Territory(
        name=found["name"], title=f"{found['name']} ({found['code']})",
        filters={"departement": found["code"]},
        outlines=commune_areas(gazetteer, found["code"]), key="insee",
        column=Initiative.insee, area_url=lambda insee: url_for("public.index", commune=insee),
        bounds=bounds_of(outline),
        parents=[("France", url_for("public.france")),
                 (found["region_name"], url_for("public.region", code=found["region"]))],
    ))


@bp.get("/territoires/communes.json")
def commune_suggestions():
    """Communes matching a typed name, postcode or INSEE code, for the filter's autocomplete."""
    query = (request.args.get("q") or "").strip()[:100]
    try:
        communes = current_gazetteer().search(query, SUGGESTIONS) if query else []
    except GazetteerMissing:
        communes = []
    return jsonify([{"insee": c.insee, "name": c.name, "departement": c.departement,
                     "label": f"{c.name} ({c.insee})"} for c in communes])
