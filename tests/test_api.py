"""The /api/v1 GeoJSON API: contract, filters, paging, caching, CORS and errors."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.initiatives.taxonomy import default_categories
from app.models import Initiative
from tests.factories import make_initiative

CONTRACT = {"uid", "name", "description", "summary", "kind", "themes", "actor_name",
            "actor_type", "commune", "insee", "departement", "region", "website", "url",
            "updated_at"}
PRIVATE = {"private_email", "moderator_comment", "moderator_id", "created_by_id",
           "external_id", "search_text", "version"}


def cluny_feature(client) -> dict:
    body = client.get("/api/v1/initiatives?commune=71137").get_json()
    return body["features"][0]


def test_collection_is_a_geojson_feature_collection_with_the_contract(client, seeded):
    response = client.get("/api/v1/initiatives")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == len(body["features"]) == seeded.created
    assert body["next_cursor"] is None
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert feature["id"] == feature["properties"]["uid"]
        assert CONTRACT <= feature["properties"].keys()
        assert not PRIVATE & feature["properties"].keys()
        assert feature["properties"]["url"].startswith("http://localhost/initiatives/")


def test_coordinates_are_lon_lat_with_six_decimals_at_most(client, seeded):
    feature = cluny_feature(client)
    lon, lat = feature["geometry"]["coordinates"]
    assert feature["properties"]["commune"] == "Cluny"
    assert 4.6 < lon < 4.7 and 46.4 < lat < 46.5  # Cluny: east of Paris, south of Dijon
    for value in (lon, lat):
        assert len(repr(value).split(".")[1]) <= 6


def test_feature_url_is_the_absolute_page_with_slug(client, seeded):
    feature = cluny_feature(client)
    url = feature["properties"]["url"]
    assert url.startswith(f"http://localhost/initiatives/{feature['id']}-")
    assert " " not in url and url == url.lower()


def test_private_email_never_appears_in_any_response(client, app):
    make_initiative("Tiers-lieu", private_email="secret@example.org", kind="place",
                    status="published", themes=None)
    for path in ("/api/v1/initiatives", "/api/v1/initiatives/1", "/api/v1/stats"):
        assert b"secret@example.org" not in client.get(path).data


def test_description_is_plain_text_with_umap_links(client, app):
    make_initiative("Maison du vélo",
                    description="Voir [le site](https://example.org/a) et <b>gras</b>.",
                    kind="place", status="published", private_email=None, themes=None)
    description = client.get("/api/v1/initiatives").get_json()["features"][0]["properties"][
        "description"]
    assert description == "Voir [[https://example.org/a|le site]] et gras."


def test_only_published_initiatives_are_served(client, app):
    make_initiative("Publiée", kind="place", status="published", private_email=None, themes=None)
    make_initiative("En attente", status="pending", kind="place", private_email=None, themes=None)
    make_initiative("Refusée", status="rejected", kind="place", private_email=None, themes=None)
    names = [f["properties"]["name"] for f in client.get("/api/v1/initiatives").get_json()[
        "features"]]
    assert names == ["Publiée"]
    pending_id = db.session.scalar(sa.select(Initiative.id).where(Initiative.name == "En attente"))
    assert client.get(f"/api/v1/initiatives/{pending_id}").status_code == 404


@pytest.mark.parametrize(("query", "expected"), [
    ("theme=gestion-de-crise", {"Crise"}),
    ("kind=initiative", {"Crise", "Vélo"}),
    ("actor_type=association", {"Vélo"}),
    ("departement=35", {"Rennes"}),
    ("commune=71137", {"Crise", "Vélo"}),
    ("region=53", {"Rennes"}),
    ("bbox=4.5,46.3,4.8,46.6", {"Crise", "Vélo"}),
    ("q=velo", {"Vélo"}),
])
def test_filters_of_the_map_apply(client, themes, query, expected):
    make_initiative("Crise", kind="initiative", themes=["gestion-de-crise"], status="published",
                    private_email=None)
    make_initiative("Vélo", kind="initiative", actor_type="association", status="published",
                    private_email=None, themes=None)
    make_initiative("Rennes", insee="35238", kind="place", status="published", private_email=None,
                    themes=None)
    body = client.get(f"/api/v1/initiatives?{query}").get_json()
    assert {f["properties"]["name"] for f in body["features"]} == expected


def test_cursor_pages_through_every_initiative_once(client, seeded):
    seen, url, pages = [], "/api/v1/initiatives?limit=10", 0
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += [feature["id"] for feature in body["features"]]
        pages += 1
        url = body["next_cursor"] and body["links"][-1]["href"].replace("http://localhost", "")
        if url:
            assert 'rel="next"' in response.headers["Link"]
    assert pages == -(-seeded.created // 10)
    assert sorted(seen) == seen and len(set(seen)) == seeded.created


def test_updated_since_returns_only_recent_changes(client, app):
    old = make_initiative("Ancienne", kind="place", status="published", private_email=None,
                          themes=None)
    with write_transaction():
        db.session.execute(sa.update(Initiative).where(Initiative.id == old.id).values(
            updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
    make_initiative("Récente", kind="place", status="published", private_email=None, themes=None)
    body = client.get("/api/v1/initiatives?updated_since=2024-01-01").get_json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Récente"]
    since = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = client.get("/api/v1/initiatives", query_string={"updated_since": since}).get_json()
    assert body["features"] == []


@pytest.mark.parametrize(("query", "param"), [
    ("bbox=1,2,3", "bbox"),
    ("bbox=10,50,5,40", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("theme=no-such-theme", "theme"),
    ("kind=castle", "kind"),
    ("limit=0", "limit"),
    ("limit=10001", "limit"),
    ("limit=ten", "limit"),
    ("cursor=not-ours", "cursor"),
    ("updated_since=yesterday", "updated_since"),
    ("commune=71%20137", "commune"),
])
def test_bad_parameters_answer_400_in_the_error_format(client, themes, query, param):
    response = client.get(f"/api/v1/initiatives?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["param"] == param
    assert error["message"]


def test_unknown_initiative_and_route_answer_404_json(client, app):
    for path in ("/api/v1/initiatives/999", "/api/v1/initiatives/99999999999999999999",
                 "/api/v1/nothing-here"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_one_initiative_is_a_feature(client, seeded):
    feature = cluny_feature(client)
    response = client.get(f"/api/v1/initiatives/{feature['id']}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    # The collection's feature, with its lineage both ways (tests/test_lineage.py).
    lineage = {"inspired_by": [], "inspired": []}
    assert response.get_json() == {**feature, "properties": {**feature["properties"], **lineage}}


def test_etag_gives_304_until_the_data_changes(client, app):
    initiative = make_initiative("Maison du vélo", kind="place", status="published",
                                 private_email=None, themes=None)
    first = client.get("/api/v1/initiatives")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/api/v1/initiatives", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    with write_transaction():
        update_initiative(initiative, {"summary": "Nouveau résumé"}, author=None)
    changed = client.get("/api/v1/initiatives", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["features"][0]["properties"]["summary"] == "Nouveau résumé"


def test_changing_only_themes_changes_the_etag(client, themes):
    initiative = make_initiative("Maison du vélo", themes=["gestion-de-crise"], kind="place",
                                 status="published", private_email=None)
    etag = client.get("/api/v1/initiatives").headers["ETag"]
    with write_transaction():
        update_initiative(initiative, {"themes": ["retours-experience"]}, author=None)
    response = client.get("/api/v1/initiatives", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["features"][0]["properties"]["themes"] == ["retours-experience"]


def test_last_modified_answers_if_modified_since(client, app):
    make_initiative("Maison du vélo", kind="place", status="published", private_email=None,
                    themes=None)
    first = client.get("/api/v1/initiatives/1")
    assert first.headers["Last-Modified"]
    again = client.get("/api/v1/initiatives/1",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_each_query_string_has_its_own_etag(client, seeded):
    one = client.get("/api/v1/initiatives?limit=5").headers["ETag"]
    other = client.get("/api/v1/initiatives?limit=6").headers["ETag"]
    assert one != other


def test_get_is_open_to_other_origins(client, app):
    response = client.get("/api/v1/initiatives", headers={"Origin": "https://umap.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/initiatives", headers={
        "Origin": "https://umap.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_writing_methods_are_not_allowed(client, app):
    response = client.post("/api/v1/initiatives", json={})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_themes_list_labels_and_colours(client, themes):
    body = client.get("/api/v1/themes").get_json()
    assert len(body["themes"]) == len(default_categories())
    first, second = body["themes"][:2]
    assert first["slug"] == "solidarite" and first["colour"].startswith("#")
    assert first["label_fr"] == "Solidarité et entraide"
    assert (first["parent"], second["parent"]) == (None, "solidarite")
    assert second["data_inclusion"] == "equipement-et-alimentation--alimentation"


def test_communes_autocomplete_by_name_and_postcode(client, app):
    by_name = client.get("/api/v1/communes?q=clun").get_json()["communes"]
    assert by_name[0]["insee"] == "71137" and by_name[0]["name"] == "Cluny"
    by_postcode = client.get("/api/v1/communes?q=71250&limit=3").get_json()["communes"]
    assert "71137" in [c["insee"] for c in by_postcode] and len(by_postcode) <= 3
    assert client.get("/api/v1/communes").status_code == 400
    assert client.get("/api/v1/communes?q=a&limit=51").status_code == 400


def test_stats_count_per_theme_kind_and_departement(client, themes):
    make_initiative("Maison du vélo", kind="initiative",
                    themes=["gestion-de-crise", "retours-experience"], status="published",
                    private_email=None)
    make_initiative("Maison du vélo", kind="place", insee="35238", themes=["gestion-de-crise"],
                    status="published", private_email=None)
    make_initiative("Maison du vélo", kind="place", status="pending", private_email=None,
                    themes=None)
    body = client.get("/api/v1/stats").get_json()
    assert body == {"total": 2, "themes": {"gestion-de-crise": 2, "retours-experience": 1,
                                           "services-publics": 2, "recherche": 1},
                    "kinds": {"initiative": 1, "place": 1},
                    "departements": {"35": 1, "71": 1}}
    assert client.get("/api/v1/stats?departement=35").get_json()["total"] == 1


def test_documentation_page_lists_every_endpoint(client, app):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for path in ("/initiatives", "/initiatives/{id}", "/themes", "/communes", "/stats"):
        assert f"GET {path}" in page
    assert "openapi.json" in page


def parameter_types(page: str, path: str) -> dict[str, str]:
    """The type column of an endpoint's parameters table, by parameter name."""
    section = page[page.index(f"GET {path}</code>"):]
    section = section[:section.index("</table>")]
    return dict(re.findall(r"<td><code>(\w+)</code>[^<]*</td>\s*<td>([^<]*)</td>", section))


