"""The kinds of entry: a team, network or body is an organisation, not a place (issue 15.6)."""

import re

import orjson
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.models import Initiative
from tests.factories import make_initiative
from tests.page_parsers import json_ld_of, map_config_of
from tests.test_export import export, read_csv
from tests.test_sources import source_rows

KIND_ENUM = re.compile(r'\[[^\]]*"field_site"[^\]]*\]')
BEFORE_ORGANISATIONS = "b7d2e6a1c9f4"
SOURCE = {"title": "Table ronde", "url": None, "published_on": None, "quote": "Un réseau.",
          "locator": None}


def organisation(**values) -> Initiative:
    return make_initiative("Réseau des tiers-lieux", kind="organisation", status="published",
                           private_email=None, **values)


def test_the_database_keeps_organisations_and_refuses_unknown_kinds(app, themes):
    entry = organisation()
    db.session.expire_all()
    assert db.session.get(Initiative, entry.id).kind == "organisation"
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE initiatives SET kind = 'team'"))


def test_organisations_are_filtered_and_labelled_on_map_list_and_api(client, themes):
    organisation()
    make_initiative("Tiers-lieu de Cluny", kind="place", status="published", private_email=None)
    api = client.get("/api/v1/initiatives?kind=organisation").get_json()
    assert [f["properties"]["name"] for f in api["features"]] == ["Réseau des tiers-lieux"]
    assert api["features"][0]["properties"]["kind"] == "organisation"
    html = client.get("/").text
    assert "Organisation <span class=\"count\">(1)</span>" in html
    assert "Organisation" in map_config_of(html)["kinds"].values()
    assert "organisation" in map_config_of(html)["icons"]
    listed = client.get("/initiatives?kind=organisation").text
    assert "Réseau des tiers-lieux" in listed and "Tiers-lieu de Cluny" not in listed


def test_organisation_is_translated_and_typed_on_its_page(client, themes):
    entry = organisation()
    page = client.get(f"/initiatives/{entry.id}?lang=en", follow_redirects=True).text
    assert "Organisation" in page
    assert json_ld_of(page)["@type"] == "Organization"


def test_openapi_and_exports_know_the_organisation_kind(client, themes):
    organisation()
    document = client.get("/api/v1/openapi.json").get_json()
    kind_enums = KIND_ENUM.findall(orjson.dumps(document).decode())
    assert len(kind_enums) >= 2 and all("organisation" in enum for enum in kind_enums)
    rows = read_csv(export(client, "csv"))
    assert {(row["kind"], row["kind_label"]) for row in rows} == {("organisation", "Organisation")}


def test_import_reads_the_organisation_kind_by_its_french_name(app):
    from app.exchange.mapping import KIND_LOOKUP

    assert KIND_LOOKUP["organisation"] == "organisation"


def test_migration_files_organisations_as_places_when_undone_and_keeps_everything(app, themes):
    entry = organisation(sources=[SOURCE]).id
    db.session.remove()
    downgrade(revision=BEFORE_ORGANISATIONS)
    assert db.session.scalar(sa.select(Initiative.kind).where(Initiative.id == entry)) == "place"
    db.session.remove()
    upgrade()
    db.session.execute(sa.text("UPDATE initiatives SET kind = 'organisation' WHERE id = :id"),
                       {"id": entry})
    db.session.commit()
    assert source_rows(entry)[0]["title"] == "Table ronde"
    if db.engine.dialect.name == "sqlite":  # the table was not rebuilt: its triggers are there
        triggers = set(db.session.scalars(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'initiatives'")))
        assert {"initiatives_rtree_insert", "initiatives_rtree_update"} <= triggers
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    db.engine.dispose()
