"""Exports in the national standards (issue 17.2), checked by the standards' own validators:
frictionless with the médiation numérique Table Schema, data·inclusion's pydantic models."""

import csv
import io
from pathlib import Path

import orjson
import pytest
from data_inclusion.schema import v1
from frictionless import Resource, Schema, validate

from tests.factories import make_initiative
from tests.test_place_details import DETAILS

STANDARDS = Path(__file__).resolve().parent.parent / "geodata" / "standards"
MEDIATION_SCHEMA = STANDARDS / "mediation-num" / "schema.json"


def frictionless_errors(data: bytes) -> list[str]:
    """The validator's messages for a CSV checked against the médiation numérique schema."""
    schema = Schema.from_descriptor(orjson.loads(MEDIATION_SCHEMA.read_bytes()))
    report = validate(Resource(data=data, format="csv", encoding="utf-8", schema=schema))
    return [error.message for task in report.tasks for error in task.errors]


def digital_place(name="Espace numérique de Cluny", **values):
    return make_initiative(name, kind="place", status="published", private_email=None,
                           themes=["mediation-numerique"], **{**DETAILS, **values})


def test_the_standard_own_example_is_valid_under_the_copied_schema():
    data = (STANDARDS / "mediation-num" / "exemple-valide.csv").read_bytes()
    assert frictionless_errors(data) == []


def test_mediation_export_is_valid_and_leaves_out_what_the_schema_cannot_hold(client, themes):
    digital_place()
    digital_place("Point numérique sans adresse", street_address="", postcode="")
    make_initiative("Jardin partagé", status="published", private_email=None)
    response = client.get("/export/initiatives.mediation-num.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert frictionless_errors(response.data) == []
    assert response.headers["X-Left-Out"] == "3"  # no lead actor, hence no pivot
    page = client.get("/export").text
    section = page[page.index('id="standards-heading"'):]
    assert "pas un lieu de médiation numérique" in section
    assert "sans SIRET de l'acteur porteur (pivot)" in section and "sans adresse" in section


def test_a_place_with_its_lead_actor_siret_is_exported_valid(client, themes):
    digital_place(actor_name="Association Clunisoise du Numérique",
                  actor_identifier="43493312300029")
    digital_place("Atelier sans porteur")
    response = client.get("/export/initiatives.mediation-num.csv")
    assert frictionless_errors(response.data) == []
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert len(rows) == 1 and response.headers["X-Left-Out"] == "1"
    row = rows[0]
    assert (row["pivot"], row["nom"], row["adresse"], row["code_postal"], row["code_insee"]) \
        == ("43493312300029", "Espace numérique de Cluny", "12 rue de la Paix", "71250",
            "71137")
    assert row["telephone"] == "+33385591234" and row["horaires"] == DETAILS["opening_hours"]
    assert row["services"] == ("Aide aux démarches administratives|"
                               "Maîtrise des outils numériques du quotidien")
    assert row["modalites_acces"] == "Se présenter|Téléphoner"
    assert row["courriels"] == "accueil@example.org|numerique@example.org"
    structures = orjson.loads(client.get("/export/data-inclusion/structures.json").data)
    assert {item["siret"] for item in structures} == {"43493312300029", None}


def test_data_inclusion_exports_validate_under_the_package_models(client, themes):
    digital_place()
    make_initiative("Jardin partagé", status="published", private_email=None,
                    description="Un jardin ouvert à tous les habitants du quartier.")
    services = orjson.loads(client.get("/export/data-inclusion/services.json").data)
    structures = orjson.loads(client.get("/export/data-inclusion/structures.json").data)
    assert len(services) == 2 and len(structures) == 2
    for item in services:
        v1.Service.model_validate(item, context={"ignore_warnings": False})
    for item in structures:
        v1.Structure.model_validate(item, context={"ignore_warnings": False})
    cluny = next(item for item in services if item["nom"] == "Espace numérique de Cluny")
    assert cluny["telephone"] == "+33385591234" and cluny["code_postal"] == "71250"
    assert set(cluny["thematiques"]) >= {"numerique--acceder-a-des-services-en-ligne",
                                         "numerique--maitriser-les-fondamentaux-du-numerique"}
    assert set(cluny["modes_mobilisation"]) == {"se-presenter", "telephoner"}
    assert cluny["frais"] == "gratuit" and cluny["publics"] == ["seniors"]
    assert cluny["structure_id"] in {item["id"] for item in structures}


def test_data_inclusion_leaves_out_an_entry_its_model_refuses(client, themes):
    make_initiative("Ok", status="published", private_email=None, summary="")  # name too short
    response = client.get("/export/data-inclusion/services.json")
    assert orjson.loads(response.data) == [] and response.headers["X-Left-Out"] == "1"


def test_standard_exports_honour_the_shared_filters(client, themes):
    digital_place()
    make_initiative("Jardin partagé", status="published", private_email=None,
                    description="Un jardin ouvert à tous les habitants du quartier.")
    services = orjson.loads(client.get("/export/data-inclusion/services.json?kind=place").data)
    assert [item["nom"] for item in services] == ["Espace numérique de Cluny"]
    phoned = orjson.loads(client.get("/export/data-inclusion/services.json?telephone=1").data)
    assert len(phoned) == 1
    assert client.get("/export/initiatives.mediation-num.csv?kind=nope").status_code == 400


@pytest.mark.parametrize("fmt", ["mediation-num", "data-inclusion"])
def test_cli_writes_the_standard_exports(runner, themes, tmp_path, fmt):
    digital_place()
    target = tmp_path / "out"
    result = runner.invoke(args=["export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    if fmt == "mediation-num":
        assert frictionless_errors(target.read_bytes()) == []
        assert "left out" in result.output
    else:
        services = orjson.loads((target / "services.json").read_bytes())
        assert [v1.Service.model_validate(item).nom for item in services] == [
            "Espace numérique de Cluny"]
        assert (target / "structures.json").exists()
