"""The actors' pages: the directory, an actor's page, its links and redirects."""

import pytest

from app.database import write_transaction
from app.extensions import db
from app.initiatives.actors import find_or_create_actor
from app.models import Actor, Initiative
from tests.factories import make_initiative
from tests.test_public_pages import link_of

SIRET = "73282932000074"


@pytest.fixture
def cluny(app, themes) -> Actor:
    led = make_initiative("Repair café", status="published", private_email=None,
                          actor_name="Ville de Cluny", actor_type="commune",
                          actor_identifier=SIRET)
    make_initiative("Épicerie solidaire", status="published", private_email=None,
                    actor_name="Collectif Épicerie", actor_type="citizen_collective",
                    partners=[{"actor_id": led.lead_actor_id, "role": "prête la salle"}])
    make_initiative("Caché", private_email=None, lead_actor_id=led.lead_actor_id)
    return db.session.get(Actor, led.lead_actor_id)


def test_actor_page_shows_what_it_is_its_initiatives_territories_and_feed(client, cluny):
    page = client.get(f"/acteurs/{cluny.id}-ville-de-cluny")
    html = page.data.decode()
    assert page.status_code == 200
    assert "<h1>Ville de Cluny</h1>" in html and SIRET in html and "732829320" in html
    assert "Repair café" in html and "Épicerie solidaire" in html and "Caché" not in html
    assert "prête la salle" not in html  # the role is shown on the initiative's page
    assert f'type="application/atom+xml" title="Maillage — initiatives — Ville de Cluny" ' \
           f'href="/initiatives.atom?actor={cluny.id}"' in html
    assert 'href="/territoires/commune/71137"' in html and 'href="/territoires/71"' in html
    assert "Initiatives dont il est partenaire" in html


def test_actor_page_redirects_to_its_canonical_slug_and_merged_ones_to_the_kept(client,
                                                                                cluny):
    assert client.get(f"/acteurs/{cluny.id}").headers["Location"].endswith(
        f"/acteurs/{cluny.id}-ville-de-cluny")
    with write_transaction():
        merged = find_or_create_actor("Mairie de Cluny", status="published")
        db.session.flush()
        merged.merged_into_id = cluny.id
    response = client.get(f"/acteurs/{merged.id}-mairie-de-cluny")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/acteurs/{cluny.id}-ville-de-cluny")


def test_pending_actor_has_no_page(client, app, themes):
    hidden = make_initiative("En attente", private_email=None, actor_name="Collectif discret")
    assert client.get(f"/acteurs/{hidden.lead_actor_id}-collectif-discret").status_code == 404


def test_directory_searches_and_filters_by_type_and_territory(client, cluny):
    html = client.get("/acteurs").data.decode()
    assert "Ville de Cluny" in html and "Collectif Épicerie" in html and "2 acteurs" in html
    assert f'href="/acteurs/{cluny.id}-ville-de-cluny"' in html
    found = client.get("/acteurs?q=cluny").data.decode()
    assert "Ville de Cluny" in found and "Collectif Épicerie" not in found
    typed = client.get("/acteurs?type=citizen_collective").data.decode()
    assert "Collectif Épicerie" in typed and "Ville de Cluny" not in typed
    assert "Aucun acteur" in client.get("/acteurs?departement=33").data.decode()
    assert client.get("/acteurs?type=nope").status_code == 400


def test_directory_is_paged(client, app, themes):
    with write_transaction():
        for number in range(55):
            find_or_create_actor(f"Association {number:02d}", status="published")
    first = client.get("/acteurs").data.decode()
    assert "Association 49" in first and "Association 50" not in first
    following = link_of(first, "next")
    assert following.startswith("/acteurs?cursor=")
    second = client.get(following).data.decode()
    assert "Association 54" in second and "Association 49" not in second
    assert "Résultats 51 à 55 sur 55" in second and link_of(second, "next") is None
    back = client.get(link_of(second, "prev")).data.decode()
    assert "Association 00" in back and "Association 50" not in back


def test_initiative_page_links_its_lead_actor_and_partners(client, cluny):
    epicerie = db.session.scalar(db.select(Actor).where(Actor.name == "Collectif Épicerie"))
    initiative = db.session.scalar(db.select(Initiative.id).where(
        Initiative.name == "Épicerie solidaire"))
    html = client.get(f"/initiatives/{initiative}", follow_redirects=True).data.decode()
    assert f'href="/acteurs/{epicerie.id}-collectif-epicerie"' in html
    assert f'href="/acteurs/{cluny.id}-ville-de-cluny">Ville de Cluny</a>' in html
    assert "prête la salle" in html

