"""Dossiers: curated collections with their own sources, pages, API, filter and seed."""

from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.dossier_seed import load_seed_dossiers
from app.initiatives.dossiers import InvalidDossier, save_dossier
from app.models import AdminEvent, Dossier, DossierEntry, DossierSource
from tests.factories import make_initiative
from tests.test_api_openapi import validator_for

QUOTE = "Une <b>épicerie</b> « solidaire » a ouvert."
SOURCE = {"title": "Connecteur Recherche — séance 2", "url": "https://example.org/s2.pdf",
          "published_on": "2020-05-20", "quote": QUOTE, "locator": "p. 3"}


def make_dossier(*initiatives, slug="solidarites", title="Solidarités", **values) -> Dossier:
    with write_transaction():
        return save_dossier(None, {"slug": slug, "title": title,
                                   "introduction": "Des **entraides** nées en 2020.",
                                   "sources": [SOURCE],
                                   "initiatives": [i.id for i in initiatives], **values}, None)


@pytest.fixture
def trio(app, themes):
    """Three published initiatives; the dossier holds the third, then the first."""
    first = make_initiative("Épicerie solidaire", status="published")
    second = make_initiative("Jardin partagé", status="published")
    third = make_initiative("Réseau d'entraide", status="published")
    dossier = make_dossier(third, first)
    return first, second, third, dossier


def test_a_dossier_keeps_its_sources_and_initiatives_in_order(trio):
    first, _second, third, dossier = trio
    entries = db.session.scalars(sa.select(DossierEntry).order_by(DossierEntry.position)).all()
    assert [entry.initiative_id for entry in entries] == [third.id, first.id]
    sources = db.session.scalars(sa.select(DossierSource)).all()
    assert [source.as_dict() for source in sources] == [SOURCE]


@pytest.mark.parametrize(("values", "field"), [
    ({"slug": "Pas Bon"}, "slug"), ({"slug": "-tiret"}, "slug"), ({"title": " "}, "title"),
    ({"initiatives": "12, abc"}, "initiatives"), ({"initiatives": [999999]}, "initiatives"),
    ({"sources": [{"title": "", "quote": "orpheline"}]}, "sources"),
])
def test_a_dossier_with_a_wrong_field_is_refused_with_its_reason(app, values, field):
    data = {"slug": "ok", "title": "Titre", **values}
    with pytest.raises(InvalidDossier) as refused, write_transaction():
        save_dossier(None, data, None)
    assert set(refused.value.errors) == {field}


def test_two_dossiers_cannot_share_a_slug(trio):
    with pytest.raises(InvalidDossier) as refused, write_transaction():
        save_dossier(None, {"slug": "solidarites", "title": "Autre"}, None)
    assert "slug" in refused.value.errors


def test_deleting_an_initiative_removes_it_from_its_dossiers(trio):
    first, _second, third, dossier = trio
    with write_transaction():
        db.session.delete(db.session.get(type(first), first.id))
    ids = db.session.scalars(sa.select(DossierEntry.initiative_id)).all()
    assert ids == [third.id]


def test_dossier_page_shows_introduction_sources_map_list_and_exports(client, trio):
    first, second, third, _dossier = trio
    html = client.get("/dossiers/solidarites").get_data(as_text=True)
    assert "<strong>entraides</strong>" in html  # the Markdown, rendered
    assert "<blockquote>Une &lt;b&gt;épicerie&lt;/b&gt; « solidaire » a ouvert.</blockquote>" \
        in html
    assert html.index(third.name.replace("'", "&#39;")) < html.index(first.name)
    assert second.name not in html
    assert "/export/initiatives.csv?dossier=solidarites" in html
    assert "/api/v1/map/points?dossier=solidarites" in html


def test_unknown_dossier_page_is_404_with_a_message(client, app):
    response = client.get("/dossiers/nulle-part")
    assert response.status_code == 404
    assert "nulle-part" in response.get_data(as_text=True)


def test_dossier_index_and_navigation_link_to_it(client, trio):
    html = client.get("/dossiers").get_data(as_text=True)
    assert 'href="/dossiers/solidarites"' in html and "2 initiatives" in html
    assert 'href="/dossiers"' in client.get("/a-propos").get_data(as_text=True)


def test_initiative_page_names_its_dossiers_and_follows_their_changes(client, trio):
    first, second, _third, dossier = trio
    page = client.get(f"/initiatives/{first.id}", follow_redirects=True).get_data(as_text=True)
    assert "Dans les dossiers" in page and 'href="/dossiers/solidarites"' in page
    assert "Dans les dossiers" not in client.get(
        f"/initiatives/{second.id}", follow_redirects=True).get_data(as_text=True)
    with write_transaction():  # the cached page must not outlive a change of the dossier
        save_dossier(db.session.get(Dossier, dossier.id),
                     {"slug": "solidarites", "title": "Entraides", "initiatives": [second.id]},
                     None)
    assert "Entraides" in client.get(
        f"/initiatives/{second.id}", follow_redirects=True).get_data(as_text=True)
    assert "Dans les dossiers" not in client.get(
        f"/initiatives/{first.id}", follow_redirects=True).get_data(as_text=True)


