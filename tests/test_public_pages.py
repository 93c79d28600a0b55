"""The list, an initiative's page and the territory pages."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.models import Initiative
from tests.factories import PARIS, make_initiative
from tests.page_parsers import json_ld_of, map_config_of

pytestmark = pytest.mark.usefixtures("app")
ROW_LINK = re.compile(r'<h3 class="result__title"><a href="/initiatives/(\d+)-[^"]+">')
ENTRY_LINK = re.compile(r'<a href="/initiatives/(\d+)-[^"]+">')


def published(*, local_only: bool = False) -> list[Initiative]:
    """The published initiatives (only those with a point when local_only)."""
    query = sa.select(Initiative).where(Initiative.status == "published")
    if local_only:
        query = query.where(Initiative.scope == "local")
    return list(db.session.scalars(query))


def with_category(initiatives: list[Initiative], slug: str) -> list[Initiative]:
    """Those with this category, or a child of it when it is a top category."""
    return [i for i in initiatives
            if any(slug in (theme.slug, theme.top.slug) for theme in i.themes)]


def listed_ids(client, query: str = "") -> list[int]:
    """The ids on every page of the list for a query, in order, following "Suivant"."""
    ids, url = [], f"/initiatives?{query}"
    while url:
        html = client.get(url).get_data(as_text=True)
        ids += [int(i) for i in ROW_LINK.findall(html)]
        url = link_of(html, "next")
    return ids


def link_of(html: str, rel: str) -> str | None:
    """The URL of the page link with this rel (next, prev), if the page has one."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return unescape(found.group(1)) if found else None


def test_list_shows_the_same_initiatives_as_the_map(client, seeded):
    # The map shows the local ones as points and those covering a whole territory in its
    # side panel (the fragment the map's script loads); the list shows both.
    for query in ("", "theme=gestion-de-crise", "kind=resource&research=1", "q=crise"):
        on_map = client.get(f"/api/v1/map/points?{query}").get_json()["id"]
        panel = client.get(f"/carte/territoires?{query}").get_data(as_text=True)
        in_panel = [int(i) for i in ENTRY_LINK.findall(panel)]
        assert on_map and not set(on_map) & set(in_panel), query
        assert sorted(listed_ids(client, query)) == sorted(on_map + in_panel), query
    assert len(listed_ids(client)) == len(published())


def test_list_is_paginated_twenty_at_a_time(client, seeded):
    total = len(published())  # the whole-territory entries are listed too
    pages, on_last = divmod(total, 20)
    if on_last:
        pages += 1
    else:
        on_last = 20
    assert pages >= 3
    html, seen = client.get("/initiatives").get_data(as_text=True), []
    assert len(ROW_LINK.findall(html)) == 20 and 'rel="prev"' not in html
    while (following := link_of(html, "next")) is not None:
        assert "cursor=" in following and "page=" not in following
        html = client.get(following).get_data(as_text=True)
        seen.append(len(ROW_LINK.findall(html)))
        assert f'<ol class="result-list" start="{20 * len(seen) + 1}">' in html
        assert f"Résultats {20 * len(seen) + 1} à {20 * len(seen) + seen[-1]} sur" in html
    assert seen == [20] * (pages - 2) + [on_last]
    assert "Première page" in html and link_of(html, "prev")


def test_list_sorts_by_name_ignoring_accents_and_quotes(client, themes):
    for name in ("Zébulon", "« Écoles ouvertes »", "atelier", "Boussole"):
        make_initiative(name, status="published", insee=PARIS, summary="Résumé de test.",
                        private_email=None)
    html = client.get("/initiatives").get_data(as_text=True)
    names = re.findall(r'class="result__title"><a href="[^"]+">([^<]+)</a>', html)
    assert names == ["atelier", "Boussole", "« Écoles ouvertes »", "Zébulon"]


def test_list_sorts_by_commune_and_by_last_update(client, themes):
    paris = make_initiative("A Paris", insee="75056", status="published", summary="Résumé de test.",
                            private_email=None).id
    lyon = make_initiative("B Lyon", insee="69123", status="published", summary="Résumé de test.",
                           private_email=None).id
    ecully = make_initiative("C Écully", insee="69081", status="published",
                             summary="Résumé de test.", private_email=None).id
    assert listed_ids(client, "sort=commune") == [ecully, lyon, paris]
    with write_transaction():
        update_initiative(db.session.get(Initiative, paris), {"summary": "Nouveau"}, author=None)
    assert listed_ids(client, "sort=updated")[0] == paris


