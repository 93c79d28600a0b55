"""Commune and intercommunality (EPCI) pages: what they show, where they are linked from,
and how a wrong or misplaced code is answered."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.paths import initiative_slug
from app.models import Initiative
from tests.factories import make_initiative

PARTHENAY = "79202"
PARTHENAY_GATINE = "200041333"
COUNT = '<p class="result-count" id="result-count">'


def published_in(insee: str) -> list[Initiative]:
    return list(db.session.scalars(sa.select(Initiative).where(
        Initiative.insee == insee, Initiative.status == "published")))


def covering_epci(epci: str) -> list[Initiative]:
    """The published entries covering the whole intercommunality (no point, no commune)."""
    found = list(db.session.scalars(sa.select(Initiative).where(
        Initiative.epci == epci, Initiative.scope == "intercommunal",
        Initiative.status == "published")))
    assert found
    return found


def breadcrumbs(html: str) -> list[tuple[str, str]]:
    trail = html[html.index('class="breadcrumb"'):html.index("</nav>", html.index(
        'class="breadcrumb"'))]
    return re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', trail)


def test_commune_page_maps_counts_and_lists_its_initiatives(client, seeded):
    response = client.get(f"/territoires/commune/{PARTHENAY}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Parthenay (79202)</h1>" in html
    initiatives = published_in(PARTHENAY)
    assert len(initiatives) == 2
    # The seed's regional and national entries cover every place: said after the located ones.
    assert f'{COUNT}2 initiatives situées dans ce territoire ; ' in html
    for initiative in initiatives:
        assert f'/initiatives/{initiative.id}-{initiative_slug(initiative.name)}"' in html
    # The entry covering the whole intercommunality, without a point, in its own section.
    whole = html[html.index('id="scope-heading"'):]
    for initiative in covering_epci(PARTHENAY_GATINE):
        assert f'/initiatives/{initiative.id}-{initiative_slug(initiative.name)}"' in whole
    assert 'map-canvas" id="map_' in html and "/api/v1/map/points?commune=79202" in html
    assert breadcrumbs(html) == [
        ("/", "Carte"), ("/territoires/", "France"),
        ("/territoires/region/75", "Nouvelle-Aquitaine"), ("/territoires/79", "Deux-Sèvres (79)"),
        (f"/territoires/epci/{PARTHENAY_GATINE}", "Communauté de communes de Parthenay-Gâtine"),
        (f"/territoires/commune/{PARTHENAY}", "Parthenay"),
    ]


def test_commune_page_without_initiatives_invites_a_proposal(client, seeded):
    html = client.get("/territoires/commune/01001").get_data(as_text=True)
    assert "Aucune initiative publiée pour l'instant." in html
    assert 'href="/initiatives/new"' in html


def test_commune_without_an_outline_still_has_its_page(client, seeded):
    response = client.get("/territoires/commune/15031")  # Celles: no outline, no town hall
    assert response.status_code == 200
    assert "<h1>Celles (15031)</h1>" in response.get_data(as_text=True)


def test_commune_page_follows_a_new_initiative(client, seeded):
    make_initiative("Nouvelle à Parthenay", kind="place", insee=PARTHENAY, status="published",
                    private_email=None)
    html = client.get(f"/territoires/commune/{PARTHENAY}").get_data(as_text=True)
    assert len(published_in(PARTHENAY)) == 3  # the two local seed entries and this one
    assert f'{COUNT}3 initiatives situées dans ce territoire ; ' in html
    assert "Nouvelle à Parthenay" in html


def test_epci_page_counts_its_communes(client, seeded):
    response = client.get(f"/territoires/epci/{PARTHENAY_GATINE}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Communauté de communes de Parthenay-Gâtine</h1>" in html
    assert (f'<tr><th scope="row"><a href="/territoires/commune/{PARTHENAY}">Parthenay</a></th>'
            f'<td>{PARTHENAY}</td><td class="num">{len(published_in(PARTHENAY))}</td></tr>') in html
    # The communes' counts are their points; the page also counts and lists the entries
    # covering the whole intercommunality.
    whole = covering_epci(PARTHENAY_GATINE)
    total = len(published_in(PARTHENAY)) + len(whole)
    assert f'{COUNT}{total} initiatives situées dans ce territoire ; ' in html
    scope_section = html[html.index('id="scope-heading"'):]
    for initiative in whole:
        assert f'/initiatives/{initiative.id}-{initiative_slug(initiative.name)}"' in scope_section
    assert breadcrumbs(html)[1:4] == [
        ("/territoires/", "France"), ("/territoires/region/75", "Nouvelle-Aquitaine"),
        ("/territoires/79", "Deux-Sèvres (79)")]


def test_epci_across_departements_is_placed_in_its_main_one(client, seeded):
    html = client.get("/territoires/epci/200054781").get_data(as_text=True)  # Grand Paris
    assert "<h1>Métropole du Grand Paris</h1>" in html
    assert ("/territoires/94", "Val-de-Marne (94)") in breadcrumbs(html)


def test_departement_page_links_its_communes_pages(client, seeded):
    html = client.get("/territoires/79").get_data(as_text=True)
    assert f'<a href="/territoires/commune/{PARTHENAY}">Parthenay</a>' in html


def test_initiative_page_links_its_commune_and_epci_pages(client, seeded):
    initiative = published_in(PARTHENAY)[0]
    html = client.get(f"/initiatives/{initiative.id}", follow_redirects=True).get_data(
        as_text=True)
    assert f'<a href="/territoires/commune/{PARTHENAY}">Parthenay</a>' in html
    assert (f'<a href="/territoires/epci/{PARTHENAY_GATINE}">'
            "Communauté de communes de Parthenay-Gâtine</a>") in html


def test_initiative_breadcrumbs_go_through_its_territories(client, seeded):
    initiative = published_in(PARTHENAY)[0]
    html = client.get(f"/initiatives/{initiative.id}", follow_redirects=True).get_data(
        as_text=True)
    assert [name for _url, name in breadcrumbs(html)][:-1] == [
        "Carte", "Nouvelle-Aquitaine", "Deux-Sèvres (79)",
        "Communauté de communes de Parthenay-Gâtine", "Parthenay"]
    assert breadcrumbs(html)[4] == (f"/territoires/commune/{PARTHENAY}", "Parthenay")


def test_commune_or_epci_code_on_the_departement_route_redirects(client, app):
    response = client.get(f"/territoires/{PARTHENAY}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/territoires/commune/{PARTHENAY}"
    with_filters = client.get(f"/territoires/{PARTHENAY}?kind=place")
    assert with_filters.headers["Location"] == f"/territoires/commune/{PARTHENAY}?kind=place"
    response = client.get(f"/territoires/{PARTHENAY_GATINE}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/territoires/epci/{PARTHENAY_GATINE}"
    lower = client.get("/territoires/commune/2a004")
    assert lower.status_code == 301 and lower.headers["Location"] == "/territoires/commune/2A004"


def test_unknown_territory_codes_answer_404_saying_so(client, app):
    for path, message in [
        ("/territoires/commune/99999", "Aucune commune ne porte ce code INSEE."),
        ("/territoires/epci/123456789", "Aucune intercommunalité ne porte ce numéro SIREN."),
        ("/territoires/epci/rennes", "Aucune intercommunalité ne porte ce numéro SIREN."),
        ("/territoires/ZZ", "Aucun département, aucune commune ni intercommunalité ne porte"),
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert message in response.get_data(as_text=True), path
