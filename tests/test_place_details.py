"""A place's practical details (issue 17.1): rules, forms, page, API, history, exports."""

import csv
import io
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.fields import InvalidInitiative, clean_fields
from app.initiatives.phones import display_phone, normalise_phone
from app.initiatives.services import update_initiative
from app.models import Initiative, Revision
from app.web.place_details import PARIS, open_now, opening_specifications
from tests.factories import login, make_initiative, proposal_data
from tests.test_import_roundtrip import import_file, start_again_empty

HOURS = "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
DETAILS = {
    "street_address": "12 rue de la Paix", "postcode": "71250", "phone": "03 85 59 12 34",
    "emails": "accueil@example.org, numerique@example.org", "opening_hours": HOURS,
    "services": ["outils-du-quotidien", "demarches-en-ligne"], "publics": ["seniors"],
    "fees": ["gratuit"], "access_modes": ["se-presenter", "telephoner"],
    "support_modes": ["atelier-collectif"], "booking_url": "https://rdv.example.org/lieu",
    "accessibility_url": "https://acceslibre.beta.gouv.fr/app/erp/lieu/",
}


def place(**values) -> Initiative:
    return make_initiative("Espace numérique de Cluny", kind="place", status="published",
                           private_email=None, **{**DETAILS, **values})


@pytest.mark.parametrize(("written", "e164", "shown"), [
    ("03 85 59 12 34", "+33385591234", "03 85 59 12 34"),
    ("+33 (0)3 85 59 12 34", "+33385591234", "03 85 59 12 34"),
    ("0033385591234", "+33385591234", "03 85 59 12 34"),
    ("06.12.34.56.78", "+33612345678", "06 12 34 56 78"),
    ("0590 12 34 56", "+590590123456", "05 90 12 34 56"),
    ("0692 12 34 56", "+262692123456", "06 92 12 34 56"),
    ("+687 28 12 34", "+687281234", "+687 28 12 34"),
])
def test_french_phones_are_kept_in_e164_and_shown_the_french_way(written, e164, shown):
    assert normalise_phone(written) == e164
    assert display_phone(e164) == shown


@pytest.mark.parametrize("written", ["3919", "01 23 45 67", "+44 20 7946 0958",
                                     "00 33 0 1 23 45 67 89 0", "01 23 45 67 8a", "+33 0123"])
def test_other_phones_are_refused(written):
    with pytest.raises(InvalidInitiative) as refused:
        clean_fields({"phone": written})
    assert "téléphone français invalide" in refused.value.errors["phone"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("opening_hours", "lundi de 9h à 12h", "Horaires illisibles"),
    ("opening_hours", "Mo-Fr 25:00-26:00", "Horaires illisibles"),
    ("postcode", "7125", "Code postal invalide"),
    ("emails", "accueil@example.org, pas-une-adresse", "Adresse e-mail invalide"),
    ("services", ["cuisine"], "Valeur inconnue"),
    ("booking_url", "javascript:alert(1)", "Adresse web invalide"),
    ("street_address", "x" * 301, "300 caractères au plus"),
])
def test_each_detail_rule_refuses_with_a_french_message(field, value, message):
    with pytest.raises(InvalidInitiative) as refused:
        clean_fields({field: value})
    assert message in refused.value.errors[field]


def test_vocabularies_accept_codes_labels_and_both_standards_words():
    cleaned = clean_fields({
        "services": "Maîtrise des outils numériques du quotidien|numerique--acquerir-un-equipement",
        "publics": ["Familles et/ou enfants", "seniors", "Tous publics"],
        "fees": "Gratuit sous condition", "access_modes": "Contacter par mail;telephoner",
        "support_modes": ["a-distance", "En autonomie"],
        "opening_hours": "Mo-Fr 9:00-12:00", "emails": [], "phone": ""})
    assert cleaned == {
        "services": ["outils-du-quotidien", "materiel-prix-solidaire"],
        "publics": ["tous-publics", "familles", "seniors"], "fees": ["gratuit-sous-condition"],
        "access_modes": ["telephoner", "envoyer-un-courriel"],
        "support_modes": ["en-autonomie", "a-distance"],
        "opening_hours": "Mo-Fr 09:00-12:00", "emails": None, "phone": None}


