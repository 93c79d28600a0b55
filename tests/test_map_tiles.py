"""The map's clusters per tile (/api/v1/map/tiles/<z>/<x>/<y>.json), on either database."""

import math

import orjson
import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.geo.tiles import CELLS_PER_TILE
from app.models import Initiative, Theme
from benchmarks.generate import Commune, Generator
from benchmarks.load import copy_postgres, insert_sqlite
from tests.factories import make_initiative

pytestmark = pytest.mark.usefixtures("app")

TOWNS = [
    Commune("75056", "Paris", "75", "11", "200054781", 2_000_000, 2.3426, 48.8594),
    Commune("71137", "Cluny", "71", "27", "200070308", 4_500, 4.6594, 46.4336),
    Commune("33063", "Bordeaux", "33", "75", "243300316", 260_000, -0.5792, 44.8378),
    Commune("13055", "Marseille", "13", "93", "200054807", 870_000, 5.3698, 43.2965),
    Commune("59350", "Lille", "59", "32", "200093201", 235_000, 3.0573, 50.6292),
]
# The tiles of a first view of metropolitan France at zoom 6 (FRANCE_BOUNDS, 1280 px wide).
FIRST_VIEW = [(6, x, y) for x in range(30, 35) for y in range(21, 25)]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    side = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * side
    return z, int((lon + 180) / 360 * side), int(y)


