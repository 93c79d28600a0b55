"""The proposal form: every field's rule, nothing typed lost, anonymous proposals pending."""

import html
import re

import pytest
import sqlalchemy as sa

from app.contribute.proposals import FORM_SOURCE
from app.extensions import db
from app.models import Initiative, Revision
from tests.factories import SECRET_EMAIL, count, login, make_initiative, proposal_data

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")


def field_error(page: str, field: str) -> str:
    """The error shown next to a field, or ''."""
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def test_anonymous_proposal_lands_pending_with_its_revision(client):
    response = client.post("/initiatives/new", data=proposal_data())
    assert response.status_code == 302
    initiative = db.session.scalar(sa.select(Initiative))
    assert initiative.status == "pending"
    assert (initiative.insee, initiative.departement, initiative.region) == ("71137", "71", "27")
    assert initiative.location_precision == "commune"
    assert initiative.private_email == SECRET_EMAIL
    assert [t.slug for t in initiative.themes] == ["continuite-service-public"]
    assert [r.action for r in db.session.scalars(sa.select(Revision))] == ["create"]


def test_signed_in_contributor_proposal_is_pending_too(client, accounts):
    login(client, accounts.contributor)
    client.post("/initiatives/new", data=proposal_data())
    initiative = db.session.scalar(sa.select(Initiative))
    assert initiative.status == "pending" and initiative.created_by_id == accounts.contributor.id


def test_dragged_pin_is_the_exact_place_and_gives_the_territory(client):
    client.post("/initiatives/new", data=proposal_data(commune="", lon="4.6586", lat="46.4346"))
    initiative = db.session.scalar(sa.select(Initiative))
    assert initiative.location_precision == "address"
    assert (initiative.lon, initiative.lat, initiative.insee) == (4.6586, 46.4346, "71137")


def test_extra_fields_in_the_post_are_ignored(client):
    data = proposal_data(status="published", role="admin", created_by_id="1", moderator_id="1",
                         id="999", published_at="2020-01-01", external_id="seed:x",
                         source="Préfecture", version="42", search_text="x")
    assert client.post("/initiatives/new", data=data).status_code == 302
    initiative = db.session.scalar(sa.select(Initiative))
    assert initiative.status == "pending" and initiative.published_at is None
    assert initiative.id != 999 and initiative.version == 1
    assert initiative.created_by_id is None and initiative.moderator_id is None
    assert initiative.external_id is None and initiative.source == FORM_SOURCE


INVALID = [
    ("name", {"name": ""}, "name", "Ce champ est obligatoire."),
    ("name", {"name": "n" * 201}, "name", "200 caractères au plus"),
    ("summary", {"summary": "s" * 401}, "summary", "400 caractères au plus"),
    ("description", {"description": "d" * 20_001}, "description", "20000 caractères au plus"),
    ("kind", {"kind": "spaceship"}, "kind", "Valeur inconnue"),
    ("actor_name", {"actor_name": "a" * 201}, "actor_name", "200 caractères au plus"),
    ("actor_type", {"actor_type": "king"}, "actor_type", "Valeur inconnue"),
    ("website", {"website": "javascript:alert(1)"}, "website", "http:// ou https://"),
    ("website", {"website": "ftp://example.org"}, "website", "http:// ou https://"),
    ("website", {"website": "https://e.fr/" + "x" * 500}, "website", "500 caractères au plus"),
    ("public_contact", {"public_contact": "c" * 301}, "public_contact", "300 caractères au plus"),
    ("private_email", {"private_email": "not an address"}, "private_email", "invalide"),
    ("private_email", {"private_email": "a" * 250 + "@x.fr"}, "private_email", "254 caractères"),
    ("started_on", {"started_on": "31/12/2024"}, "started_on", "AAAA-MM-JJ"),
    ("ended_on", {"ended_on": "demain"}, "ended_on", "AAAA-MM-JJ"),
    ("themes", {"themes": ["no-such-theme"]}, "themes", "Thème inconnu"),
    ("consent", {"consent": None}, "consent", "Cochez cette case"),
    ("location", {"commune": ""}, "commune", "Indiquez une commune ou un point"),
    ("unknown commune", {"commune": "Zzyzxville"}, "commune", "Commune introuvable"),
    ("lon", {"commune": "", "lon": "200", "lat": "46"}, "commune", "hors limites"),
    ("lat", {"commune": "", "lon": "4", "lat": "-91"}, "commune", "hors limites"),
    ("nan", {"commune": "", "lon": "nan", "lat": "46"}, "commune", "hors limites"),
    ("inf", {"commune": "", "lon": "4", "lat": "inf"}, "commune", "hors limites"),
    ("text", {"commune": "", "lon": "east", "lat": "46"}, "commune", "Nombre attendu"),
]
# A NUL byte never reaches the form: every request holding one is refused first (400, see
# tests/security/test_hostile_workflow.py); app.initiatives.fields still refuses it for imports.


