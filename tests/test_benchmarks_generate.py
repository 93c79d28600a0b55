"""The benchmark's synthetic initiatives: valid, deterministic, spread like the population."""

from collections import Counter
from pathlib import Path

import pytest

from app.geo.territory import current_gazetteer
from app.initiatives.fields import MAX_LENGTHS, clean
from app.initiatives.values import CleanValues
from app.models import ACTOR_TYPES, KINDS
from benchmarks.generate import THEME_SLUGS, Commune, Generator, load_communes, service_data

GAZETTEER = Path(__file__).resolve().parent.parent / "geodata" / "build" / "gazetteer.sqlite"
TOWNS = [
    Commune("75056", "Paris", "75", "11", "200054781", 2_000_000, 2.3426, 48.8594),
    Commune("71137", "Cluny", "71", "27", "200070308", 4_500, 4.6594, 46.4336),
]


@pytest.fixture(scope="module")
def communes():
    return load_communes(GAZETTEER)


def test_same_seed_gives_the_same_initiatives():
    assert Generator(TOWNS, seed=5).rows(20) == Generator(TOWNS, seed=5).rows(20)
    assert Generator(TOWNS, seed=5).rows(20) != Generator(TOWNS, seed=6).rows(20)


def test_generated_initiatives_pass_the_initiative_cleaner():
    for row in Generator(TOWNS).rows(200):
        cleaned = clean(service_data(row))
        assert cleaned["name"] == row["name"]
        assert row["kind"] in KINDS and row["actor_type"] in ACTOR_TYPES
        for field, limit in MAX_LENGTHS.items():
            assert len(row.get(field) or "") <= limit


def test_each_initiative_is_published_with_one_to_three_known_themes():
    rows = Generator(TOWNS).rows(300, first_id=10)
    assert [row["id"] for row in rows] == list(range(10, 310))
    assert {row["status"] for row in rows} == {"published"}
    assert {len(row["themes"]) for row in rows} == {1, 2, 3}
    assert all(set(row["themes"]) <= set(THEME_SLUGS) for row in rows)
    assert all(len(set(row["themes"])) == len(row["themes"]) for row in rows)


def test_text_fields_are_about_as_long_as_the_seed_initiatives():
    rows = Generator(TOWNS).rows(500)
    for field, low, high in (("summary", 100, 220), ("description", 300, 700)):
        mean = sum(len(row[field]) for row in rows) / len(rows)
        assert low < mean < high, field


def test_points_stay_close_to_their_commune():
    for row in Generator(TOWNS).rows(300):
        town = next(town for town in TOWNS if town.insee == row["insee"])
        assert abs(row["lon"] - town.lon) < 0.5 and abs(row["lat"] - town.lat) < 0.4
        assert row["departement"] == town.departement and row["region"] == town.region


def test_initiatives_follow_the_population(communes):
    paris = next(c for c in communes if c.insee == "75056")
    share = paris.population / sum(c.population for c in communes)
    rows = Generator(communes, seed=1).rows(5000)
    found = Counter(row["insee"] for row in rows)["75056"] / len(rows)
    assert share / 2 < found < share * 2
    assert len({row["departement"] for row in rows}) > 90  # metropolitan and overseas


def test_generated_points_lie_in_their_communes_as_the_app_requires(app, communes):
    gazetteer = current_gazetteer()
    for row in Generator(communes, seed=7).rows(2000):
        CleanValues.check(service_data(row))  # InvalidInitiative for a point far from it
        commune = gazetteer.get(row["insee"])
        if row["location_precision"] == "address":
            assert gazetteer.distance_m(commune, row["lon"], row["lat"]) == 0, row["insee"]
        else:  # the commune's reference point, as the app places an initiative without a pin
            assert (row["lon"], row["lat"]) == (commune.lon, commune.lat)
