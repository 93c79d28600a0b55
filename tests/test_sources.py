"""Sources on every entry: rules, forms, page, API and GeoJSON, exports, imports, history,
migration."""

import csv
import io

import orjson
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import write_transaction
from app.exchange.sources import parse_source
from app.extensions import db
from app.initiatives.fields import InvalidInitiative, clean_fields
from app.initiatives.services import update_initiative
from app.models import ChangeSet, Initiative, InitiativeSource, Revision
from tests.factories import login, make_initiative, proposal_data
from tests.test_import_roundtrip import import_file, start_again_empty

BEFORE_SOURCES = "b1d7e3a9c5f2"
REPORT = {"title": "Connecteur Recherche — compilation des séances",
          "url": "https://example.org/compilation.pdf", "published_on": "2020-05-20",
          "quote": "Une <b>épicerie</b> « solidaire » a ouvert.\nDeuxième ligne.",
          "locator": "Séance 2 — Terrains"}
HOSTILE = {"title": "<script>alert(1)</script>", "url": None, "published_on": None,
           "quote": "</blockquote><img src=x onerror=alert(2)>", "locator": None}


def with_sources(*sources, **values) -> Initiative:
    return make_initiative("Épicerie solidaire", status="published", private_email=None,
                           sources=list(sources), **values)


def source_rows(initiative_id: int) -> list[dict]:
    rows = db.session.scalars(sa.select(InitiativeSource).where(
        InitiativeSource.initiative_id == initiative_id).order_by(InitiativeSource.position))
    return [row.as_dict() for row in rows]


def form_rows(*sources) -> dict:
    """Sources as the form posts them (sources-0-title…)."""
    return {f"sources-{index}-{key}": value or "" for index, source in enumerate(sources)
            for key, value in source.items()}


def test_sources_are_kept_in_order_and_blank_rows_dropped(themes):
    second = {"title": "Table ronde", "url": None, "published_on": None, "quote": None,
              "locator": None}
    initiative = with_sources(REPORT, {"title": " ", "quote": ""}, second)
    assert source_rows(initiative.id) == [REPORT, second]


@pytest.mark.parametrize(("source", "message"), [
    ({"title": "", "url": "https://example.org"}, "le titre est obligatoire"),
    ({"title": "", "quote": "Un passage sans titre."}, "le titre est obligatoire"),
    ({"title": "Doc", "url": "javascript:alert(1)"}, "adresse web invalide"),
    ({"title": "Doc", "url": "ftp://example.org"}, "adresse web invalide"),
    ({"title": "x" * 301}, "300 caractères au plus"),
    ({"title": "Doc", "quote": "x" * 2001}, "2000 caractères au plus"),
    ({"title": "Doc", "quote": "x" * 1_000_000}, "2000 caractères au plus"),
    ({"title": "Doc", "locator": "x" * 201}, "200 caractères au plus"),
    ({"title": "Doc", "published_on": "20 mai"}, "date attendue"),
])
def test_each_source_rule_refuses_with_a_french_message(source, message):
    with pytest.raises(InvalidInitiative) as refused:
        clean_fields({"sources": [source]})
    assert message in refused.value.errors["sources"]


def test_too_many_sources_are_refused():
    with pytest.raises(InvalidInitiative):
        clean_fields({"sources": [{"title": f"Doc {n}"} for n in range(21)]})


def test_page_shows_sources_with_quotes_as_escaped_blockquotes(client, themes):
    initiative = with_sources(REPORT, HOSTILE)
    page = client.get(f"/initiatives/{initiative.id}", follow_redirects=True).text
    section = page[page.index('id="sources-heading"'):]
    assert '<a href="https://example.org/compilation.pdf"' in section
    assert "Séance 2 — Terrains" in section and "20 mai 2020" in section
    assert "<blockquote>" in section
    assert "Une &lt;b&gt;épicerie&lt;/b&gt; « solidaire » a ouvert." in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<img src=x" not in page and "<script>alert(1)" not in page


def test_api_item_and_collection_give_the_sources_in_order(client, themes):
    initiative = with_sources(REPORT, HOSTILE)
    item = client.get(f"/api/v1/initiatives/{initiative.id}").get_json()
    assert item["properties"]["sources"] == [REPORT, HOSTILE]
    collection = client.get("/api/v1/initiatives").get_json()
    assert collection["features"][0]["properties"]["sources"] == [REPORT, HOSTILE]
    exported = orjson.loads(client.get("/export/initiatives.geojson").data)
    properties = exported["features"][0]["properties"]  # flat, for uMap
    assert (properties["source_title"], properties["source_url"]) == (REPORT["title"],
                                                                      REPORT["url"])


def test_an_entry_without_source_gives_an_empty_list(client, themes):
    initiative = make_initiative(status="published", private_email=None)
    item = client.get(f"/api/v1/initiatives/{initiative.id}").get_json()
    assert item["properties"]["sources"] == []


