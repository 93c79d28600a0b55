"""Imports of files in the national standards (issue 17.3): recognised, mapped by
themselves, checked by the same rules as every other row."""

import csv
import io

import orjson
import sqlalchemy as sa

from app.exchange.mapping import guess_mapping
from app.exchange.sources import parse_source
from app.extensions import db
from app.models import Initiative
from tests.factories import login
from tests.test_import_roundtrip import import_file
from tests.test_standard_exports import STANDARDS, frictionless_errors

EXAMPLE = (STANDARDS / "mediation-num" / "exemple-valide.csv").read_bytes()
# A data·inclusion service as its producers publish it (the schema's own field names).
DI_SERVICE = {
    "source": "dora", "structure_id": "dora--42", "id": "dora--atelier-7",
    "nom": "Atelier numérique du Tournesol",
    "description": "Des ateliers pour apprendre à utiliser un ordinateur et internet.",
    "date_maj": "2025-02-14", "thematiques": ["numerique--acquerir-un-equipement",
                                             "famille--garde-denfants"],
    "frais": "gratuit", "publics": ["seniors", "jeunes"], "telephone": "+33385591234",
    "courriel": "atelier@example.org", "adresse": "1 place du Marché",
    "code_postal": "71250", "code_insee": "71137", "commune": "Cluny",
    "latitude": None, "longitude": None, "modes_accueil": ["en-presentiel"],
    "modes_mobilisation": ["se-presenter", "telephoner"],
    "horaires_accueil": "Tu,Th 14:00-17:00", "lien_mobilisation": None,
}


def without_coordinates(data: bytes) -> bytes:
    """The example with its optional latitude and longitude left blank."""
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**row, "latitude": "", "longitude": ""} for row in rows)
    return out.getvalue().encode()


def test_the_standard_files_are_recognised_and_map_themselves():
    source = parse_source(EXAMPLE, "lieux.csv", 10**6)
    assert source.format == "mediation-num"
    mapping = guess_mapping(source)
    assert {target: mapping[target] for target in (
        "name", "street_address", "postcode", "phone", "emails", "opening_hours", "services",
        "publics", "fees", "access_modes", "support_modes", "booking_url",
        "accessibility_url", "summary", "description", "insee")} == {
        "name": "nom", "street_address": "adresse", "postcode": "code_postal",
        "phone": "telephone", "emails": "courriels", "opening_hours": "horaires",
        "services": "services", "publics": "publics_specifiquement_adresses",
        "fees": "frais_a_charge", "access_modes": "modalites_acces",
        "support_modes": "modalites_accompagnement", "booking_url": "prise_rdv",
        "accessibility_url": "fiche_acces_libre", "summary": "presentation_resume",
        "description": "presentation_detail", "insee": "code_insee"}
    di = parse_source(orjson.dumps([DI_SERVICE]), "services.json", 10**6)
    assert di.format == "data-inclusion"
    assert guess_mapping(di)["services"] == "thematiques"


def test_the_example_point_far_from_its_commune_is_refused_with_the_reason(app, themes):
    # The example places Reims (51454) at 43.5°N 5.4°E, near Aix-en-Provence.
    report = import_file(EXAMPLE, "exemple-valide.csv", status="published")
    assert report.counts["create"] == 0
    assert any("km" in reason for reason in report.rows[0].reasons)


def test_the_example_is_imported_with_its_details_then_exported_valid(client, themes):
    report = import_file(without_coordinates(EXAMPLE), "exemple-valide.csv",
                         status="published")
    assert report.counts["create"] == 1, [row.reasons for row in report.rows]
    place = db.session.scalar(sa.select(Initiative))
    assert (place.name, place.kind, place.insee, place.postcode) == ("Anonymal", "place",
                                                                     "51454", "51100")
    assert place.street_address == "12 BIS RUE DE LECLERCQ"
    assert place.phone == "+33180059880"
    assert place.emails == ["contact@laquincaillerie.tl", "responsable@laquincaillerie.tl"]
    assert place.website == "https://www.laquincaillerie.tl/"
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
    assert place.services == ["outils-du-quotidien", "insertion-professionnelle",
                              "loisirs-creations"]
    assert place.publics == ["jeunes", "femmes"]
    assert place.fees == ["gratuit-sous-condition", "payant"]
    assert place.access_modes == ["se-presenter", "telephoner"]
    assert place.support_modes == ["accompagnement-individuel", "en-autonomie",
                                   "atelier-collectif", "a-distance"]
    assert [theme.slug for theme in place.themes] == ["mediation-numerique"]
    assert (place.lead_actor.name, place.lead_actor.siret) == ("Anonymal", "43493312300029")
    exported = client.get("/export/initiatives.mediation-num.csv").data
    assert frictionless_errors(exported) == []
    row = next(csv.DictReader(io.StringIO(exported.decode())))
    assert (row["pivot"], row["nom"], row["code_postal"], row["telephone"]) == (
        "43493312300029", "Anonymal", "51100", "+33180059880")
    assert row["services"] == ("Maîtrise des outils numériques du quotidien|"
                               "Insertion professionnelle via le numérique|"
                               "Loisirs et créations numériques")


def test_a_data_inclusion_file_is_imported_through_the_web_steps(client, accounts):
    login(client, accounts.admin)
    upload = client.post("/import", data={
        "file": (io.BytesIO(orjson.dumps([DI_SERVICE])), "services.json")},
        content_type="multipart/form-data")
    assert upload.status_code == 302, upload.text
    mapping_page = client.get(upload.headers["Location"]).text
    assert "data-inclusion" in mapping_page
    report = import_file(orjson.dumps([DI_SERVICE]), "services.json", status="published")
    assert report.counts["create"] == 1, [row.reasons for row in report.rows]
    service = db.session.scalar(sa.select(Initiative))
    assert (service.name, service.insee, service.phone) == (
        "Atelier numérique du Tournesol", "71137", "+33385591234")
    # The thématique we have no code for is left aside, not a refusal.
    assert service.services == ["materiel-prix-solidaire"]
    assert service.access_modes == ["se-presenter", "telephoner"]
    assert service.support_modes == ["accompagnement-individuel"]
    assert service.emails == ["atelier@example.org"] and service.fees == ["gratuit"]
    assert service.opening_hours == "Tu,Th 14:00-17:00"
