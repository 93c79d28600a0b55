"""The panel beside the map, the list and the territory pages list the entries that cover a
whole territory meeting the area shown (issue 15.3)."""

import re

import pytest

from app.extensions import db
from tests.factories import make_initiative
from tests.test_scope_model import LANNION_TREGOR, territory_entry

GRAND_PARIS = "200054781"  # Métropole du Grand Paris: communes in six départements of 11


@pytest.fixture
def territories(app):
    """A local entry in Cluny and one entry per whole territory, in Bretagne and Paris."""
    make_initiative("Repair café", status="published", themes=None)
    territory_entry("national", "FR", name="Solidarité numérique", kind="resource")
    territory_entry("regional", "53", name="Plateforme régionale des makers")
    territory_entry("regional", "27", name="Guide de Bourgogne-Franche-Comté")
    territory_entry("departemental", "22", name="Carte de la médiation numérique")
    territory_entry("intercommunal", LANNION_TREGOR, name="Réseau du Trégor")
    territory_entry("intercommunal", GRAND_PARIS, name="Entraide du Grand Paris")
    db.session.commit()


def panel_names(html: str) -> list[str]:
    """The entry names of a panel fragment, in their order."""
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)


def fragment(client, query: str) -> str:
    response = client.get(f"/carte/territoires?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_panel_lists_what_meets_the_view_widest_first(client, territories):
    # A view of Bretagne: France, Bretagne, Côtes-d'Armor, Lannion-Trégor; not Bourgogne.
    html = fragment(client, "bbox=-5.2,47.2,-1.0,48.9")
    assert panel_names(html) == ["Solidarité numérique", "Plateforme régionale des makers",
                                 "Carte de la médiation numérique", "Réseau du Trégor"]
    assert re.findall(r"<h3[^>]*>([^<]+?) <span", html) == [
        "Partout en France", "Dans toute une région", "Dans tout un département",
        "Dans toute une intercommunalité"]
    # A view of Cluny: France and Bourgogne-Franche-Comté only.
    assert panel_names(fragment(client, "bbox=4.6,46.4,4.7,46.5")) == [
        "Solidarité numérique", "Guide de Bourgogne-Franche-Comté"]


def test_the_panel_follows_the_filters(client, territories):
    assert panel_names(fragment(client, "bbox=-5.2,47.2,-1.0,48.9&kind=resource")) == [
        "Solidarité numérique"]
    assert panel_names(fragment(client, "departement=22")) == [
        "Solidarité numérique", "Plateforme régionale des makers",
        "Carte de la médiation numérique", "Réseau du Trégor"]
    # Paris: France, and the Métropole du Grand Paris spanning several départements.
    assert panel_names(fragment(client, "departement=75")) == [
        "Solidarité numérique", "Entraide du Grand Paris"]


def test_the_map_page_has_the_panel_as_an_accessible_list(client, territories):
    html = client.get("/").get_data(as_text=True)
    panel = html[html.index('id="scope-panel"'):]
    assert 'aria-labelledby="scope-panel-heading"' in html
    assert "Dans tout le territoire, partout en France" in panel
    assert panel_names(panel)[:1] == ["Solidarité numérique"]
    assert len(panel_names(panel)) == 6  # without a view: all of France
    assert "js/scope-panel.js" in html


def test_the_panel_is_in_english_for_english_readers(client, territories):
    html = client.get("/carte/territoires?departement=22",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Everywhere in France" in html and "Across a whole région" in html


def test_a_departement_list_adds_the_wider_territories_in_their_own_section(client,
                                                                           territories):
    html = client.get("/initiatives?departement=22").get_data(as_text=True)
    results, wider = html.split('id="wider-heading"')
    # Its own: the département's entry and the EPCI inside it, each labelled by its scope.
    assert "Carte de la médiation numérique" in results and "Réseau du Trégor" in results
    assert "Portée départementale : Côtes-d&#39;Armor" in results
    assert panel_names(wider) == ["Solidarité numérique", "Plateforme régionale des makers"]


def test_an_unfiltered_list_holds_every_entry_and_no_wider_section(client, territories):
    html = client.get("/initiatives").get_data(as_text=True)
    assert "Solidarité numérique" in html and 'id="wider-heading"' not in html


def test_a_territory_page_lists_its_own_and_wider_whole_territories(client, territories):
    html = client.get("/territoires/22").get_data(as_text=True)
    section = html[html.index('id="scope-heading"'):]
    assert panel_names(section) == ["Solidarité numérique", "Plateforme régionale des makers",
                                    "Carte de la médiation numérique", "Réseau du Trégor"]
    html = client.get("/territoires/commune/71137").get_data(as_text=True)
    section = html[html.index('id="scope-heading"'):]
    assert panel_names(section) == ["Solidarité numérique", "Guide de Bourgogne-Franche-Comté"]


def test_the_panel_finds_its_entries_through_the_scope_index(app, territories):
    """On SQLite, not by walking every public entry in the status index: it has no
    statistics of the scopes' values (1.5 s a home page at 100,000 initiatives). PostgreSQL
    keeps them, and plans by the rows at hand: there, the statement finds the entries."""
    from app.filters import Filters
    from app.geo.spatial import explain
    from app.public.scope_panel import whole_territory_rows, whole_territory_statement

    assert len(whole_territory_rows(Filters())) == 6
    if db.engine.dialect.name == "sqlite":
        plan = explain(whole_territory_statement(Filters()))
        assert "ix_initiatives_scope" in plan
        assert "ix_initiatives_status" not in plan