def test_documentation_page_says_parameter_types_in_words(client, app):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    types = parameter_types(page, "/initiatives")
    assert types["theme"] == ("liste de chaînes de caractères, séparées par des virgules ou en "
                              "paramètre répété")
    assert types["kind"].startswith("liste de valeurs parmi : initiative, field_site")
    assert types["limit"] == "entier de 1 à 10000"
    assert types["q"] == "chaîne de caractères" and types["research"] == "booléen (true ou false)"
    assert types["status"] == "une valeur parmi : active, archived, all"
    assert types["updated_since"] == "date et heure ISO 8601"
    assert parameter_types(page, "/initiatives/{id}")["id"] == "entier, au moins 1"
    assert not any("[" in text for text in types.values())
    english = parameter_types(client.get("/api/v1/docs?lang=en").get_data(as_text=True),
                              "/initiatives")
    assert english["limit"] == "integer from 1 to 10000"


@pytest.mark.parametrize(("markdown", "umap"), [
    ("Voir [le site](https://a.fr/x?y=1).", "Voir [[https://a.fr/x?y=1|le site]]."),
    ("Lien nu <https://a.fr>.", "Lien nu https://a.fr."),
    ("![plan](https://a.fr/plan.png)", "{{https://a.fr/plan.png}}"),
    ("**Gras**, *italique*\n\n- une liste", "**Gras**, *italique*\n\n- une liste"),
    ("<script>alert(1)</script>texte", "alert(1)texte"),
    ("[piège](javascript:alert(1))", "[piège](javascript:alert(1))"),
])
def test_markdown_becomes_umap_light_markup(markdown, umap):
    from app.initiatives.umap_markup import markdown_to_umap, umap_to_markdown

    assert markdown_to_umap(markdown) == umap
    assert markdown_to_umap(umap_to_markdown(umap)) == umap


def test_cursor_is_opaque_and_checked():
    from werkzeug.datastructures import MultiDict

    from app.api.errors import ApiError
    from app.api.params import encode_cursor, parse_cursor

    cursor = encode_cursor(1234)
    assert "1234" not in cursor
    assert parse_cursor(MultiDict({"cursor": cursor})) == 1234
    for bad in ("%%%", encode_cursor(1)[:-2] + "!!", "YWZ0ZXI6LTE"):  # "after:-1"
        with pytest.raises(ApiError):
            parse_cursor(MultiDict({"cursor": bad}))