def test_open_now_is_computed_in_paris_time():
    monday_morning = datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)
    assert open_now(HOURS, monday_morning) is True
    assert open_now(HOURS, monday_morning.replace(hour=13)) is False
    # 08:30 UTC on a Saturday is 09:30 in Paris: open.
    assert open_now(HOURS, datetime.fromisoformat("2026-12-12T08:30:00+00:00")) is True
    assert open_now(HOURS, datetime(2026, 12, 13, 10, 0, tzinfo=PARIS)) is False  # Sunday
    assert open_now(None) is None


def test_proposal_form_saves_the_details_and_records_them(fast_forms, client, themes):
    page = client.get("/initiatives/new").text
    assert 'name="opening_hours"' in page and 'value="demarches-en-ligne"' in page
    response = client.post("/initiatives/new", data=proposal_data(**DETAILS))
    assert response.status_code == 302, response.text
    initiative = db.session.scalar(sa.select(Initiative))
    assert initiative.phone == "+33385591234"
    assert initiative.emails == ["accueil@example.org", "numerique@example.org"]
    assert initiative.services == ["demarches-en-ligne", "outils-du-quotidien"]
    assert initiative.opening_hours == HOURS
    revision = db.session.scalar(sa.select(Revision))
    assert revision.after["phone"] == "+33385591234"
    assert revision.after["access_modes"] == ["se-presenter", "telephoner"]


def test_proposal_form_shows_a_bad_detail_next_to_its_field(fast_forms, client, themes):
    response = client.post("/initiatives/new", data=proposal_data(
        **{**DETAILS, "opening_hours": "tous les jours sauf dimanche", "phone": "12"}))
    assert response.status_code == 400
    assert 'id="opening_hours-error"' in response.text and 'id="phone-error"' in response.text
    assert 'value="tous les jours sauf dimanche"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0


def test_page_shows_the_details_with_a_tel_link_and_the_week_in_words(client, themes):
    initiative = place()
    page = client.get(f"/initiatives/{initiative.id}", follow_redirects=True).text
    section = page[page.index('id="place-heading"'):page.index('id="actions-heading"')]
    assert '<a href="tel:+33385591234" class="phone">03 85 59 12 34</a>' in section
    assert "12 rue de la Paix, 71250" in section
    assert '<a href="mailto:numerique@example.org">' in section
    assert "Lundi" in section and "09:00–12:00, 14:00–18:30" in section
    assert "Dimanche" in section and "fermé" in section
    assert ("Ouvert maintenant" in section) != ("Fermé en ce moment" in section)
    assert "Maîtrise des outils numériques du quotidien" in section and "Seniors" in section
    assert 'href="https://rdv.example.org/lieu"' in section


def test_page_in_english_names_days_and_services_in_english(client, themes):
    initiative = place()
    page = client.get(f"/initiatives/{initiative.id}?lang=en", follow_redirects=True).text
    section = page[page.index('id="place-heading"'):]
    assert "Monday" in section and "closed" in section
    assert "Mastering everyday digital tools" in section


def test_page_without_details_has_no_place_section(client, themes):
    initiative = make_initiative(status="published", private_email=None)
    page = client.get(f"/initiatives/{initiative.id}", follow_redirects=True).text
    assert 'id="place-heading"' not in page


def test_json_ld_carries_address_telephone_email_and_hours(client, themes):
    initiative = place()
    page = client.get(f"/initiatives/{initiative.id}", follow_redirects=True).text
    start = page.index('<script type="application/ld+json"')
    data = __import__("json").loads(page[page.index(">", start) + 1:page.index("</script>", start)])
    assert data["@type"] == "Place" and data["telephone"] == "+33385591234"
    assert data["address"]["streetAddress"] == "12 rue de la Paix"
    assert data["address"]["postalCode"] == "71250"
    assert data["address"]["email"] == "accueil@example.org"
    monday = [spec for spec in data["openingHoursSpecification"]
              if spec["dayOfWeek"] == "https://schema.org/Monday"]
    assert [(spec["opens"], spec["closes"]) for spec in monday] == [("09:00", "12:00"),
                                                                   ("14:00", "18:30")]


