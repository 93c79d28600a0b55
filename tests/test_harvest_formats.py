"""A harvest source in each format, read from real files: the médiation numérique
standard's own example, a data·inclusion service, uMap's fixtures, a CSV with a saved column
mapping — each synced, re-read unchanged, and shrunk or broken without losing anything."""

import orjson

from app.harvest.settings import SourceValues, parse_every
from app.models import Initiative
from tests.factories import count
from tests.harvest_files import MEDIATION_EXAMPLE, UMAP_FIXTURES, mediation_rows
from tests.test_harvest_sync import counts, entries, new_source, sync
from tests.test_standard_imports import DI_SERVICE, without_coordinates


def test_the_mediation_standard_example_is_harvested_with_its_details(app, themes, clock):
    source_id = new_source("mediation-num")
    run = sync(source_id, without_coordinates(MEDIATION_EXAMPLE))
    assert (run.outcome, counts(run)) == ("ok", {"created": 1}), run.message
    place = entries(source_id)["structure-1"]
    assert (place.kind, place.status, place.insee) == ("place", "published", "51454")
    assert place.postcode and place.street_address
    # Three rows, then two: the one gone is archived, the others kept.
    sync(source_id, mediation_rows(3))
    run = sync(source_id, mediation_rows(2))
    assert counts(run) == {"archived": 1, "unchanged": 2}
    assert {key: i.status for key, i in entries(source_id).items()} == {
        "structure-1": "published", "structure-2": "published", "structure-3": "archived"}


def test_a_data_inclusion_list_is_harvested_by_its_ids(app, themes, clock):
    source_id = new_source("data-inclusion", trusted=False)
    run = sync(source_id, orjson.dumps([DI_SERVICE]))
    assert counts(run) == {"proposed": 1}, run.message
    assert entries(source_id)["dora--atelier-7"].status == "pending"


def test_a_umap_map_without_ids_is_known_by_a_stable_hash(app, themes, clock):
    data = (UMAP_FIXTURES / "test_upload_data.umap").read_bytes()
    source_id = new_source("umap")
    run = sync(source_id, data)
    assert run.outcome == "ok" and run.created == 1, run.message  # Lille; the rest abroad
    assert run.errors == 2 and "Bruxelles" not in entries(source_id)
    lille = next(iter(entries(source_id).values()))
    assert lille.name == "Lille" and len(lille.harvest_key) == 16
    # The same map written again (keys reordered): nothing changes, nothing is archived.
    again = orjson.dumps(orjson.loads(data), option=orjson.OPT_SORT_KEYS)
    run = sync(source_id, again)
    assert (run.outcome, run.created, run.archived) == ("ok", 0, 0)
    assert count(Initiative) == 1
    # A GeoJSON file given for a uMap source is refused: nothing changes.
    run = sync(source_id, (UMAP_FIXTURES / "test_upload_data.json").read_bytes())
    assert run.outcome == "failed" and "carte uMap" in run.message


def test_a_csv_with_a_saved_mapping_and_a_column_gone(app, themes, clock):
    data = b"Lieu;Ville;Ref\nAtelier du Port;Dijon;p1\nRessourcerie;Cluny;p2\n"
    source_id = new_source("csv", column_mapping={"name": "Lieu", "commune": "Ville",
                                                  "id": "Ref"})
    run = sync(source_id, data)
    assert counts(run) == {"created": 2}, run.message
    assert set(entries(source_id)) == {"p1", "p2"}
    run = sync(source_id, b"Nom;Ville;Ref\nAtelier du Port;Dijon;p1\n")
    assert run.outcome == "failed" and "Lieu" in run.message
    assert {i.status for i in entries(source_id).values()} == {"published"}


def test_intervals_are_read_from_short_words():
    assert [parse_every(text).total_seconds() for text in ("30m", "6h", "1d", "2w")] == [
        1800, 21600, 86400, 1209600]
    assert SourceValues("n", "https://x.org", "csv").interval.days == 1
