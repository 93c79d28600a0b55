"""Round trip: our exports imported into an empty database give the same public data."""

import pytest

from app.database import write_transaction
from app.exchange import imports
from app.exchange.mapping import guess_mapping
from app.exchange.sources import parse_source
from app.extensions import db
from app.initiatives.taxonomy import ensure_default_themes
from tests.conftest import empty_tables
from tests.factories import make_initiative

SITE = "http://localhost"
NOT_CARRIED = ("uid", "url", "updated_at", "actor_id")  # ids are the database's own


def public_data(client) -> dict[str, dict]:
    """Every public initiative as the API shows it, by name, without ids and timestamps."""
    features = client.get("/api/v1/initiatives?limit=10000").get_json()["features"]
    found = {}
    for feature in features:
        properties = {k: v for k, v in feature["properties"].items() if k not in NOT_CARRIED}
        properties["partners"] = [{k: v for k, v in partner.items() if k != "actor_id"}
                                  for partner in properties["partners"]]
        geometry = feature["geometry"]  # null for an entry covering a whole territory
        found[properties["name"]] = {**properties,
                                     "point": geometry and geometry["coordinates"]}
    return found


def import_file(data: bytes, filename: str, **options) -> imports.ImportReport:
    source = parse_source(data, filename, 10**8)
    with write_transaction():
        return imports.commit(source, guess_mapping(source),
                              imports.ImportOptions(site=SITE, **options), author=None)


def start_again_empty() -> None:
    db.session.commit()
    db.session.close()
    empty_tables()
    with write_transaction():
        ensure_default_themes()


def add_varied_initiatives() -> None:
    """Fields the seed leaves empty: dates, contact, Markdown links, hostile text, a point."""
    make_initiative("=Formule", summary="+1+1", description="Voir [le site](https://a.fr).\n\n"
                    "**Gras** et *italique*.", public_contact="@contact", started_on="2020-03-17",
                    ended_on="2021-06-30", website="https://example.org/x",
                    tags=["vélo", "réparation"], research_partnership=True,
                    lon=4.659, lat=46.434, location_precision="address", actor_type="company",
                    kind="place", status="published", private_email=None, themes=None,
                    life_status="ended", life_note="Reprise par la commune, puis arrêtée.")


EXPORTS = {"geojson": "/export/initiatives.geojson", "csv": "/export/initiatives.csv",
           "umap": "/export/initiatives.umap", "json": "/api/v1/initiatives?limit=10000"}


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_export_then_import_into_an_empty_database_gives_the_same_public_data(client, seeded,
                                                                               fmt):
    add_varied_initiatives()
    before = public_data(client)
    exported = client.get(EXPORTS[fmt]).data
    start_again_empty()
    report = import_file(exported, f"initiatives.{fmt}", status="published")
    assert report.counts["create"] == len(before), [r.reasons for r in report.rows
                                                    if r.action != "create"]
    after = public_data(client)
    assert after.keys() == before.keys()
    for name, properties in before.items():
        if fmt != "json":  # flat files carry the first source's title and URL alone
            properties["sources"] = first_source(properties["sources"])
            after[name]["sources"] = first_source(after[name]["sources"])
        assert after[name] == properties, name


def first_source(sources: list[dict]) -> list[dict]:
    return [{"title": source["title"], "url": source["url"]} for source in sources[:1]]


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_reimporting_our_export_into_the_same_database_changes_nothing(client, seeded, fmt):
    exported = client.get(f"/export/initiatives.{fmt}").data
    source = parse_source(exported, f"initiatives.{fmt}", 10**8)
    report = imports.dry_run(source, guess_mapping(source), imports.ImportOptions(site=SITE))
    assert {row.action for row in report.rows} == {"unchanged"}
    assert {row.target_id for row in report.rows} == set(range(1, seeded.created + 1))


def test_a_round_trip_twice_updates_instead_of_duplicating(client, seeded):
    exported = client.get("/export/initiatives.geojson").data
    start_again_empty()
    import_file(exported, "initiatives.geojson", status="published")
    again = import_file(exported, "initiatives.geojson", status="published")
    assert {row.action for row in again.rows} == {"unchanged"}
