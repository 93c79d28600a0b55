"""The home map, its compact data endpoint, the filters and the embed."""

import orjson
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from tests.factories import PARIS, make_initiative
from tests.page_parsers import map_config_of

pytestmark = pytest.mark.usefixtures("app")


def published_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(Initiative.status == "published"))


def published(*, local_only: bool = False) -> list[Initiative]:
    """The published initiatives (only those with a point, the map's, when local_only)."""
    query = sa.select(Initiative).where(Initiative.status == "published")
    if local_only:
        query = query.where(Initiative.scope == "local")
    return list(db.session.scalars(query.order_by(Initiative.id)))


def with_category(initiatives: list[Initiative], slug: str) -> list[Initiative]:
    """Those with this category, or a child of it when it is a top category."""
    return [i for i in initiatives
            if any(slug in (theme.slug, theme.top.slug) for theme in i.themes)]


def with_kind(initiatives: list[Initiative], kind: str) -> list[Initiative]:
    return [i for i in initiatives if i.kind == kind]


def test_home_map_loads_every_asset_from_the_app(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert "/vendor/leaflet/leaflet.js" in html
    assert "/static/js/map.js" in html
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in html


def test_home_map_allows_zooming_the_page(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert "user-scalable=no" not in html
    assert "maximum-scale" not in html
    assert html.count('name="viewport"') == 1


def test_home_map_layer_fetches_points_with_the_page_filters(client, seeded):
    html = client.get("/?theme=gestion-de-crise&kind=place").get_data(as_text=True)
    config = map_config_of(html)
    assert config["pointsUrl"].startswith("/api/v1/map/points?")
    assert "theme=gestion-de-crise" in config["pointsUrl"]
    assert "kind=place" in config["pointsUrl"]
    assert config["detailUrl"].endswith("/{id}")
    # A child category wears its top category's colour.
    assert config["themes"]["gestion-de-crise"]["colour"] == \
        config["themes"]["services-publics"]["colour"] == "#3D4F5C"
    assert f'<link rel="preload" href="{config["pointsUrl"].replace("&", "&amp;")}"' in html


def test_tiles_come_from_the_configured_server(app, seeded):
    from tests.conftest import make_app

    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"],
                     TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
    html = other.test_client().get("/").get_data(as_text=True)
    assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_points_are_parallel_arrays_of_every_published_initiative(client, seeded):
    response = client.get("/api/v1/map/points")
    data = response.get_json()
    assert response.status_code == 200
    # Every published initiative with a point: the local ones. Those covering a whole
    # territory have none and are listed in the map's side panel instead.
    points = published(local_only=True)
    count = len(points)
    assert data["count"] == count == 18 < published_count()
    assert data["id"] == [i.id for i in points]
    for name in ("id", "lon", "lat", "theme", "kind"):
        assert len(data[name]) == count
    assert set(data["kinds"]) == {"initiative", "field_site", "place", "resource", "organisation"}
    assert all(0 <= index < len(data["themes"]) for index in data["theme"])
    assert all(-180 <= lon <= 180 for lon in data["lon"])


def test_points_arrays_line_up_initiative_by_initiative(client, seeded):
    data = client.get("/api/v1/map/points").get_json()
    assert data["id"] == sorted(data["id"])
    for index, initiative_id in enumerate(data["id"]):
        initiative = db.session.get(Initiative, initiative_id)
        assert data["lon"][index] == round(initiative.lon, 4)
        assert data["lat"][index] == round(initiative.lat, 4)
        assert data["kinds"][data["kind"][index]] == initiative.kind
        # The marker wears its main category's top category.
        assert data["themes"][data["theme"][index]] == initiative.themes[0].top.slug


def test_points_of_no_initiative_are_empty_arrays(client, themes):
    data = client.get("/api/v1/map/points").get_json()
    assert data == {"count": 0, "themes": data["themes"], "kinds": data["kinds"], "id": [],
                    "lon": [], "lat": [], "theme": [], "kind": []}


def test_points_cost_well_under_100_bytes_per_initiative(client, seeded):
    body = client.get("/api/v1/map/points").get_data()
    assert len(body) / len(orjson.loads(body)["id"]) < 40


def test_points_honour_theme_kind_and_search(client, seeded, themes):
    wanted = make_initiative("Épicerie solidaire du Bocage", kind="place",
                             themes=["retours-experience"], status="published", insee=PARIS,
                             summary="Résumé de test.", private_email=None).id
    assert wanted in client.get("/api/v1/map/points?q=EPICERIE bocage").get_json()["id"]
    by_kind = client.get("/api/v1/map/points?kind=place").get_json()
    assert wanted in by_kind["id"] and all(by_kind["kinds"][k] == "place" for k in by_kind["kind"])
    by_theme = client.get("/api/v1/map/points?theme=gestion-de-crise").get_json()
    crisis = with_category(published(local_only=True), "gestion-de-crise")
    assert wanted not in by_theme["id"] and by_theme["id"] == [i.id for i in crisis]
    assert by_theme["count"] == len(crisis) > 0


def test_points_leave_out_pending_and_rejected_initiatives(client, themes):
    shown = make_initiative("Publiée", status="published", insee=PARIS, summary="Résumé de test.",
                            private_email=None).id
    make_initiative("En attente", status="pending", insee=PARIS, summary="Résumé de test.",
                    private_email=None)
    make_initiative("Refusée", status="rejected", insee=PARIS, summary="Résumé de test.",
                    private_email=None)
    assert client.get("/api/v1/map/points").get_json()["id"] == [shown]


def test_points_main_theme_is_the_first_top_category_in_taxonomy_order(client, themes):
    both = make_initiative("Initiative de test",
                           themes=["retours-experience", "continuite-service-public"],
                           status="published", insee=PARIS, summary="Résumé de test.",
                           private_email=None).id
    data = client.get("/api/v1/map/points").get_json()
    assert data["themes"][data["theme"][data["id"].index(both)]] == "services-publics"
    assert "continuite-service-public" not in data["themes"]  # only top categories travel


def test_points_reject_a_bad_filter_with_a_json_error(client, themes):
    response = client.get("/api/v1/map/points?kind=castle")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_filter"


def test_points_answer_not_modified_to_a_matching_etag(client, seeded):
    first = client.get("/api/v1/map/points")
    again = client.get("/api/v1/map/points", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_points_kept_by_the_worker_follow_every_change(client, themes):
    from app.database import write_transaction
    from app.initiatives.services import update_initiative

    first = make_initiative("Première", themes=["retours-experience"], status="published",
                            insee=PARIS, summary="Résumé de test.", private_email=None).id
    before = client.get("/api/v1/map/points").get_json()
    assert before["id"] == [first]
    second = make_initiative("Seconde", status="published", insee=PARIS, summary="Résumé de test.",
                             private_email=None).id
    assert client.get("/api/v1/map/points").get_json()["id"] == [first, second]
    with write_transaction():
        update_initiative(db.session.get(Initiative, first),
                          {"themes": ["continuite-service-public"]}, author=None)
    after = client.get("/api/v1/map/points").get_json()
    assert after["themes"][after["theme"][0]] == "services-publics"
    assert after["theme"][0] != before["theme"][0]


def test_points_of_different_filters_are_kept_apart(client, themes):
    place = make_initiative("Initiative de test", kind="place", status="published", insee=PARIS,
                            summary="Résumé de test.", private_email=None).id
    other = make_initiative("Initiative de test", kind="resource", status="published", insee=PARIS,
                            summary="Résumé de test.", private_email=None).id
    assert client.get("/api/v1/map/points").get_json()["id"] == [place, other]
    assert client.get("/api/v1/map/points?kind=place").get_json()["id"] == [place]
    assert client.get("/api/v1/map/points?kind=resource").get_json()["id"] == [other]


def test_popup_fallback_route_gives_public_fields_only(client, themes):
    shown = make_initiative("Visible", private_email="secret@example.org", status="published",
                            insee=PARIS, summary="Résumé de test.").id
    hidden = make_initiative("Cachée", status="pending", insee=PARIS, summary="Résumé de test.",
                             private_email=None).id
    feature = client.get(f"/api/v1/map/points/{shown}").get_json()
    assert feature["properties"]["name"] == "Visible"
    assert feature["properties"]["url"].startswith(f"/initiatives/{shown}")
    assert "secret@example.org" not in orjson.dumps(feature).decode()
    assert client.get(f"/api/v1/map/points/{hidden}").status_code == 404


def test_filter_form_counts_initiatives_per_theme_and_kind(client, seeded):
    # The form counts what the map shows: its points and the whole-territory entries of its
    # side panel, i.e. every published initiative.
    html = client.get("/").get_data(as_text=True)
    crisis = len(with_category(published(), "gestion-de-crise"))
    resources = len(with_kind(published(), "resource"))
    assert crisis > len(with_category(published(local_only=True), "gestion-de-crise"))
    assert f"Gestion de crise <span class=\"count\">({crisis})</span>" in html
    assert f"Ressource <span class=\"count\">({resources})</span>" in html


def test_filter_counts_kept_by_the_worker_follow_every_change(client, seeded, themes):
    from app.database import write_transaction
    from app.initiatives.services import update_initiative

    crisis = len(with_category(published(), "gestion-de-crise"))
    resources = len(with_kind(published(), "resource"))
    assert f"Gestion de crise <span class=\"count\">({crisis})</span>" in client.get("/").text
    added = make_initiative("Initiative de test", themes=["gestion-de-crise"], kind="resource",
                            status="published", insee=PARIS, summary="Résumé de test.",
                            private_email=None).id
    html = client.get("/").text
    assert f"Gestion de crise <span class=\"count\">({crisis + 1})</span>" in html
    assert f"Ressource <span class=\"count\">({resources + 1})</span>" in html
    with write_transaction():
        update_initiative(db.session.get(Initiative, added), {"kind": "place"}, author=None)
    assert f"Ressource <span class=\"count\">({resources})</span>" in client.get("/").text


def test_theme_counts_ignore_the_theme_filter_itself(client, seeded):
    html = client.get("/?theme=gestion-de-crise").get_data(as_text=True)
    research = len(with_category(published(), "recherche"))
    crisis = len(with_category(published(), "gestion-de-crise"))
    assert research > crisis
    assert f"Recherche et connaissance <span class=\"count\">({research})</span>" in html
    assert f"{crisis} initiatives" in html


def test_typed_commune_becomes_its_insee_code_in_the_url(client, seeded):
    response = client.get("/?commune_q=Lyon&theme=&q=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?commune=69123"
    picked = client.get("/initiatives?commune_q=Lyon+(69123)")
    assert picked.headers["Location"] == "/initiatives?commune=69123"
    by_postcode = client.get("/?commune_q=71250")
    assert by_postcode.headers["Location"] == "/?commune=71137"  # Cluny, not INSEE 71250


def test_filtered_commune_is_shown_by_name(client, seeded):
    html = client.get("/?commune=69123").get_data(as_text=True)
    assert 'value="Lyon (69123)"' in html


def test_unknown_commune_is_reported_next_to_its_field(client, seeded):
    response = client.get("/?commune_q=Zzyzx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aucune commune ne correspond à « Zzyzx »" in html
    assert 'aria-invalid="true"' in html


def test_empty_form_fields_are_dropped_from_the_shared_url(client, seeded):
    response = client.get("/?q=&theme=gestion-de-crise&actor_type=&status=active&commune_q=")
    assert response.headers["Location"] == "/?theme=gestion-de-crise"


def test_bad_filter_gives_a_400_page(client, seeded):
    response = client.get("/?status=everything")
    assert response.status_code == 400
    assert "text/html" in response.content_type


def test_epci_filter_keeps_the_initiatives_of_that_intercommunality(client, seeded):
    grand_paris = "200054781"
    data = client.get(f"/api/v1/map/points?epci={grand_paris}").get_json()
    found = [db.session.get(Initiative, i) for i in data["id"]]
    assert data["id"] == [i.id for i in published(local_only=True) if i.epci == grand_paris]
    assert data["count"] == len(found) == 3
    assert {i.epci for i in found} == {grand_paris}
    assert len({i.insee for i in found}) > 1
    # An entry covering the whole intercommunality has no point: not among the map's points.
    parthenay_gatine = "200041333"
    whole = [i.id for i in published() if i.epci == parthenay_gatine and not i.is_local]
    points = client.get(f"/api/v1/map/points?epci={parthenay_gatine}").get_json()["id"]
    assert whole and points and not set(whole) & set(points)
    assert client.get("/api/v1/map/points?epci=12").status_code == 400


def test_map_and_list_offer_exports_with_the_same_filters(client, seeded):
    for path in ("/", "/initiatives"):
        html = client.get(f"{path}?theme=gestion-de-crise").get_data(as_text=True)
        for fmt in ("geojson", "umap", "csv", "gpkg"):
            assert f'href="/export/initiatives.{fmt}?theme=gestion-de-crise"' in html


def test_share_box_gives_the_link_and_an_iframe_snippet(client, seeded):
    html = client.get("/?kind=place").get_data(as_text=True)
    assert 'value="http://localhost/?kind=place"' in html
    assert '&lt;iframe src="http://localhost/embed?kind=place" title=' in html


def test_embed_is_a_map_only_page_with_the_filters(client, seeded):
    html = client.get("/embed?theme=gestion-de-crise").get_data(as_text=True)
    assert "site-nav" not in html and "filters" not in html.split("<body", 1)[1].split("<script")[0]
    assert "theme=gestion-de-crise" in map_config_of(html)["pointsUrl"]


def test_only_the_embed_may_be_framed_by_other_sites(client, seeded):
    embed = client.get("/embed")
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    for path in ("/", "/initiatives", "/territoires/", "/api/v1/map/points"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path


def test_vendor_route_serves_the_xstatic_files_only(client):
    response = client.get("/vendor/leaflet/leaflet.css?v=1.9.3")
    assert response.status_code == 200 and b".leaflet-container" in response.data
    assert response.cache_control.max_age > 86400
    assert client.get("/vendor/leaflet/images/marker-icon.png").status_code == 200
    assert client.get("/vendor/bootstrap/bootstrap.css").status_code == 404
    assert client.get("/vendor/leaflet/../../../../__init__.py").status_code == 404