def test_csv_carries_the_first_source_title_and_url(client, themes):
    with_sources(REPORT, HOSTILE)
    body = client.get("/export/initiatives.csv").data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(body)))
    assert (row["source_title"], row["source_url"]) == (REPORT["title"], REPORT["url"])


def test_csv_and_geojson_imports_read_the_sources_back(client, themes):
    with_sources(REPORT, HOSTILE)
    exported = {"csv": client.get("/export/initiatives.csv").data,
                "geojson": client.get("/api/v1/initiatives").data}
    for fmt, data in exported.items():
        start_again_empty()
        report = import_file(data, f"export.{fmt}", status="published")
        assert report.counts["create"] == 1, (fmt, [row.reasons for row in report.rows])
        imported = db.session.scalar(sa.select(Initiative))
        expected = [REPORT, HOSTILE] if fmt == "geojson" else [
            {"title": REPORT["title"], "url": REPORT["url"], "published_on": None,
             "quote": None, "locator": None}]
        assert source_rows(imported.id) == expected, fmt
    assert parse_source(exported["csv"], "x.csv", 10**6).columns.count("source_url") == 1


def test_proposal_form_offers_three_empty_source_rows_and_saves_them(fast_forms, client, themes):
    page = client.get("/initiatives/new").text
    assert 'name="sources-2-title"' in page and 'name="sources-3-title"' not in page
    response = client.post("/initiatives/new", data=proposal_data(**form_rows(REPORT)))
    assert response.status_code == 302
    initiative = db.session.scalar(sa.select(Initiative))
    assert source_rows(initiative.id) == [REPORT]
    revision = db.session.scalar(sa.select(Revision))
    assert revision.after["sources"] == [REPORT]


def test_proposal_form_shows_a_bad_source_next_to_the_sources(fast_forms, client, themes):
    bad = {**REPORT, "url": "javascript:alert(1)"}
    response = client.post("/initiatives/new", data=proposal_data(**form_rows(bad)))
    assert response.status_code == 400
    assert "adresse web invalide" in response.text
    assert 'value="javascript:alert(1)"' in response.text  # kept, to be fixed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0


def test_a_correction_adding_a_source_is_recorded_and_applied(fast_forms, client, accounts):
    initiative = make_initiative(status="published", private_email=None)
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, themes=["gestion-de-crise"], summary="", website="",
        message="Voici la source", **form_rows(REPORT)))
    assert response.status_code == 302
    change_set = db.session.scalar(sa.select(ChangeSet))
    assert change_set.changes == {"sources": [REPORT]}
    login(client, accounts.moderator_71)
    page = client.get(f"/moderation/change-sets/{change_set.id}").text
    assert "Connecteur Recherche — compilation des séances" in page


def test_moderator_sees_and_edits_the_sources(client, accounts):
    initiative = make_initiative(private_email=None, sources=[REPORT])
    login(client, accounts.moderator_71)
    form = client.get(f"/moderation/initiatives/{initiative.id}/edit").text
    assert f'value="{REPORT["locator"]}"' in form and 'name="sources-3-title"' in form
    facts = client.get(f"/moderation/initiatives/{initiative.id}").text
    assert "Séance 2 — Terrains" in facts


def test_history_shows_the_sources_before_and_after(client, accounts):
    initiative = with_sources(REPORT)
    with write_transaction():
        update_initiative(db.session.get(Initiative, initiative.id),
                          {"sources": [REPORT, {"title": "Table ronde"}]}, author=None)
    login(client, accounts.admin)
    page = client.get(f"/initiatives/{initiative.id}/history").text
    assert "Sources" in page and "Table ronde" in page
    revisions = db.session.scalars(sa.select(Revision).order_by(Revision.id)).all()
    assert revisions[-1].before["sources"] == [REPORT]
    assert [s["title"] for s in revisions[-1].after["sources"]] == [REPORT["title"],
                                                                   "Table ronde"]


def test_migration_moves_the_seed_source_text_into_a_first_source(app, themes):
    seeded = make_initiative("Semé", status="published", private_email=None,
                             external_id="seed:seme").id
    imported = make_initiative("Importé", status="published", private_email=None,
                               source="Fichier de la région", external_id="import:x").id
    db.session.remove()
    downgrade(revision=BEFORE_SOURCES)
    db.session.execute(sa.text("UPDATE initiatives SET source = 'Table ronde de 2020' "
                               "WHERE id = :id"), {"id": seeded})
    db.session.commit()
    db.session.remove()
    upgrade()
    assert source_rows(seeded) == [{"title": "Table ronde de 2020", "url": None,
                                    "published_on": None, "quote": None, "locator": None}]
    assert source_rows(imported) == []
    sources = dict(db.session.execute(sa.select(Initiative.id, Initiative.source)).all())
    assert sources == {seeded: "", imported: "Fichier de la région"}
    stored = db.session.scalar(sa.select(Initiative.public_feature).where(
        Initiative.id == seeded))
    assert orjson.loads(bytes(stored))["properties"]["sources"][0]["title"] == \
        "Table ronde de 2020"
    db.engine.dispose()