@pytest.mark.parametrize("case, overrides, field, message", INVALID, ids=[c[0] for c in INVALID])
def test_each_field_rule_shows_a_french_message_next_to_it(client, case, overrides, field,
                                                          message):
    response = client.post("/initiatives/new", data=proposal_data(**overrides))
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert 'id="error-summary"' in response.text
    assert count(Initiative) == 0


def test_nothing_typed_is_lost_on_an_error(client):
    data = proposal_data(name="", summary="Un résumé « précieux »", actor_name="Collectif Zéro",
                         website="https://zero.example.org", started_on="2024-03-01",
                         research_partnership="y", tags="réemploi, vélo",
                         description="Une **longue** description")
    page = html.unescape(client.post("/initiatives/new", data=data).text)
    for value in ("Un résumé « précieux »", "Collectif Zéro", "https://zero.example.org",
                  "2024-03-01", "réemploi, vélo", "Une **longue** description", "Cluny",
                  SECRET_EMAIL):
        assert value in page
    assert re.search(r'<input checked[^>]*id="research_partnership"', page)
    assert re.search(r'<input checked[^>]*value="continuite-service-public"', page)


def test_ambiguous_commune_offers_the_namesakes(client):
    response = client.post("/initiatives/new", data=proposal_data(commune="Saint-Martin"))
    assert response.status_code == 400
    assert "Plusieurs communes correspondent" in field_error(response.text, "commune")
    choices = re.findall(r'name="commune_choice" type="radio" value="(\w+)"', response.text)
    assert len(choices) > 1
    chosen = client.post("/initiatives/new", data=proposal_data(commune="Saint-Martin",
                                                                commune_choice=choices[0]))
    assert chosen.status_code == 302
    assert db.session.scalar(sa.select(Initiative.insee)) == choices[0]


def test_shared_postcode_asks_which_commune_and_insee_code_finds_it(client):
    shared = client.post("/initiatives/new", data=proposal_data(commune="71250"))
    assert shared.status_code == 400
    assert 'value="71137"' in shared.text and "Cluny (71250, Saône-et-Loire)" in shared.text
    client.post("/initiatives/new", data=proposal_data(commune="71137"))
    assert db.session.scalar(sa.select(Initiative.insee)) == "71137"


def test_insee_of_another_commune_than_the_typed_one_is_not_trusted(client):
    client.post("/initiatives/new", data=proposal_data(commune="Cluny", insee="33063"))
    assert db.session.scalar(sa.select(Initiative.insee)) == "71137"


def test_preview_renders_clean_markdown_and_saves_nothing(client):
    description = "Un **atelier** <script>alert(1)</script> [lien](javascript:alert(1))"
    response = client.post("/initiatives/new", data=proposal_data(description=description,
                                                                  action="preview"))
    assert response.status_code == 200
    preview = response.text.split('id="preview-title"')[1].split("</section>")[0]
    assert "<strong>atelier</strong>" in preview
    assert "<script>alert" not in preview and "&lt;script&gt;" in preview
    assert 'href="javascript' not in preview
    assert count(Initiative) == 0


def test_proposer_is_asked_about_a_published_look_alike_before_sending(client):
    make_initiative("Repair Café de Cluny", status="published")
    make_initiative("Repair café Cluny (en attente)", status="pending", insee="71137")
    response = client.post("/initiatives/new", data=proposal_data())
    assert response.status_code == 200
    assert "Est-ce la même initiative" in response.text
    assert "Repair Café de Cluny" in response.text
    assert "en attente" not in response.text.split("duplicates-title")[1].split("</section>")[0]
    assert count(Initiative) == 2
    confirmed = client.post("/initiatives/new", data=proposal_data(confirm_distinct="y"))
    assert confirmed.status_code == 302 and count(Initiative) == 3


def test_same_website_far_away_is_a_look_alike_too(client):
    make_initiative("Autre nom", status="published", insee="33063",
                    website="https://WWW.Repair.Example.org/")
    response = client.post("/initiatives/new", data=proposal_data())
    assert "Est-ce la même initiative" in response.text


def test_form_shows_the_privacy_notice_and_a_map_without_cdn(client):
    page = client.get("/initiatives/new").text
    assert "Jamais publié : votre adresse e-mail" in page
    assert "effacer vos données" in page
    assert "/vendor/leaflet/leaflet.js" in page and "location-picker.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page
    assert 'name="nickname"' in page and 'name="stamp"' in page