def test_opening_specifications_of_a_place_open_all_day():
    specs = opening_specifications("24/7", datetime(2026, 12, 7, tzinfo=PARIS))
    assert len(specs) == 7 and specs[0]["opens"] == "00:00" and specs[0]["closes"] == "23:59"


def test_api_and_exports_give_the_details(client, themes):
    place()
    item = client.get("/api/v1/initiatives").get_json()["features"][0]["properties"]
    assert item["phone"] == "+33385591234" and item["opening_hours"] == HOURS
    assert item["services"] == ["demarches-en-ligne", "outils-du-quotidien"]
    assert item["emails"] == ["accueil@example.org", "numerique@example.org"]
    body = client.get("/export/initiatives.csv").data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(body)))
    # Neutralised like every cell a spreadsheet would run as a formula.
    assert row["phone"] == "'+33385591234" and row["postcode"] == "71250"
    assert row["services"] == "demarches-en-ligne, outils-du-quotidien"


def test_an_entry_without_details_gives_nulls_and_empty_lists(client, themes):
    initiative = make_initiative(status="published", private_email=None)
    item = client.get(f"/api/v1/initiatives/{initiative.id}").get_json()["properties"]
    assert item["phone"] is None and item["services"] == [] and item["emails"] == []


def test_moderator_edits_the_details_and_history_shows_them(client, accounts):
    initiative = place()
    login(client, accounts.moderator_71)
    form = client.get(f"/moderation/initiatives/{initiative.id}/edit").text
    assert 'value="03 85 59 12 34"' in form
    assert 'value="accueil@example.org, numerique@example.org"' in form
    with write_transaction():
        update_initiative(db.session.get(Initiative, initiative.id),
                          {"phone": "0385591299", "publics": ["jeunes"]}, author=None)
    login(client, accounts.admin)
    page = client.get(f"/initiatives/{initiative.id}/history").text
    assert "Téléphone" in page and "03 85 59 12 99" in page and "Jeunes" in page


def test_csv_and_geojson_imports_read_the_details_back(client, themes):
    place()
    exported = {"csv": client.get("/export/initiatives.csv").data,
                "geojson": client.get("/api/v1/initiatives").data}
    for fmt, data in exported.items():
        start_again_empty()
        report = import_file(data, f"export.{fmt}", status="published")
        assert report.counts["create"] == 1, (fmt, [row.reasons for row in report.rows])
        imported = db.session.scalar(sa.select(Initiative))
        assert imported.phone == "+33385591234", fmt
        assert imported.services == ["demarches-en-ligne", "outils-du-quotidien"], fmt
        assert imported.emails == ["accueil@example.org", "numerique@example.org"], fmt
        assert (imported.opening_hours, imported.street_address) == (HOURS,
                                                                     "12 rue de la Paix")


def test_geopackage_carries_the_details(client, themes, tmp_path):
    import geopandas

    place()
    data = client.get("/export/initiatives.gpkg").data
    (tmp_path / "export.gpkg").write_bytes(data)
    row = geopandas.read_file(tmp_path / "export.gpkg", layer="initiatives").iloc[0]
    assert row["phone"] == "+33385591234" and row["opening_hours"] == HOURS
    assert row["services"] == "demarches-en-ligne, outils-du-quotidien"


def test_export_page_says_in_english_why_entries_are_left_out(client, themes):
    make_initiative("Jardin partagé", status="published", private_email=None)
    page = client.get("/export?lang=en").text
    section = page[page.index('id="standards-heading"'):]
    assert "In the national standards" in section and "not a digital mediation place" in section
    assert "1 left out" in section
