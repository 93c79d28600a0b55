"""`near`: initiatives within a radius of a point, postcode or INSEE code, nearest first,
computed by the database and checked against a Python haversine reference."""

import math
import re
from html import unescape

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.filters import DEFAULT_RADIUS_KM, FilterError, parse_filters
from app.geo.spatial import explain, near_distance, select_initiatives
from app.geo.territory import current_gazetteer
from app.models import Initiative
from tests.test_spatial import spread_copies

EARTH_RADIUS_M = 6371008.7714  # the mean radius of WGS84, the sphere of ST_DistanceSphere
POINTS = {"paris": (2.3522, 48.8566), "cluny": (4.659, 46.434), "brest": (-4.486, 48.390),
          "nimes": (4.360, 43.837)}


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The reference distance in metres, computed here rather than by the database."""
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    cos_lats = math.cos(math.radians(lat1)) * math.cos(math.radians(lat2))
    chord = math.sin(dlat / 2) ** 2 + cos_lats * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(chord)))


def reference(lon: float, lat: float, radius_km: float) -> list[tuple[int, float]]:
    """(id, distance) of the published initiatives within the radius, nearest first."""
    rows = db.session.execute(sa.select(Initiative.id, Initiative.lon, Initiative.lat).where(
        Initiative.status == "published", Initiative.lon.is_not(None))).all()
    found = [(i, haversine(lon, lat, x, y)) for i, x, y in rows]
    return sorted(((i, d) for i, d in found if d <= radius_km * 1000), key=lambda r: (r[1], r[0]))


def nearest(args: dict) -> list[tuple[int, float]]:
    filters = parse_filters(MultiDict(args))
    stmt = select_initiatives(filters).with_only_columns(Initiative.id, near_distance(filters))
    return [(i, d) for i, d in db.session.execute(stmt).all()]


def same_order(found: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    """The same initiatives at the same distances (to the centimetre), in the same order;
    ties at equal distance in id order."""
    assert [i for i, _ in found] == [i for i, _ in expected]
    for (_, got), (_, want) in zip(found, expected, strict=True):
        assert got == pytest.approx(want, abs=0.01)


@pytest.mark.parametrize("place", POINTS)
@pytest.mark.parametrize("radius", [5, 50, 200])
def test_near_orders_by_distance_like_the_reference(app, seeded, place, radius):
    lon, lat = POINTS[place]
    expected = reference(lon, lat, radius)
    found = nearest({"near": f"{lon},{lat}", "radius_km": str(radius)})
    same_order(found, expected)


# Wallis-et-Futuna (INSEE 986xx) lies by the antimeridian: circles there cross ±180°.
ANTIMERIDIAN_LONS = (179.2, 179.6, 179.9, 180.0, -180.0, -179.9, -179.4, -178.9, -178.1, -176.2)
WALLIS_POINTS = {"west of 180": (179.7, -14.0), "east of -180": (-179.5, -14.2),
                 "futuna": (-178.1, -14.29), "wallis": (-176.2, -13.28)}


@pytest.fixture
def across_the_antimeridian(seeded):
    """Published entries on both sides of ±180°, copies of a seed entry."""
    columns = ", ".join(column.name for column in Initiative.__table__.columns
                        if column.name not in ("id", "external_id", "lon", "lat"))
    source = db.session.scalar(sa.select(sa.func.min(Initiative.id)).where(
        Initiative.status == "published", Initiative.lon.is_not(None)))
    for number, lon in enumerate(ANTIMERIDIAN_LONS):
        db.session.execute(sa.text(
            f"INSERT INTO initiatives ({columns}, lon, lat) "
            f"SELECT {columns}, :lon, :lat FROM initiatives WHERE id = :source"),
            {"lon": lon, "lat": -14.3 + number * 0.07, "source": source})


@pytest.mark.parametrize("place", WALLIS_POINTS)
@pytest.mark.parametrize("radius", [50, 200])
def test_near_finds_and_orders_entries_across_the_antimeridian(app, across_the_antimeridian,
                                                               place, radius):
    lon, lat = WALLIS_POINTS[place]
    expected = reference(lon, lat, radius)
    if radius == 200 and place in ("west of 180", "east of -180"):  # the circle crosses
        sides = db.session.scalars(sa.select(Initiative.lon > 0).where(
            Initiative.id.in_([i for i, _ in expected]))).all()
        assert set(sides) == {True, False}
    same_order(nearest({"near": f"{lon},{lat}", "radius_km": str(radius)}), expected)


def test_near_finds_something_around_paris_and_cluny(app, seeded):
    # Guards the parametrised test above from passing on empty results.
    for place in ("paris", "cluny"):
        assert reference(*POINTS[place], 50), place


def test_the_default_radius_applies_and_rayon_is_the_french_name(app, seeded):
    lon, lat = POINTS["paris"]
    same_order(nearest({"near": f"{lon},{lat}"}), reference(lon, lat, DEFAULT_RADIUS_KM))
    same_order(nearest({"near": f"{lon},{lat}", "rayon": "2,5"}), reference(lon, lat, 2.5))


def test_near_combines_with_other_filters(app, seeded):
    lon, lat = POINTS["paris"]
    found = nearest({"near": f"{lon},{lat}", "radius_km": "200", "departement": "75"})
    in_paris = [(i, d) for i, d in reference(lon, lat, 200)
                if db.session.get(Initiative, i).departement == "75"]
    assert in_paris
    same_order(found, in_paris)


def test_a_postcode_stands_for_its_most_populous_commune(app):
    cluny = current_gazetteer().get("71137")
    # 71250 is shared by some twenty communes; Cluny is the largest.
    assert parse_filters(MultiDict({"near": "71250"})).near == (cluny.lon, cluny.lat)


def test_an_insee_code_stands_for_its_commune(app):
    for insee in ("71137", "2A004"):
        commune = current_gazetteer().get(insee)
        assert parse_filters(MultiDict({"near": insee.lower()})).near == (commune.lon, commune.lat)


@pytest.mark.parametrize(("args", "param"), [
    ({"near": "Cluny"}, "near"),
    ({"near": "4.6"}, "near"),
    ({"near": "4.6,46.4,3"}, "near"),
    ({"near": "nan,46"}, "near"),
    ({"near": "200,46"}, "near"),
    ({"near": "4.6,-91"}, "near"),
    ({"near": "99999"}, "near"),
    ({"near": "4.6,46.4", "radius_km": "0"}, "radius_km"),
    ({"near": "4.6,46.4", "radius_km": "201"}, "radius_km"),
    ({"near": "4.6,46.4", "rayon": "loin"}, "rayon"),
    ({"near": "4.6,46.4", "rayon": "nan"}, "rayon"),
])
def test_invalid_near_or_radius_names_the_parameter(app, args, param):
    with pytest.raises(FilterError) as raised:
        parse_filters(MultiDict(args))
    assert raised.value.param == param


def test_api_lists_the_nearest_first_with_their_distance(client, seeded):
    lon, lat = POINTS["paris"]
    expected = reference(lon, lat, 50)
    body = client.get(f"/api/v1/initiatives?near={lon},{lat}&radius_km=50").get_json()
    found = [(f["id"], f["properties"]["distance_m"]) for f in body["features"]]
    assert [i for i, _ in found] == [i for i, _ in expected]
    assert all(abs(got - want) <= 0.5 for (_, got), (_, want) in zip(found, expected, strict=True))


def test_api_pages_in_distance_order(client, seeded):
    lon, lat = POINTS["paris"]
    expected = [i for i, _ in reference(lon, lat, 50)]
    assert len(expected) > 3
    seen, url = [], f"/api/v1/initiatives?near={lon},{lat}&radius_km=50&limit=2"
    while url:
        body = client.get(url).get_json()
        seen += [f["id"] for f in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert seen == expected


def test_api_resolves_a_postcode(client, seeded):
    cluny = current_gazetteer().get("71137")
    by_code = client.get("/api/v1/initiatives?near=71250&radius_km=30").get_json()
    by_point = client.get(f"/api/v1/initiatives?near={cluny.lon},{cluny.lat}&radius_km=30")
    assert by_code["features"] == by_point.get_json()["features"]
    expected = [i for i, _ in reference(cluny.lon, cluny.lat, 30)]
    assert [f["id"] for f in by_code["features"]] == expected


@pytest.mark.parametrize(("query", "param"), [("near=Paris", "near"), ("near=00000", "near"),
                                              ("near=2.3,48.8&radius_km=500", "radius_km")])
def test_api_answers_a_bad_near_with_a_400_naming_it(client, query, param):
    response = client.get(f"/api/v1/initiatives?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["param"] == param
    assert param in error["message"]


def test_api_map_points_keep_only_those_near(client, seeded):
    lon, lat = POINTS["cluny"]
    body = client.get(f"/api/v1/map/points?near={lon},{lat}&radius_km=30").get_json()
    expected = dict(reference(lon, lat, 30))
    assert sorted(body["id"]) == sorted(expected)
    for initiative_id, distance in zip(body["id"], body["distance_m"], strict=True):
        assert abs(distance - expected[initiative_id]) <= 0.5


def result_names(html: str) -> list[str]:
    return re.findall(r'<h3 class="result__title"><a href="[^"]*">([^<]*)</a>', html)


def test_list_page_orders_by_distance_and_says_how_far(client, seeded):
    lon, lat = POINTS["paris"]
    expected = reference(lon, lat, 50)[:20]
    response = client.get(f"/initiatives?near={lon},{lat}&rayon=50")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    names = [db.session.get(Initiative, i).name for i, _ in expected]
    assert [unescape(n) for n in result_names(html)] == names
    distances = re.findall(r'<span class="result__distance">([^<]*)</span>', html)
    assert len(distances) == len(expected)
    assert distances == [french_label(metres) for _, metres in expected]


def french_label(metres: float) -> str:
    if metres < 995:
        return f"à {max(10, round(metres / 10) * 10)} m"
    km = metres / 1000
    return f"à {km:.1f} km".replace(".", ",") if km < 10 else f"à {round(km)} km"


def test_list_page_formats_distances_in_english(client, seeded):
    lon, lat = POINTS["paris"]
    html = client.get(f"/initiatives?near={lon},{lat}&rayon=50&lang=en",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    distances = re.findall(r'<span class="result__distance">([^<]*)</span>', html)
    assert distances and all(re.fullmatch(r"[\d.,]+ k?m away", d) for d in distances), distances


def test_a_commune_typed_by_name_becomes_its_insee_code(client, seeded):
    response = client.get("/initiatives?near=Cluny&rayon=30")
    assert response.status_code == 302
    assert "near=71137" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Cluny (71137)"' in html
    cluny = current_gazetteer().get("71137")
    expected = [db.session.get(Initiative, i).name for i, _ in reference(cluny.lon, cluny.lat, 30)]
    assert expected and [unescape(n) for n in result_names(html)] == expected[:20]


def test_a_bad_near_on_a_page_is_said_next_to_the_field(client, seeded):
    response = client.get("/initiatives?near=Zzyzxville")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="filter-near-error"' in html and "Zzyzxville" in html
    assert 'aria-invalid="true"' in html
    # The other filters still apply and the list is shown, in its usual order.
    assert result_names(html)
    bad_radius = client.get("/initiatives?near=2.35,48.85&rayon=900").get_data(as_text=True)
    assert 'id="filter-near-error"' in bad_radius


def test_the_map_page_keeps_near_and_centres_on_the_point(client, seeded):
    html = client.get("/?near=71250&rayon=30").get_data(as_text=True)
    assert "near=71250" in html and 'id="filter-near"' in html
    south, west, north, east = map(float, re.search(
        r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]",
        html).groups())
    cluny = current_gazetteer().get("71137")
    assert (south + north) / 2 == pytest.approx(cluny.lat, abs=1e-6)
    assert (west + east) / 2 == pytest.approx(cluny.lon, abs=1e-6)
    assert haversine(cluny.lon, cluny.lat, cluny.lon, north) == pytest.approx(30_000, rel=1e-3)


def test_near_query_plan_uses_the_spatial_index(app, seeded):
    spread_copies(400)
    plan = explain(select_initiatives(parse_filters(MultiDict({"near": "2.35,48.85",
                                                               "radius_km": "10"}))))
    if db.engine.dialect.name == "postgresql":
        assert "ix_initiatives_geom" in plan, plan
    else:
        assert "VIRTUAL TABLE INDEX" in plan and "initiatives_rtree" in plan, plan