def test_api_lists_dossiers_and_gives_one_with_sources_and_initiatives(client, trio):
    first, _second, third, _dossier = trio
    index = client.get("/api/v1/dossiers").get_json()["dossiers"]
    assert [(d["slug"], d["initiatives_count"]) for d in index] == [("solidarites", 2)]
    assert index[0]["initiatives_url"].endswith("/api/v1/initiatives?dossier=solidarites")
    one = client.get("/api/v1/dossiers/solidarites").get_json()
    assert one["sources"] == [SOURCE]
    assert [i["id"] for i in one["initiatives"]] == [third.id, first.id]
    assert one["introduction"].startswith("Des **entraides**")
    missing = client.get("/api/v1/dossiers/nulle-part")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_dossier_filter_applies_to_map_list_api_stats_feed_and_exports(client, trio):
    first, second, third, _dossier = trio
    wanted = {first.id, third.id}
    api = client.get("/api/v1/initiatives?dossier=solidarites").get_json()
    assert {feature["id"] for feature in api["features"]} == wanted
    assert set(client.get("/api/v1/map/points?dossier=solidarites").get_json()["id"]) == wanted
    assert client.get("/api/v1/stats?dossier=solidarites").get_json()["total"] == 2
    listing = client.get("/initiatives?dossier=solidarites").get_data(as_text=True)
    assert first.name in listing and second.name not in listing
    assert "Initiatives du dossier « Solidarités »" in listing
    exported = orjson.loads(client.get("/export/initiatives.geojson?dossier=solidarites").data)
    assert {feature["id"] for feature in exported["features"]} == wanted
    csv_text = client.get("/export/initiatives.csv?dossier=solidarites").get_data(as_text=True)
    assert first.name in csv_text and second.name not in csv_text
    feed = client.get("/initiatives.atom?dossier=solidarites").get_data(as_text=True)
    assert "Solidarités" in feed and first.name in feed and second.name not in feed
    embed = client.get("/embed?dossier=solidarites").get_data(as_text=True)
    assert "dossier=solidarites" in embed


@pytest.mark.parametrize("url", ["/api/v1/initiatives?dossier=nulle-part",
                                 "/api/v1/map/points?dossier=nulle-part",
                                 "/api/v1/stats?dossier=NON"])
def test_an_unknown_dossier_filter_is_a_clear_400(client, app, url):
    response = client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "dossier" in error.get("param", error["message"])


def test_an_unknown_dossier_filter_on_a_page_says_so(client, app):
    response = client.get("/initiatives?dossier=nulle-part")
    assert response.status_code == 400
    assert "dossier" in response.get_data(as_text=True)


def test_openapi_documents_dossiers_and_their_filter(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/dossiers", "/dossiers/{slug}"} <= set(document["paths"])
    names = [p["name"] for p in document["paths"]["/initiatives"]["get"]["parameters"]]
    assert "dossier" in names


def test_seed_dossiers_link_the_seed_entries_present_once(app, seeded):
    config = app.config
    paths = (Path(config["SEED_DOSSIERS_PATH"]), Path(config["SEED_PATH"]))
    with write_transaction():
        report = load_seed_dossiers(*paths)
    slugs = set(db.session.scalars(sa.select(Dossier.slug)))
    assert slugs == {"table-ronde-2020", *(f"connecteur-recherche-{n}" for n in range(1, 8))}
    assert report.created == 8 and report.linked > 0
    assert all(dossier.sources and all(s.quote for s in dossier.sources)
               for dossier in db.session.scalars(sa.select(Dossier)))
    corpus = orjson.loads(paths[1].read_bytes())["features"]
    expected = {("seed:" + f["properties"]["seed_id"], slug)
                for f in corpus for slug in f["properties"]["dossiers"]}
    linked = set(db.session.execute(
        sa.text("SELECT i.external_id, d.slug FROM dossier_initiatives l "
                "JOIN initiatives i ON i.id = l.initiative_id "
                "JOIN dossiers d ON d.id = l.dossier_id")).all())
    present = set(db.session.scalars(sa.text("SELECT external_id FROM initiatives")))
    assert linked == {pair for pair in expected if pair[0] in present}
    with write_transaction():
        again = load_seed_dossiers(*paths)
    assert (again.created, again.linked) == (0, 0)


def test_flask_seed_loads_the_dossiers(runner, app, themes):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Dossiers: 8 added" in result.output
    assert "Dossiers: 0 added, 0 initiatives linked" in runner.invoke(args=["seed"]).output


def test_dossier_changes_join_the_audit_trail(trio):
    event = db.session.scalars(sa.select(AdminEvent)).one()
    assert (event.action, event.subject) == ("dossier_create", "solidarites")
    assert event.after["initiatives"] == [trio[2].id, trio[0].id]


@pytest.mark.parametrize(("path", "url"), [
    ("/dossiers", "/api/v1/dossiers"), ("/dossiers/{slug}", "/api/v1/dossiers/solidarites"),
    ("/dossiers/{slug}", "/api/v1/dossiers/nulle-part"),
    ("/initiatives", "/api/v1/initiatives?dossier=solidarites"),
    ("/initiatives", "/api/v1/initiatives?dossier=nulle-part")])
def test_dossier_responses_validate_against_the_document(client, trio, path, url):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get(url)
    assert str(response.status_code) in document["paths"][path]["get"]["responses"]
    errors = list(validator_for(document, path, response.status_code, response.mimetype)
                  .iter_errors(response.get_json()))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