def tile(client, z: int, x: int, y: int, query: str = "") -> dict:
    response = client.get(f"/api/v1/map/tiles/{z}/{x}/{y}.json{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def public_points(*conditions) -> list[Initiative]:
    return list(db.session.scalars(sa.select(Initiative).where(
        Initiative.status == "published", Initiative.lon.is_not(None), *conditions)))


def whole_territory_entries() -> list[Initiative]:
    return list(db.session.scalars(sa.select(Initiative).where(
        Initiative.status == "published", Initiative.lon.is_(None))))


def total_over(client, tiles, query: str = "") -> int:
    return sum(tile(client, *address, query)["count"] for address in tiles)


def tiles_holding(points: list[Initiative], z: int) -> set[tuple[int, int, int]]:
    return {tile_of(point.lon, point.lat, z) for point in points}


def bulk_load(count: int, first_id: int) -> None:
    """Insert generated published initiatives as the benchmark loader does (fast)."""
    with write_transaction():
        from app.initiatives.taxonomy import ensure_default_themes
        ensure_default_themes()
    theme_ids = dict(db.session.execute(sa.select(Theme.slug, Theme.id)).all())
    rows = Generator(TOWNS, seed=first_id).rows(count, first_id=first_id)
    db.session.commit()
    load = copy_postgres if db.engine.dialect.name == "postgresql" else insert_sqlite
    load(db.engine, rows, theme_ids)


def test_the_counts_of_every_tile_of_a_zoom_add_up_to_the_public_points(client, seeded):
    points = public_points()
    assert points and whole_territory_entries()  # the seed has both
    assert tile(client, 0, 0, 0)["count"] == len(points)
    every_tile_of_zoom_3 = [(3, x, y) for x in range(8) for y in range(8)]
    assert total_over(client, every_tile_of_zoom_3) == len(points)
    for z in (7, 12, 18):
        assert total_over(client, tiles_holding(points, z)) == len(points), z


def test_each_cell_is_counted_once_and_sums_its_points(client, seeded):
    found = tile(client, 0, 0, 0)
    entries = found["clusters"] + found["points"]
    assert len(entries) <= CELLS_PER_TILE ** 2
    assert sum(c["count"] for c in found["clusters"]) + len(found["points"]) == found["count"]
    for cluster in found["clusters"]:
        west, south, east, north = cluster["bbox"]
        assert west <= cluster["lon"] <= east and south <= cluster["lat"] <= north


def test_filters_apply_to_the_clusters(client, seeded):
    places = public_points(Initiative.kind == "place")
    assert 0 < len(places) < len(public_points())
    assert tile(client, 0, 0, 0, "?kind=place")["count"] == len(places)
    assert total_over(client, tiles_holding(places, 9), "?kind=place") == len(places)
    in_71 = public_points(Initiative.departement == "71")
    assert tile(client, 0, 0, 0, "?departement=71")["count"] == len(in_71)


def test_a_cell_holding_one_initiative_is_a_point_with_its_name(client, themes):
    alone = make_initiative("Tiers-lieu isolé", status="published", insee=None,
                            lon=4.6594, lat=46.4336, kind="place")
    found = tile(client, *tile_of(alone.lon, alone.lat, 10))
    assert found["clusters"] == []
    assert found["points"] == [{"id": alone.id, "lon": 4.6594, "lat": 46.4336,
                                "name": "Tiers-lieu isolé", "kind": "place",
                                "theme": "services-publics"}]


def test_initiatives_at_one_place_are_a_cluster_listing_their_ids(client, themes):
    ids = [make_initiative(f"Au même endroit {n}", status="published", insee=None,
                           lon=4.6594, lat=46.4336).id for n in range(3)]
    make_initiative("En attente", status="pending", insee=None, lon=4.6594, lat=46.4336)
    found = tile(client, *tile_of(4.6594, 46.4336, 12))
    assert found["points"] == []
    assert found["clusters"] == [{"count": 3, "lon": 4.6594, "lat": 46.4336,
                                  "bbox": [4.6594, 46.4336, 4.6594, 46.4336], "ids": ids}]


def test_clusters_that_can_part_give_no_ids_until_the_closest_zoom(client, themes):
    for n, lon in enumerate((4.6590, 4.6591, 4.6592)):
        make_initiative(f"Voisine {n}", status="published", insee=None, lon=lon, lat=46.4336)
    far = tile(client, *tile_of(4.6591, 46.4336, 8))
    assert [c["count"] for c in far["clusters"]] == [3] and "ids" not in far["clusters"][0]
    assert far["clusters"][0]["bbox"] == [4.659, 46.4336, 4.6592, 46.4336]
    closest = tile(client, *tile_of(4.6591, 46.4336, 18))
    listed = closest["clusters"] + closest["points"]
    assert sum(c.get("count", 1) for c in listed) == 3
    assert all("ids" in c for c in closest["clusters"])


def test_whole_territory_entries_are_not_on_the_tiles(client, seeded):
    assert whole_territory_entries()
    whole = tile(client, 0, 0, 0)
    assert whole["count"] == len(public_points())


def test_a_tile_answers_304_until_the_data_changes(client, themes):
    cluny = make_initiative("À Cluny", status="published", insee=None, lon=4.6594, lat=46.4336)
    make_initiative("À Bordeaux", status="published", insee=None, lon=-0.5792, lat=44.8378)
    url = "/api/v1/map/tiles/{}/{}/{}.json".format(*tile_of(4.6594, 46.4336, 9))
    first = client.get(url)
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # The ETag is the data version's (one read, whatever the tile holds): a change
    # elsewhere changes it too, and the body built again is the same.
    make_initiative("Ailleurs", status="published", insee=None, lon=-0.58, lat=44.84)
    elsewhere = client.get(url, headers={"If-None-Match": etag})
    assert elsewhere.status_code == 200 and elsewhere.get_data() == first.get_data()
    etag = elsewhere.headers["ETag"]
    with write_transaction():
        changed = db.session.get(Initiative, cluny.id)
        changed.name, changed.version = "À Cluny, renommée", changed.version + 1
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert again.get_json()["points"][0]["name"] == "À Cluny, renommée"
    other_filter = client.get(url + "?kind=place", headers={"If-None-Match": etag})
    assert other_filter.status_code == 200


@pytest.mark.parametrize(("path", "param"), [
    ("19/0/0", "z"), ("-1/0/0", "z"), ("a/0/0", "z"), ("1/2/0", "x"), ("1/0/2", "y"),
    ("3/0/1.5", "y"), ("18/262144/0", "x"), ("0/0/x", "y"), ("00000001/0/0", "z"),
])
def test_a_bad_tile_address_is_a_json_400_naming_the_part(client, path, param):
    response = client.get(f"/api/v1/map/tiles/{path}.json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["param"] == param
    assert error["message"].startswith(f"{param}: a whole number from 0 to ")


def test_a_bad_filter_is_a_json_400(client, themes):
    for query, param in (("?theme=nope", "theme"), ("?bbox=1,2", "bbox"), ("?kind=zzz", "kind")):
        response = client.get(f"/api/v1/map/tiles/0/0/0.json{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]["param"] == param


def first_view_bytes(client) -> tuple[int, int]:
    """The bytes of the first view's tiles, and the most entries one of them holds."""
    bodies = [client.get(f"/api/v1/map/tiles/{z}/{x}/{y}.json").get_data()
              for z, x, y in FIRST_VIEW]
    most = max(len(data["clusters"]) + len(data["points"])
               for data in map(orjson.loads, bodies))
    return sum(map(len, bodies)), most


def test_the_first_view_weighs_the_same_when_the_collection_grows_tenfold(client):
    bulk_load(300, first_id=1)
    small, small_most = first_view_bytes(client)
    points_small = len(client.get("/api/v1/map/points").get_data())
    bulk_load(2700, first_id=301)
    large, large_most = first_view_bytes(client)
    points_large = len(client.get("/api/v1/map/points").get_data())
    assert tile(client, 0, 0, 0)["count"] == 3000
    assert points_large > 8 * points_small  # what the map loaded before: every point
    assert max(small_most, large_most) <= CELLS_PER_TILE ** 2
    assert large < 1.3 * small, (small, large)