def test_search_is_accent_and_case_insensitive_on_every_text_field(client, themes):
    target = make_initiative("Café des Énergies", actor_name="Collectif Brûlé",
                             description="Un **réseau** d'entraide à Saint-Étienne.",
                             status="published", insee=PARIS, summary="Résumé de test.",
                             private_email=None).id
    for query in ("cafe", "ENERGIES", "brule", "saint etienne", "Réseau"):
        assert listed_ids(client, f"q={query}") == [target], query


def test_list_works_without_javascript(client, seeded):
    html = client.get("/initiatives?theme=gestion-de-crise").get_data(as_text=True)
    assert '<form class="filters" method="get"' in html
    assert '<script src="/static/js/map.js"' not in html
    # Every published one of that category, those covering a whole territory included.
    assert f"{len(with_category(published(), 'gestion-de-crise'))} initiatives" in html


def test_initiative_id_alone_redirects_to_the_slug_url(client, themes):
    initiative_id = make_initiative("Réseau d'entraide « Les Voisins »", status="published",
                                    insee=PARIS, summary="Résumé de test.", private_email=None).id
    canonical = f"/initiatives/{initiative_id}-reseau-d-entraide-les-voisins"
    response = client.get(f"/initiatives/{initiative_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == canonical
    assert client.get(f"/initiatives/{initiative_id}-old-name").headers["Location"] == canonical


def test_unknown_or_unpublished_initiatives_are_not_found(client, themes):
    pending = make_initiative("Initiative de test", status="pending", insee=PARIS,
                              summary="Résumé de test.", private_email=None).id
    rejected = make_initiative("Initiative de test", status="rejected", insee=PARIS,
                               summary="Résumé de test.", private_email=None).id
    for path in ("/initiatives/999999", f"/initiatives/{pending}", f"/initiatives/{rejected}-x"):
        assert client.get(path).status_code == 404, path


def page_of(client, initiative_id: int) -> str:
    response = client.get(f"/initiatives/{initiative_id}", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_initiative_page_shows_its_public_fields(client, themes):
    html = page_of(client, make_initiative(
        "Tiers-lieu du Plateau", kind="place", actor_name="Association Plateau",
        actor_type="association", website="https://plateau.example.org",
        public_contact="contact@plateau.example.org", started_on="2020-03-17",
        research_partnership=True, source="Document de session 2", tags=["entraide"],
        themes=["continuite-service-public", "retours-experience"], private_email="prive@x.fr",
        status="published", insee=PARIS, summary="Résumé de test.").id)
    for text in ("Tiers-lieu du Plateau", "Lieu", "Association Plateau", "(Association)",
                 'href="https://plateau.example.org"', 'href="mailto:contact@plateau.example.org"',
                 "17 mars 2020", "Ouverte à un partenariat de recherche", "Document de session 2",
                 "entraide", "Continuité du service public", "Dernière mise à jour"):
        assert text in html, text
    assert "prive@x.fr" not in html


def test_initiative_page_links_its_territory_pages(client, themes):
    html = page_of(client, make_initiative("Initiative de test", insee="69123", status="published",
                                           summary="Résumé de test.", private_email=None).id)
    assert 'href="/territoires/commune/69123">Lyon</a>' in html
    assert re.search(r'href="/territoires/epci/\d{9}">[^<]*Lyon', html)
    assert 'href="/territoires/69">Rhône (69)</a>' in html
    assert 'href="/territoires/region/84">Auvergne-Rhône-Alpes</a>' in html


def test_initiative_page_links_to_correction_and_report(client, themes):
    initiative_id = make_initiative("Initiative de test", status="published", insee=PARIS,
                                    summary="Résumé de test.", private_email=None).id
    html = page_of(client, initiative_id)
    assert f'href="/initiatives/{initiative_id}/correction"' in html
    assert f'href="/initiatives/{initiative_id}/signaler"' in html


def test_description_markdown_is_rendered_and_sanitised(client, themes):
    html = page_of(client, make_initiative("Initiative de test", description=(
        "## Objectifs\n\n**Entraide** et [site](https://ok.example.org) ou "
        "[piège](javascript:alert(1)) <script>alert('x')</script> "
        "<img src=x onerror=alert(2)> ![image](https://tracker.example.org/p.png) "
        "[écrire](mailto:a@b.fr)"), status="published", insee=PARIS, summary="Résumé de test.",
        private_email=None).id)
    prose = html.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert "<h4>Objectifs</h4>" in prose
    assert "<strong>Entraide</strong>" in prose
    assert '<a href="https://ok.example.org" rel="nofollow noopener noreferrer">site</a>' in prose
    assert 'href="mailto:a@b.fr"' in prose
    assert 'href="javascript' not in prose
    assert "<script" not in prose and "&lt;script&gt;" in prose
    # No image: nothing on the page may load from another host.
    assert "<img" not in prose and 'src="https://tracker' not in html


def test_json_ld_describes_the_initiative_and_cannot_break_out(client, themes):
    name = "Projet </script><script>alert(1)</script>"
    html = page_of(client, make_initiative(name, kind="initiative", actor_name="Ville",
                                           status="published", insee=PARIS,
                                           summary="Résumé de test.", private_email=None).id)
    assert "<script>alert(1)</script>" not in html
    data = json_ld_of(html)
    assert data["@type"] == "Project" and data["name"] == name
    assert data["location"]["geo"]["@type"] == "GeoCoordinates"
    assert data["founder"]["name"] == "Ville"
    assert data["url"].startswith("http://localhost/initiatives/")


def test_archived_initiative_stays_readable_with_a_banner(client, themes):
    html = page_of(client, make_initiative("Initiative de test", status="archived",
                                           ended_on="2021-06-30", insee=PARIS,
                                           summary="Résumé de test.", private_email=None).id)
    assert "Initiative archivée." in html
    assert "30 juin 2021" in html


def test_initiative_page_has_a_small_map_of_its_point(client, themes):
    html = page_of(client, make_initiative("Initiative de test", insee="69123", status="published",
                                           summary="Résumé de test.", private_email=None).id)
    assert "L.circleMarker(" in html and "/vendor/leaflet/leaflet.js" in html
    assert "MaillageMap.attach" not in html


def test_france_page_counts_and_shades_departements(client, seeded):
    html = client.get("/territoires/").get_data(as_text=True)
    assert "<h1>Les initiatives en France</h1>" in html
    assert re.search(r'<a href="/territoires/35">Ille-et-Vilaine</a></th><td>35</td>'
                     r'<td class="num">\d+</td>', html)
    assert "choropleth-area" in html and "Paris : " in html
    assert "L.geoJson(" in html and "MaillageMap.attach" in html
    # All of France: its counts take in the entries covering a whole territory too.
    research = len(with_category(published(), "recherche"))
    assert research > len(with_category(published(local_only=True), "recherche"))
    assert f'Recherche et connaissance</a></th><td class="num">{research}</td>' in html
    assert f"{len(published())} initiatives" in html


def test_departement_page_shades_its_communes(client, seeded):
    html = client.get("/territoires/35").get_data(as_text=True)
    assert "<h1>Ille-et-Vilaine (35)</h1>" in html
    assert '<a href="/territoires/commune/35238">Rennes</a></th><td>35238</td>' in html
    assert "departement=35" in map_config_of(html)["pointsUrl"]
    assert 'href="/territoires/region/53">Bretagne</a>' in html


def test_region_page_shades_its_departements(client, seeded):
    html = client.get("/territoires/region/53").get_data(as_text=True)
    assert "<h1>Bretagne</h1>" in html
    assert '<a href="/territoires/22">Côtes-d&#39;Armor</a>' in html
    assert '<a href="/territoires/69">' not in html


def test_unknown_territories_are_not_found(client, seeded):
    assert client.get("/territoires/999").status_code == 404
    assert client.get("/territoires/region/99").status_code == 404


def test_commune_suggestions_come_from_the_gazetteer(client):
    found = client.get("/territoires/communes.json?q=saint etienne").get_json()
    assert found[0]["label"] == "Saint-Étienne (42218)"
    assert client.get("/territoires/communes.json?q=").get_json() == []


def test_seed_count_matches_database(client, seeded):
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Initiative))
    assert f"{total} initiatives" in client.get("/initiatives").get_data(as_text=True)
